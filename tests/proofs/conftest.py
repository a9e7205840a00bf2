"""Fixtures for the proof tests: a signing keyring in a temporary file and a spec whose
sign-off rows that keyring signed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conftest_cli import draft_text, fill
from techspec.authoring.content_hash import content_hash
from techspec.authoring.writeback import set_signoffs, signoff_roles
from techspec.proofs.keys import KeyRing
from techspec.proofs.signoff import Signer

SIGNERS = {"Technical Lead": "Tom Lee", "Product Owner": "Pat Ng", "Security Lead": "Sue Roe"}
DAY = date(2026, 11, 30)


@pytest.fixture
def ring_path(tmp_path: Path) -> Path:
    """Where a fresh keyring lives (made on first use)."""
    return tmp_path / "keys" / "techspec.db.keys"


@pytest.fixture
def ring(ring_path: Path) -> KeyRing:
    """A keyring with one current key, kept in ``ring_path``."""
    return KeyRing.load_or_create(ring_path)


def signed_spec(ring: KeyRing, spec: str = "payments-ledger", text: str | None = None) -> str:
    """A clean spec whose every sign-off row ``ring`` signed over its content hash."""
    body = text if text is not None else fill(draft_text(), status="Approved")
    content = content_hash(body)
    signer = Signer(ring)
    rows: dict[str, tuple[str, date, str] | None] = {
        role: (SIGNERS[role], DAY, signer.cell(spec, role, SIGNERS[role], DAY, content))
        for role in signoff_roles()
    }
    return set_signoffs(body, rows)


def line_of(text: str, needle: str) -> int:
    """The 1-based number of the first line holding ``needle``."""
    return next(i for i, line in enumerate(text.split("\n"), 1) if needle in line)
