"""Attestations for CI: "spec X at content hash H has status S, approved by roles R".

A CI job that gates a merge on a spec should not have to trust an API answer: it checks a
signed statement with the server's public key, offline.  The statement is an in-toto
Statement v1 in a DSSE envelope, the format supply-chain tools (in-toto, SLSA, sigstore)
already read.

Envelope (JSON; ``payload`` and ``sig`` standard base64, as DSSE says)::

    {"payloadType": "application/vnd.in-toto+json",
     "payload": "<base64 of the statement's JSON>",
     "signatures": [{"keyid": "<key id>", "sig": "<base64 Ed25519 signature>"}]}

The signature is over DSSE's pre-authentication encoding (PAE)::

    "DSSEv1" SP len(payloadType) SP payloadType SP len(payload) SP payload

(lengths in ASCII decimal, of the UTF-8 bytes).  The statement::

    {"_type": "https://in-toto.io/Statement/v1",
     "subject": [{"name": "<slug>.md",
                  "digest": {"sha256": "<revision sha256>",
                             "techspecContentSha256": "<content hash>"}}],
     "predicateType": "https://techspec.dev/attestation/spec-status/v1",
     "predicate": {"spec": "<slug>", "title": "...", "revision": 7,
                   "status": "Approved", "contentHash": "<content hash>",
                   "revisionSha256": "<sha256 of the revision's bytes>",
                   "approvals": [{"role": "...", "reviewer": "...", "approvedAt": "..."}],
                   "issuedAt": "2026-12-07T08:00:00Z"}}

DSSE itself (envelope, PAE, base64) is :mod:`securesystemslib.dsse`, kept by the
in-toto / TUF maintainers; the Statement is built here because the in-toto-attestation
package adds protobuf for what is eight keys of JSON (see docs/specs/0008-proofs.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from securesystemslib import exceptions as sslib_errors
from securesystemslib.dsse import Envelope
from securesystemslib.signer import Key, Signature, SSlibKey

from techspec.proofs import ProofError
from techspec.proofs.keys import ALGORITHM, KeyRing

PAYLOAD_TYPE = "application/vnd.in-toto+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://techspec.dev/attestation/spec-status/v1"
CONTENT_DIGEST = "techspecContentSha256"


@dataclass(frozen=True, slots=True)
class Approval:
    role: str
    reviewer: str
    approved_at: datetime


@dataclass(frozen=True, slots=True)
class Claim:
    """What an attestation says about one spec."""

    spec: str
    title: str
    revision: int
    status: str
    content_hash: str
    revision_sha256: str
    approvals: tuple[Approval, ...]
    issued_at: datetime

    @property
    def roles(self) -> list[str]:
        return [approval.role for approval in self.approvals]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def statement(claim: Claim) -> dict[str, Any]:
    """The in-toto Statement v1 of ``claim``."""
    return {
        "_type": STATEMENT_TYPE,
        "subject": [
            {
                "name": f"{claim.spec}.md",
                "digest": {"sha256": claim.revision_sha256, CONTENT_DIGEST: claim.content_hash},
            }
        ],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "spec": claim.spec,
            "title": claim.title,
            "revision": claim.revision,
            "status": claim.status,
            "contentHash": claim.content_hash,
            "revisionSha256": claim.revision_sha256,
            "approvals": [
                {"role": a.role, "reviewer": a.reviewer, "approvedAt": _stamp(a.approved_at)}
                for a in claim.approvals
            ],
            "issuedAt": _stamp(claim.issued_at),
        },
    }


def sign(claim: Claim, ring: KeyRing) -> dict[str, Any]:
    """The DSSE envelope (as JSON data) of ``claim``'s statement, signed by ``ring``."""
    payload = json.dumps(statement(claim), sort_keys=True, separators=(",", ":")).encode()
    envelope = Envelope(payload, PAYLOAD_TYPE, {})
    key = ring.current
    envelope.signatures[key.key_id] = Signature(key.key_id, key.sign(envelope.pae()).hex())
    data: dict[str, Any] = envelope.to_dict()
    return data


@dataclass(frozen=True, slots=True)
class Checked:
    """A verified attestation: its claim and the key that signed it."""

    claim: Claim
    key_id: str


