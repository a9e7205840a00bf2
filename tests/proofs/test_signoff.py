"""Signed sign-off rows: the Signature cell proves, offline, who approved which content."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from conftest import DAY, SIGNERS, line_of, signed_spec
from techspec.authoring.content_hash import content_hash
from techspec.lint.linter import lint_text
from techspec.proofs.keys import KeyRing
from techspec.proofs.signoff import Signer, message, parse_cell, verify_text


def verdicts(text: str, ring: KeyRing) -> list[tuple[str, str]]:
    return [(check.role, check.verdict) for check in verify_text(text, ring)]


def test_every_row_the_keyring_signed_verifies(ring: KeyRing) -> None:
    text = signed_spec(ring)

    assert verdicts(text, ring) == [(role, "signed") for role in SIGNERS]
    assert [f.code for f in lint_text(text) if f.severity == "error"] == []


def test_the_cell_is_one_wrappable_line_of_copy_safe_text(ring: KeyRing) -> None:
    cell = Signer(ring).cell("payments-ledger", "Security Lead", "Sue Roe", DAY, "ab" * 32)

    assert re.fullmatch(
        r"approved sha256:(ab){32} spec:payments-ledger sig:[0-9a-f]{16}:[A-Za-z0-9_-]{86}", cell
    )
    assert cell.isascii() and "|" not in cell


def test_the_signed_message_is_the_documented_bytes(ring: KeyRing) -> None:
    """Pinned byte for byte, so that a verifier in another language can be written from
    docs/specs/0008-proofs.md alone."""
    expected = (
        b"techspec-signoff/1\n"
        b"spec payments-ledger\n"
        b"role security lead\n"
        b"reviewer Sue Roe\n"
        b"date 2026-11-30\n"
        b"content sha256:" + b"ab" * 32 + b"\n"
    )
    assert message("payments-ledger", " Security Lead ", "Sue Roe", DAY, "ab" * 32) == expected
    cell = parse_cell(
        Signer(ring).cell("payments-ledger", "Security Lead", "Sue Roe", DAY, "ab" * 32)
    )
    assert cell is not None and cell.signature is not None
    public = Ed25519PublicKey.from_public_bytes(ring.current.public_bytes)
    public.verify(cell.signature, expected)  # raises when it does not verify
    assert cell.key_id == hashlib.sha256(ring.current.public_bytes).hexdigest()[:16]


def test_one_character_of_content_edited_makes_every_row_stale(ring: KeyRing) -> None:
    text = signed_spec(ring)
    edited = text.replace("## Executive Summary\n\n", "## Executive Summary\n\nX", 1)

    checks = verify_text(edited, ring)

    assert [c.verdict for c in checks] == ["stale"] * 3
    assert "the text changed after the approval" in checks[0].reason
    assert checks[0].line == line_of(edited, "| Technical Lead")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Sue Roe", "Sue Rae"),
        ("| 2026-11-30 | approved sha256", "| 2026-11-29 | approved sha256"),
    ],
    ids=["name", "date"],
)
def test_an_edited_name_or_date_cell_is_forged(ring: KeyRing, old: str, new: str) -> None:
    text = signed_spec(ring)
    edited = _edit_row(text, "| Security Lead", old, new)

    found = dict(verdicts(edited, ring))

    assert found == {
        "Technical Lead": "signed",
        "Product Owner": "signed",
        "Security Lead": "forged",
    }


def test_an_edited_role_cell_is_forged_and_the_other_rows_stale(ring: KeyRing) -> None:
    """The Role cell is content (the hash covers it) and is signed too."""
    text = signed_spec(ring)
    edited = _edit_row(text, "| Security Lead", "| Security Lead ", "| Safety Lead ")

    found = dict(verdicts(edited, ring))

    assert found == {"Technical Lead": "stale", "Product Owner": "stale", "Safety Lead": "forged"}


def _edit_row(text: str, row: str, old: str, new: str) -> str:
    lines = text.split("\n")
    at = line_of(text, row)
    lines[at - 1] = lines[at - 1].replace(old, new, 1)
    edited = "\n".join(lines)
    assert edited != text
    return edited


def test_an_edited_signature_is_forged(ring: KeyRing) -> None:
    text = signed_spec(ring)
    at = line_of(text, "| Product Owner")
    line = text.split("\n")[at - 1]
    signature = line.rsplit(":", 1)[1].split(" ")[0]
    flipped = ("B" if signature[0] != "B" else "C") + signature[1:]

    checks = {c.role: c for c in verify_text(text.replace(signature, flipped), ring)}

    assert checks["Product Owner"].verdict == "forged"
    assert "does not match the row" in checks["Product Owner"].reason


def test_a_row_signed_by_another_key_is_forged(ring: KeyRing, tmp_path: Path) -> None:
    """A valid-looking row made with an attacker's own key names a key the server never had."""
    attacker = KeyRing.load_or_create(tmp_path / "attacker.keys")
    text = signed_spec(ring)
    forged_text = signed_spec(attacker, text=text)

    checks = verify_text(forged_text, ring)

    assert [c.verdict for c in checks] == ["forged"] * 3
    assert checks[0].reason == f"unknown key {attacker.current.key_id}"


def test_a_row_copied_from_another_spec_does_not_verify(ring: KeyRing) -> None:
    text = signed_spec(ring, spec="payments-ledger")
    other = signed_spec(ring, spec="search")
    row = next(line for line in other.split("\n") if line.startswith("| Security Lead"))
    mine = next(line for line in text.split("\n") if line.startswith("| Security Lead"))

    found = dict(
        verdicts(text.replace(mine, row.replace("spec:search", "spec:payments-ledger")), ring)
    )

    assert found["Security Lead"] == "forged"


