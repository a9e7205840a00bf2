"""Fixtures for the proof tests: a signing keyring in a temporary file."""

from __future__ import annotations

from pathlib import Path

import pytest

from techspec.proofs.keys import KeyRing


@pytest.fixture
def ring_path(tmp_path: Path) -> Path:
    """Where a fresh keyring lives (made on first use)."""
    return tmp_path / "keys" / "techspec.db.keys"


@pytest.fixture
def ring(ring_path: Path) -> KeyRing:
    """A keyring with one current key, kept in ``ring_path``."""
    return KeyRing.load_or_create(ring_path)
