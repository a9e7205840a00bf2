"""Attestations for CI: a signed in-toto statement of a spec's status, checked offline."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from techspec.proofs import ProofError
from techspec.proofs.attestation import (
    Approval,
    AttestationError,
    Claim,
    sign,
    verify,
)
from techspec.proofs.keys import KeyRing

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CONTENT = "c0" * 32


def claim(
    status: str = "Approved", roles: tuple[str, ...] = ("Technical Lead", "Security Lead")
) -> Claim:
    return Claim(
        spec="payments-ledger",
        title="Technical Specification: Payments Ledger",
        revision=7,
        status=status,
        content_hash=CONTENT,
        revision_sha256="5e" * 32,
        approvals=tuple(Approval(role, "someone", NOW) for role in roles),
        issued_at=NOW,
    )


def pae(payload_type: bytes, payload: bytes) -> bytes:
    """DSSE's pre-authentication encoding, written from the DSSE spec, not the library."""
    return b"DSSEv1 %d %s %d %s" % (len(payload_type), payload_type, len(payload), payload)


def test_an_attestation_verifies_with_the_servers_key(ring: KeyRing) -> None:
    envelope = sign(claim(), ring)

    checked = verify(
        envelope,
        ring,
        require_status="Approved",
        require_roles=["Security Lead", "technical lead"],
        content_hash=CONTENT,
        spec="payments-ledger",
    )

    assert checked.key_id == ring.current.key_id
    assert checked.claim == claim()


def test_the_envelope_is_standard_dsse_over_an_in_toto_statement(ring: KeyRing) -> None:
    """Checked as an independent verifier would: PAE by hand, the signature with the raw key."""
    envelope = sign(claim(), ring)

    payload = base64.b64decode(envelope["payload"])
    [signature] = envelope["signatures"]
    public = Ed25519PublicKey.from_public_bytes(ring.current.public_bytes)
    public.verify(
        base64.b64decode(signature["sig"]), pae(envelope["payloadType"].encode(), payload)
    )
    statement = json.loads(payload)

    assert envelope["payloadType"] == "application/vnd.in-toto+json"
    assert signature["keyid"] == ring.current.key_id
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["subject"] == [
        {
            "name": "payments-ledger.md",
            "digest": {"sha256": "5e" * 32, "techspecContentSha256": CONTENT},
        }
    ]
    assert statement["predicateType"] == "https://techspec.dev/attestation/spec-status/v1"
    assert statement["predicate"]["status"] == "Approved"
    assert [a["role"] for a in statement["predicate"]["approvals"]] == [
        "Technical Lead",
        "Security Lead",
    ]
    with pytest.raises(InvalidSignature):
        public.verify(base64.b64decode(signature["sig"]), payload)  # PAE, not the bare payload


def test_a_wrong_key_fails(ring: KeyRing, tmp_path: Path) -> None:
    other = KeyRing.load_or_create(tmp_path / "other.keys")

    with pytest.raises(AttestationError, match="no valid signature by a known key"):
        verify(sign(claim(), ring), other)


def test_a_key_id_that_lies_fails(ring: KeyRing, tmp_path: Path) -> None:
    """The attacker's signature labelled with the server's key id."""
    attacker = KeyRing.load_or_create(tmp_path / "attacker.keys")
    envelope = sign(claim(), attacker)
    envelope["signatures"][0]["keyid"] = ring.current.key_id

    with pytest.raises(AttestationError, match="no valid signature"):
        verify(envelope, ring)


def test_a_wrong_content_hash_fails(ring: KeyRing) -> None:
    with pytest.raises(AttestationError, match="the text changed"):
        verify(sign(claim(), ring), ring, content_hash="d1" * 32)


def test_a_wrong_status_fails(ring: KeyRing) -> None:
    with pytest.raises(AttestationError, match="'payments-ledger' is Review, not Approved"):
        verify(sign(claim(status="Review"), ring), ring, require_status="Approved")


def test_a_missing_role_fails(ring: KeyRing) -> None:
    with pytest.raises(AttestationError, match="lacks an approval by Product Owner"):
        verify(sign(claim(), ring), ring, require_roles=["Technical Lead", "Product Owner"])


def test_another_spec_fails(ring: KeyRing) -> None:
    with pytest.raises(AttestationError, match="for spec 'payments-ledger', not 'search'"):
        verify(sign(claim(), ring), ring, spec="search")


def test_an_edited_payload_fails(ring: KeyRing) -> None:
    envelope = sign(claim(status="Review"), ring)
    statement = json.loads(base64.b64decode(envelope["payload"]))
    statement["predicate"]["status"] = "Approved"
    envelope["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()

    with pytest.raises(AttestationError, match="no valid signature"):
        verify(envelope, ring, require_status="Approved")


def test_an_attestation_from_before_a_rotation_still_verifies(ring_path: Path) -> None:
    before = KeyRing.load_or_create(ring_path)
    envelope = sign(claim(), before)
    after = KeyRing.rotate(ring_path)

    assert verify(envelope, after).key_id == before.current.key_id


def test_an_attestation_issued_after_its_key_retired_fails(ring_path: Path) -> None:
    """Only a thief of the retired private key could sign it."""
    before = KeyRing.load_or_create(ring_path)
    after = KeyRing.rotate(ring_path)
    envelope = sign(
        Claim(
            spec="payments-ledger",
            title="t",
            revision=1,
            status="Approved",
            content_hash=CONTENT,
            revision_sha256="5e" * 32,
            approvals=(),
            issued_at=datetime.now(UTC) + timedelta(days=1),
        ),
        before,
    )

    with pytest.raises(AttestationError, match=r"after key \w+ retired"):
        verify(envelope, after)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "a JSON object"),
        ({"payload": "x"}, "needs payload, payloadType and signatures"),
        ({"payload": "!!", "payloadType": "t", "signatures": [{"keyid": 1, "sig": "x"}]}, "needs"),
    ],
)
def test_what_is_no_envelope_gets_a_clear_error(ring: KeyRing, data: Any, message: str) -> None:
    with pytest.raises(ProofError, match=message):
        verify(data, ring)


def test_another_payload_type_fails(ring: KeyRing) -> None:
    envelope = sign(claim(), ring)
    envelope["payloadType"] = "application/json"

    with pytest.raises(AttestationError, match="payloadType"):
        verify(envelope, ring)
