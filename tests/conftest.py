"""Fixtures shared by the command-line tests in this folder (helpers are in
``conftest_cli``), and the session's SMTP server (``mail_support``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest_cli import clean_spec, new_draft, spec_without_scope
from mail_support import SmtpServer, start_smtp


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


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on loopback for the whole session (see tests/mail_support.py)."""
    server = start_smtp()
    yield server
    server.controller.stop()


@pytest.fixture
def smtp(smtp_server: SmtpServer) -> SmtpServer:
    """The session's SMTP server, emptied for this test."""
    smtp_server.sink.clear()
    return smtp_server