def test_a_filled_row_without_a_signature_is_unsigned(ring: KeyRing) -> None:
    text = signed_spec(ring)
    at = line_of(text, "| Technical Lead")
    line = text.split("\n")[at - 1]
    unsigned = line[: line.index(" spec:")] + " |"

    checks = {c.role: c for c in verify_text(text.replace(line, unsigned), ring)}

    assert checks["Technical Lead"].verdict == "unsigned"
    assert checks["Technical Lead"].reason == "no signature"


def test_blank_rows_are_not_checked(ring: KeyRing) -> None:
    from conftest_cli import draft_text

    assert verify_text(draft_text(), ring) == []


def test_rows_signed_before_a_rotation_still_verify(ring_path: Path) -> None:
    before = KeyRing.load_or_create(ring_path)
    text = signed_spec(before)

    after = KeyRing.rotate(ring_path)

    assert after.current.key_id != before.current.key_id
    assert {c.verdict for c in verify_text(text, after)} == {"signed"}
    public = KeyRing.from_public_document(after.public_document())
    assert {c.verdict for c in verify_text(text, public)} == {"signed"}


def test_a_row_dated_after_its_key_was_retired_is_forged(ring_path: Path) -> None:
    """Only a thief of a retired private key could sign such a row."""
    before = KeyRing.load_or_create(ring_path)
    after = KeyRing.rotate(ring_path)
    retired = after.get(before.current.key_id)
    assert retired is not None and retired.valid_until is not None
    late = date.fromordinal(retired.valid_until.date().toordinal() + 5)
    body = signed_spec(before)
    content = content_hash(body)
    cell = Signer(before).cell("payments-ledger", "Security Lead", "Sue Roe", late, content)
    line = next(x for x in body.split("\n") if x.startswith("| Security Lead"))
    text = body.replace(line, f"| Security Lead | Sue Roe | {late.isoformat()} | {cell} |")

    checks = {c.role: c for c in verify_text(text, after)}

    assert checks["Security Lead"].verdict == "forged"
    assert "after key" in checks["Security Lead"].reason


def test_the_signer_of_a_server_without_a_key_writes_and_accepts_the_unsigned_form() -> None:
    signer = Signer(None)
    cell = signer.cell("s", "Security Lead", "Sue", DAY, "ab" * 32)

    assert cell == "approved sha256:" + "ab" * 32
    assert signer.holds(cell, "s", "Security Lead", "Sue", "2026-11-30", "ab" * 32)


def test_the_signer_holds_only_its_own_valid_cells(ring: KeyRing, tmp_path: Path) -> None:
    signer = Signer(ring)
    cell = signer.cell("s", "Security Lead", "Sue", DAY, "ab" * 32)
    other = Signer(KeyRing.load_or_create(tmp_path / "other.keys"))

    assert signer.holds(cell, "s", "security lead", "Sue", "2026-11-30", "ab" * 32)
    assert not signer.holds(cell, "t", "Security Lead", "Sue", "2026-11-30", "ab" * 32)
    assert not signer.holds(cell, "s", "Security Lead", "Sue", "2026-12-01", "ab" * 32)
    assert not signer.holds(cell, "s", "Security Lead", "Sue", "2026-11-30", "cd" * 32)
    assert not other.holds(cell, "s", "Security Lead", "Sue", "2026-11-30", "ab" * 32)
    assert not signer.holds(
        "approved sha256:" + "ab" * 32, "s", "Security Lead", "Sue", "2026-11-30", "ab" * 32
    )


@pytest.mark.parametrize(
    "cell",
    [
        "approved",
        "approved sha256:" + "a" * 63,
        "approved sha256:" + "a" * 64 + " spec:x sig:" + "0" * 16 + ":" + "A" * 85,
        "approved sha256:" + "a" * 64 + " spec:%ff sig:" + "0" * 16 + ":" + "A" * 86,
        "approved sha256:" + "a" * 64 + " spec:" + "x" * 700 + " sig:" + "0" * 16 + ":" + "A" * 86,
    ],
)
def test_a_cell_techspec_did_not_write_is_not_read_as_a_signature(cell: str) -> None:
    assert parse_cell(cell) is None


def test_reading_a_hostile_cell_is_linear() -> None:
    """Long runs of each character the pattern knows: every part is bounded."""
    for run in ("a", " ", "approved sha256:", "0", ":", "A", "%"):
        assert parse_cell(run * 200_000) is None


def test_a_slug_with_spaces_and_pipes_survives_the_cell(ring: KeyRing) -> None:
    cell = Signer(ring).cell("my spec|v2 é", "Security Lead", "Sue", DAY, "ab" * 32)
    parsed = parse_cell(cell)

    assert "|" not in cell and " spec:my%20spec%7Cv2%20%C3%A9 " in cell
    assert parsed is not None and parsed.spec == "my spec|v2 é"
    assert base64.urlsafe_b64encode(parsed.signature or b"").rstrip(b"=").decode() in cell


def test_blank_rows_of_a_spec_that_claims_approval_are_unsigned(ring: KeyRing) -> None:
    """Blanking every row must not make an Approved spec pass as having nothing to check."""
    from conftest_cli import draft_text

    approved = draft_text().replace("**Status**: Draft", "**Status**: Approved")

    checks = verify_text(approved, ring)

    assert [(c.role, c.verdict) for c in checks] == [(role, "unsigned") for role in SIGNERS]
    assert checks[0].reason == "the spec's Status is Approved, but this row is blank"
