"""techspec documents itself in its own format: its design specs must lint clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from techspec.lint.linter import lint_text

ROOT = Path(__file__).parents[1]
DESIGN_SPECS = sorted((ROOT / "docs" / "specs").glob("*.md"))


def test_there_is_a_design_spec_for_the_core() -> None:
    assert ROOT / "docs" / "specs" / "0001-techspec-core.md" in DESIGN_SPECS


@pytest.mark.parametrize("path", DESIGN_SPECS, ids=lambda p: p.name)
def test_design_specs_have_no_errors_or_warnings(path: Path) -> None:
    findings = lint_text(path.read_text("utf-8"), str(path))
    assert [f for f in findings if f.severity != "info"] == []


EXAMPLES = ROOT / "examples"


def _severities(name: str) -> list[str]:
    path = EXAMPLES / name
    return [f.severity for f in lint_text(path.read_text("utf-8"), str(path))]


def test_the_approved_demo_spec_is_clean() -> None:
    assert _severities("0001-payments-ledger.md") == []


def test_the_draft_demo_spec_has_warnings_only() -> None:
    severities = _severities("0002-search-reindexing.md")
    assert severities
    assert set(severities) == {"warning"}


def test_the_broken_demo_spec_has_errors() -> None:
    assert "error" in _severities("0003-broken-notifications.md")
