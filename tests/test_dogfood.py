"""techspec documents itself in its own format: its design specs must lint clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from techspec.linter import lint_text

ROOT = Path(__file__).parents[1]
DESIGN_SPECS = sorted((ROOT / "docs" / "specs").glob("*.md"))


def test_there_is_a_design_spec_for_the_core() -> None:
    assert ROOT / "docs" / "specs" / "0001-techspec-core.md" in DESIGN_SPECS


@pytest.mark.parametrize("path", DESIGN_SPECS, ids=lambda p: p.name)
def test_design_specs_have_no_errors_or_warnings(path: Path) -> None:
    findings = lint_text(path.read_text("utf-8"), str(path))
    assert [f for f in findings if f.severity != "info"] == []
