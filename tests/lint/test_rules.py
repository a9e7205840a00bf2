"""Every rule, failing and passing.

Each case starts from ``fixtures/approved.md`` (a clean Approved spec), applies one
edit and expects the rule to fire; the untouched spec (or the case's own passing edit)
must not trigger it.  A meta-test keeps the table complete.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from techspec.lint.findings import Finding
from techspec.lint.linter import lint_text
from techspec.lint.rules import all_rules
from techspec.lint.rules.managed import content_hash
from techspec.lint.template import Template

APPROVED = (Path(__file__).parents[1] / "fixtures" / "approved.md").read_text("utf-8")

Edit = Callable[[str], str]


def replace(old: str, new: str) -> Edit:
    def edit(text: str) -> str:
        assert old in text, f"fixture lacks {old!r}"
        return text.replace(old, new, 1)

    return edit


def remove_between(start: str, end: str) -> Edit:
    def edit(text: str) -> str:
        first = text.index(start)
        return text[:first] + text[text.index(end, first) :]

    return edit


def chain(*edits: Edit) -> Edit:
    def edit(text: str) -> str:
        for step in edits:
            text = step(text)
        return text

    return edit


def check_all_boxes(text: str) -> str:
    return text.replace("- [ ] ", "- [x] ")


def unchanged(text: str) -> str:
    return text


def implemented(text: str) -> str:
    return text.replace("**Status**: Approved", "**Status**: Implemented")


def signed_with(cited: Callable[[str], str]) -> Edit:
    """The Security Lead's signature made to cite the hash ``cited`` gives for the text."""

    def edit(text: str) -> str:
        row = "| Security Lead  | Radia Perlman | 2026-03-01 | approved |"
        assert row in text
        return text.replace(row, row.replace("approved", f"approved sha256:{cited(text)}"))

    return edit


def edited_after_signing(text: str) -> str:
    signed = signed_with(content_hash)(text)
    return signed.replace("## Executive Summary\n", "## Executive Summary\n\nLater.\n", 1)


@dataclass
class Case:
    code: str
    failing: Edit
    passing: Edit = unchanged
    line: int | None = None
    """Where the finding must point, when the case pins it."""
    template: str | None = None
    """The template the case lints against (None: the built-in one)."""

    def lint(self, text: str) -> list[Finding]:
        template = Template.from_markdown(self.template) if self.template else None
        return lint_text(text, "spec.md", template)


MINI_ADR = """\
# {short title of the decision}

## Context

Describe the context and the forces at play, in two or three sentences.

## Decision

{the option chosen, and why}
"""


def _line_of(fragment: str) -> int:
    return APPROVED[: APPROVED.index(fragment)].count("\n") + 1


