"""Linting behaviour beyond single rules: severities by status, suppressions, selection."""

from __future__ import annotations

from pathlib import Path

from techspec.lint.linter import lint_text
from techspec.lint.selection import Selection

APPROVED = (Path(__file__).parents[1] / "fixtures" / "approved.md").read_text("utf-8")
TEMPLATE = (Path(__file__).parents[2] / "src/techspec/templates/technical-spec.md").read_text()


def with_status(text: str, status: str) -> str:
    return text.replace("**Status**: Approved", f"**Status**: {status}")


def placeholder_severities(status: str) -> set[str]:
    text = with_status(APPROVED, status).replace("Ada Lovelace\\", "[Author Name]\\")
    return {f.severity for f in lint_text(text) if f.rule == "TS205"}


def test_placeholders_are_warnings_in_draft_and_errors_from_review_on() -> None:
    assert placeholder_severities("Draft") == {"warning"}
    assert placeholder_severities("Review") == {"error"}
    assert placeholder_severities("Approved") == {"error"}
    assert placeholder_severities("Implemented") == {"error"}


def test_the_untouched_template_has_only_placeholder_warnings() -> None:
    findings = lint_text(TEMPLATE, "template.md")
    assert {f.rule for f in findings} == {"TS205"}
    assert {f.severity for f in findings} == {"warning"}


def test_a_spec_in_review_may_leave_sign_off_cells_for_the_approvers() -> None:
    text = with_status(APPROVED, "Review").replace(
        "| Alan Turing | 2026-03-01 | approved |", "| [Name] | [Date] | [Approval] |"
    )
    assert lint_text(text) == []


def test_approved_needs_the_sign_off_rows_filled() -> None:
    text = APPROVED.replace(
        "| Alan Turing | 2026-03-01 | approved |", "| [Name] | [Date] | [Approval] |"
    )
    findings = [f for f in lint_text(text) if f.rule == "TS402"]
    assert len(findings) == 3
    assert all("Technical Lead" in f.message for f in findings)


def test_findings_are_sorted_and_name_their_section() -> None:
    text = with_status(APPROVED, "Draft").replace("Tech stack", "[Tech stack]")
    findings = lint_text(text)
    assert findings == sorted(findings, key=lambda f: (f.line, f.column, f.rule))
    [placeholder] = [f for f in findings if f.rule == "TS205"]
    assert placeholder.section == "System Architecture/Component Overview"
    assert placeholder.end_column - placeholder.column == len("[Tech stack]")


def test_a_disable_next_line_comment_silences_that_line_only() -> None:
    text = APPROVED.replace("**Author**: Ada Lovelace\\", "**Author**: [Author Name]\\").replace(
        "**Status**: Approved\\", "**Status**: Draft\\"
    )
    text = text.replace("## Executive Summary\n\n", "## Executive Summary\n\n[Summary]\n\n")
    before = [f.rule for f in lint_text(text)]
    assert before.count("TS205") == 2
    silenced = text.replace(
        "**Author**: [Author Name]",
        "<!-- techspec-disable-next-line placeholder -->\n**Author**: [Author Name]",
    )
    assert [f.rule for f in lint_text(silenced)].count("TS205") == 1


def test_a_disable_enable_range_silences_only_inside_it() -> None:
    text = with_status(APPROVED, "Draft")
    text = text.replace("## Scope\n", "<!-- techspec-disable TS205 -->\n\n## Scope\n")
    text = text.replace(
        "## System Architecture\n", "<!-- techspec-enable TS205 -->\n\n## System Architecture\n"
    )
    text = text.replace("Systems that will be modified", "[Systems]")
    text = text.replace("Brief description", "[Brief description]")
    rules = [(f.rule, f.section) for f in lint_text(text)]
    assert rules == [("TS205", "System Architecture/Component Overview")]


def test_a_file_level_disable_silences_the_rule_everywhere() -> None:
    text = "<!-- techspec-disable-file TS205 -->\n" + TEMPLATE
    assert lint_text(text) == []


def test_selection_works_like_ruff_with_codes_prefixes_and_names() -> None:
    text = with_status(TEMPLATE, "Review").replace("## Scope", "## Scoop")
    every = {f.rule for f in lint_text(text)}
    assert {"TS101", "TS105", "TS205"} <= every
    assert {f.rule for f in lint_text(text, selection=Selection(select=("TS1",)))} == {
        "TS101",
        "TS105",
    }
    ignored = {
        f.rule for f in lint_text(text, selection=Selection(ignore=("placeholder", "TS105")))
    }
    assert ignored == every - {"TS205", "TS105"}


def test_missing_section_points_where_it_belongs_and_names_it() -> None:
    start = APPROVED.index("## Scope")
    end = APPROVED.index("## System Architecture")
    text = APPROVED[:start] + APPROVED[end:]
    [missing] = [f for f in lint_text(text) if f.rule == "TS101"]
    assert missing.message == "missing section '## Scope'"
    assert missing.line == APPROVED[:start].count("\n") + 1
    assert missing.severity == "error"


def test_a_text_that_is_not_a_spec_gets_one_finding() -> None:
    findings = lint_text("# Shopping list\n\n- eggs\n")
    assert [(f.rule, f.line) for f in findings] == [("TS001", 1)]