def verify(
    data: object,
    ring: KeyRing,
    *,
    require_status: str | None = None,
    require_roles: Sequence[str] = (),
    content_hash: str | None = None,
    spec: str | None = None,
) -> Checked:
    """Check an envelope: signed by a key of ``ring`` (not after it was retired), a
    techspec statement, and (when asked) the status, roles, content hash and spec wanted.
    Raises :class:`AttestationError` naming the first thing that fails."""
    envelope = _envelope(data)
    if envelope.payload_type != PAYLOAD_TYPE:
        raise AttestationError(f"payloadType is {envelope.payload_type!r}, not {PAYLOAD_TYPE}")
    keys: list[Key] = [_sslib_key(key.key_id, key.public_bytes) for key in ring.public_keys()]
    if not keys:
        raise AttestationError("no public key to check the signature with")
    try:
        accepted = envelope.verify(keys, 1)
    except sslib_errors.VerificationError:
        ids = ", ".join(sorted(envelope.signatures)) or "none"
        raise AttestationError(
            f"no valid signature by a known key (signed by key ids: {ids})"
        ) from None
    key_id = next(iter(accepted))
    claim = _claim(envelope.payload)
    retired = ring.get(key_id)
    if retired is not None and retired.valid_until and claim.issued_at > retired.valid_until:
        raise AttestationError(f"issued at {_stamp(claim.issued_at)}, after key {key_id} retired")
    _require(claim, require_status, require_roles, content_hash, spec)
    return Checked(claim, key_id)


class AttestationError(ProofError):
    """An attestation that does not verify (exit code 1: the check failed)."""

    exit_code = 1


def _require(
    claim: Claim,
    status: str | None,
    roles: Iterable[str],
    content_hash: str | None,
    spec: str | None,
) -> None:
    if spec is not None and claim.spec != spec:
        raise AttestationError(f"the attestation is for spec '{claim.spec}', not '{spec}'")
    if content_hash is not None and claim.content_hash != content_hash.lower():
        raise AttestationError(
            f"the attestation is for content sha256:{claim.content_hash[:12]}..., but the "
            f"spec's content hash is sha256:{content_hash[:12]}...: the text changed"
        )
    if status is not None and claim.status.casefold() != status.casefold():
        raise AttestationError(f"spec '{claim.spec}' is {claim.status}, not {status}")
    have = {role.casefold() for role in claim.roles}
    missing = [role for role in roles if role.casefold() not in have]
    if missing:
        granted = ", ".join(claim.roles) or "none"
        raise AttestationError(
            f"spec '{claim.spec}' lacks an approval by {', '.join(missing)} "
            f"(approved by: {granted})"
        )


def _envelope(data: object) -> Envelope:
    if not isinstance(data, Mapping):
        raise ProofError("an attestation is a DSSE envelope: a JSON object")
    signatures = data.get("signatures")
    if (
        not isinstance(data.get("payload"), str)
        or not isinstance(data.get("payloadType"), str)
        or not isinstance(signatures, list)
        or not all(
            isinstance(s, Mapping)
            and isinstance(s.get("keyid"), str)
            and isinstance(s.get("sig"), str)
            for s in signatures
        )
    ):
        raise ProofError("not a DSSE envelope: it needs payload, payloadType and signatures")
    copied = {**data, "signatures": [dict(s) for s in signatures]}  # from_dict edits them
    try:
        return Envelope.from_dict(copied)
    except (ValueError, KeyError, TypeError, sslib_errors.FormatError) as error:
        raise ProofError(f"not a DSSE envelope: {error}") from None


def _is_signature(entry: object) -> bool:
    return (
        isinstance(entry, Mapping)
        and isinstance(entry.get("keyid"), str)
        and isinstance(entry.get("sig"), str)
    )


def _sslib_key(key_id: str, public: bytes) -> SSlibKey:
    return SSlibKey(key_id, ALGORITHM, ALGORITHM, {"public": public.hex()})


def _claim(payload: bytes) -> Claim:
    try:
        data = json.loads(payload)
    except ValueError:
        raise AttestationError("the signed payload is not JSON") from None
    if not isinstance(data, Mapping) or data.get("_type") != STATEMENT_TYPE:
        raise AttestationError(f"the payload is not an in-toto Statement ({STATEMENT_TYPE})")
    if data.get("predicateType") != PREDICATE_TYPE:
        raise AttestationError(f"predicateType is not {PREDICATE_TYPE}")
    predicate = data.get("predicate")
    if not isinstance(predicate, Mapping):
        raise AttestationError("the statement has no predicate")
    try:
        approvals = tuple(
            Approval(str(a["role"]), str(a["reviewer"]), _moment(a["approvedAt"]))
            for a in predicate["approvals"]
        )
        claim = Claim(
            spec=str(predicate["spec"]),
            title=str(predicate["title"]),
            revision=int(predicate["revision"]),
            status=str(predicate["status"]),
            content_hash=str(predicate["contentHash"]),
            revision_sha256=str(predicate["revisionSha256"]),
            approvals=approvals,
            issued_at=_moment(predicate["issuedAt"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise AttestationError(f"the predicate lacks or garbles {error}") from None
    digests = [s.get("digest", {}) for s in data.get("subject", []) if isinstance(s, Mapping)]
    if not any(
        isinstance(d, Mapping) and d.get(CONTENT_DIGEST) == claim.content_hash for d in digests
    ):
        raise AttestationError("the statement's subject does not carry its content hash")
    return claim


def _moment(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError("a time")
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
