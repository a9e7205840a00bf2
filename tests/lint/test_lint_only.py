"""``lint(..., context=, only=)``: what ``techspec fix`` asks of the linter first (the
fixable rules only) and later (everything), without running a check twice."""

from __future__ import annotations

from pathlib import Path

from techspec.document.parser import parse
from techspec.lint.linter import lint
from techspec.lint.rules.checks import all_checks
from techspec.lint.rules.context import LintContext
from techspec.lint.rules.registry import Rule
from techspec.lint.selection import Selection
from techspec.lint.template import builtin_template

CLEAN = (Path(__file__).parents[1] / "fixtures" / "approved.md").read_text("utf-8")
DAMAGED = (
    CLEAN.replace("**Author**: Ada Lovelace\\\n", "")
    .replace("### Out of Scope", "### Out of Scope\n\n[Nothing yet]")
    .replace(
        "## Testing Strategy", "<!-- techspec-disable-next-line TS101 -->\n## Testing Strategy"
    )
    .replace("- [x] Security review completed\n", "")
)


def fixable(rule: Rule) -> bool:
    return rule.fixable


def test_only_the_fixable_rules_give_lint_s_fixable_findings() -> None:
    spec = parse(DAMAGED)
    everything = lint(spec)
    assert {f.rule for f in everything if f.fixable} and {f.rule for f in everything} - {
        f.rule for f in everything if f.fixable
    }
    assert lint(spec, only=fixable) == [f for f in everything if f.fixable]


def test_only_keeps_the_selection_and_the_suppressions() -> None:
    spec = parse(DAMAGED)
    selection = Selection(ignore=("TS304",))
    assert lint(spec, selection=selection, only=fixable) == [
        f for f in lint(spec, selection=selection) if f.fixable
    ]


def test_a_shared_context_runs_each_check_once_and_gives_what_a_fresh_lint_gives() -> None:
    spec = parse(DAMAGED)
    context = LintContext(spec, builtin_template())
    first = lint(spec, context=context, only=fixable)
    rule, check = next((rule, check) for rule, check in all_checks() if rule.fixable)
    kept = context.checked(rule, check)
    assert lint(spec, context=context) == lint(spec)
    assert context.checked(rule, check) is kept
    assert first == lint(spec, context=context, only=fixable)


def test_a_text_that_is_not_a_spec_has_no_fixable_findings() -> None:
    spec = parse("# Notes\n\nNot a spec.\n")
    assert [f.rule for f in lint(spec)] == ["TS001"]
    assert lint(spec, only=fixable) == []
