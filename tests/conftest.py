"""Fixtures shared by the command-line tests in this folder (helpers are in
``conftest_cli``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest_cli import clean_spec, new_draft, spec_without_scope


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    """A Draft straight from ``techspec new``: placeholders everywhere, warnings only."""
    return new_draft(tmp_path / "specs")


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return clean_spec(tmp_path / "clean")


@pytest.fixture
def no_scope(tmp_path: Path) -> tuple[Path, int]:
    """A clean spec with ``## Scope`` and its subsections deleted, and the line it was on."""
    return spec_without_scope(tmp_path, "no-scope.md")