CASES = [
    Case("TS001", lambda _: "# Meeting notes\n\nWe talked about the roadmap.\n"),
    Case(
        "TS100", replace("# Technical Specification: Payments Ledger", "# Payments Ledger"), line=1
    ),
    Case(
        "TS101",
        remove_between("### Out of Scope", "### Success Criteria"),
        line=_line_of("### Out of Scope"),
    ),
    Case(
        "TS102",
        chain(
            replace("### In Scope", "### PLACEHOLDER"),
            replace("### Out of Scope", "### In Scope"),
            replace("### PLACEHOLDER", "### Out of Scope"),
        ),
    ),
    Case("TS103", replace("### Assumptions\n", "### Assumptions\n\n- More.\n\n### Assumptions\n")),
    Case(
        "TS104",
        replace("### Phase 2: Rollout", "### Phase 3: Rollout"),
        line=_line_of("### Phase 2"),
    ),
    Case("TS105", replace("## Appendices", "## Glossary\n\nTerms we use.\n\n## Appendices")),
    Case("TS106", replace("Describe the existing system or approach if applicable\n", "")),
    Case(
        "TS107",
        replace(
            "- [ ] Measurable criterion for success\n- [ ] Performance benchmark to achieve\n"
            "- [ ] User experience goal\n",
            "It should be fast.\n",
        ),
    ),
    Case(
        "TS108",
        replace("### Problem Statement", "#### Problem Statement"),
        line=_line_of("### Problem Statement"),
    ),
    Case(
        "TS206",
        lambda _: MINI_ADR.replace("{short title of the decision}", "Use PostgreSQL").replace(
            "{the option chosen, and why}", "PostgreSQL, for its transactions."
        ),
        passing=lambda _: (
            MINI_ADR.replace("{short title of the decision}", "Use PostgreSQL")
            .replace("{the option chosen, and why}", "PostgreSQL, for its transactions.")
            .replace(
                "Describe the context and the forces at play, in two or three sentences.",
                "Ledgers need ACID.",
            )
        ),
        line=5,
        template=MINI_ADR,
    ),
    Case("TS201", replace("**Date**: 2026-03-02\\\n", ""), line=_line_of("**Reviewers**") + 0),
    Case("TS202", replace("**Status**: Approved", "**Status**: Done"), line=_line_of("**Status**")),
    Case("TS202", replace("| Medium |", "| Severe |")),
    Case(
        "TS203", replace("**Date**: 2026-03-02", "**Date**: 2026-13-45"), line=_line_of("**Date**")
    ),
    Case("TS204", replace("**Document Version**: 1.0", "**Document Version**: first")),
    Case("TS205", replace("**Author**: Ada Lovelace", "**Author**: [Author Name]")),
    Case(
        "TS205",
        replace("**Status**: Approved", "**Status**: Draft | Review | Approved | Implemented"),
    ),
    Case(
        "TS301", replace("| Risk               | Probability", "| Risk               | Likelihood ")
    ),
    Case("TS302", lambda text: re.sub(r"\| Security Lead[^\n]*\n", "", text)),
    Case("TS303", replace("| Brief description |", "|                   |")),
    Case("TS304", replace("- [x] Performance review completed\n", "")),
    Case("TS401", replace("- [x] Security review completed", "- [ ] Security review completed")),
    Case("TS402", replace("| Alan Turing | 2026-03-01", "|  | 2026-03-01")),
    Case("TS402", replace("| Alan Turing | 2026-03-01", "| Alan Turing | 01/03/2026")),
    Case("TS403", implemented, passing=chain(implemented, check_all_boxes)),
    Case("TS404", edited_after_signing, passing=signed_with(content_hash)),
    Case("TS404", signed_with(lambda _: "0" * 64), line=_line_of("| Security Lead  |")),
    Case("TS501", replace("**Document Version**: 1.0", "**Document Version**: 1.1")),
    Case(
        "TS502",
        replace(
            "| 1.0     | 2026-03-02 | Ada Lovelace | Initial version |",
            "| 1.0     | 2026-03-02 | Ada Lovelace | Initial version |\n"
            "| 0.9     | 2026-01-02 | Ada Lovelace | Older draft |",
        ),
        # The workflow's rows repeat the current version: versions may stay, not go back.
        passing=replace(
            "| 1.0     | 2026-03-02 | Ada Lovelace | Initial version |",
            "| 1.0     | 2026-03-02 | Ada Lovelace | Initial version |\n"
            "| 1.0     | 2026-03-04 | Grace | Approved as Security Lead by Grace |",
        ),
    ),
    Case(
        "TS601",
        replace(
            "## Executive Summary",
            "<!-- techspec-disable-next-line TS205 -->\n## Executive Summary",
        ),
        passing=replace(
            "**Author**: Ada Lovelace",
            "**Author**: <!-- techspec-disable-next-line TS205 -->\n[Author Name]",
        ),
    ),
    Case(
        "TS602",
        replace("## Executive Summary", "<!-- techspec-disable TS999 -->\n\n## Executive Summary"),
    ),
]


def codes(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


def test_the_fixture_spec_is_clean() -> None:
    assert lint_text(APPROVED, "approved.md") == []


@pytest.mark.parametrize("case", CASES, ids=[f"{c.code}-{i}" for i, c in enumerate(CASES)])
def test_rule_fires_on_its_failing_edit(case: Case) -> None:
    findings = [f for f in case.lint(case.failing(APPROVED)) if f.rule == case.code]
    assert findings, f"{case.code} did not fire"
    if case.line is not None:
        assert case.line in [f.line for f in findings]
    assert all(f.message for f in findings)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.code}-{i}" for i, c in enumerate(CASES)])
def test_rule_is_silent_on_its_passing_text(case: Case) -> None:
    assert case.code not in codes(case.lint(case.passing(APPROVED)))


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    covered = {case.code for case in CASES}
    assert {rule.code for rule in all_rules()} <= covered


def test_every_rule_documents_itself_with_examples() -> None:
    for rule in all_rules():
        assert re.fullmatch(r"TS\d{3}", rule.code)
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)
        assert rule.summary and rule.explanation and rule.failing and rule.passing
        assert rule.severity in ("error", "warning", "info", "status")
