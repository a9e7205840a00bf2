"""Lint a parsed spec against a compiled template.

:func:`lint` matches the spec's section tree to the template's once (a
:class:`LintContext`), runs every registered rule's check over it, applies inline
suppressions and rule selection, and returns the findings sorted by position.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import attrgetter

from techspec.document.model import Spec
from techspec.document.parser import collection_paused, parse
from techspec.lint.findings import Finding
from techspec.lint.rules.checks import all_checks
from techspec.lint.rules.context import (
    Check,
    LintContext,
    MissingSection,
    OutOfOrder,
    SectionMatch,
    TablePair,
)
from techspec.lint.rules.registry import Rule, rule_of
from techspec.lint.selection import Selection
from techspec.lint.suppressions import apply_suppressions
from techspec.lint.template import Template, builtin_template

__all__ = [
    "LintContext",
    "MissingSection",
    "OutOfOrder",
    "SectionMatch",
    "TablePair",
    "count_by_severity",
    "lint",
    "lint_text",
]
# LintContext and its match records live in techspec.lint.rules.context (the checks read
# them); they are re-exported here, where the layers above have always imported them.


def lint(
    spec: Spec,
    template: Template | None = None,
    *,
    selection: Selection | None = None,
    context: LintContext | None = None,
    only: Callable[[Rule], bool] | None = None,
) -> list[Finding]:
    """Every finding for ``spec``, sorted by line and column.

    ``context`` is one already built for ``spec`` (its checks' findings are kept, so a
    second call does not run them again); ``only`` keeps the rules it accepts (``techspec
    fix`` first asks only for the fixable ones).  The garbage collector is paused while it
    runs, as while parsing (a finding is no cycle either)."""
    with collection_paused():
        if context is None:
            context = LintContext(spec, template or builtin_template())
        if not context.is_spec:
            title = context.template.title
            message = (
                f"not a spec: no '# {title}' heading and no metadata or sections of the template"
                if context.template.title_kind in ("literal", "pattern")
                else "not a spec: it has neither the metadata nor the sections of the template"
            )
            found = [context.finding("TS001", message, context.spec.title_line)]
            return [f for f in found if only is None or only(rule_of(f.rule))]
        found = []
        for rule, check in _selected(selection):
            if only is None or only(rule):
                found.extend(context.checked(rule, check))
        found = apply_suppressions(spec, found, context)
        if selection is not None:
            found = [f for f in found if _enabled(selection, f.rule)]
        if only is not None:
            found = [f for f in found if only(rule_of(f.rule))]
        return sorted(found, key=_POSITION)


_POSITION = attrgetter("line", "column", "rule")
""":meth:`Finding.sort_key`, read in C: a spec can have a finding for every line."""

_SELECTED: dict[tuple[Selection | None, int], list[tuple[Rule, Check]]] = {}
_ENABLED: dict[tuple[Selection, str], bool] = {}


def _selected(selection: Selection | None) -> list[tuple[Rule, Check]]:
    """The checks a selection enables, worked out once per selection (and per set of
    registered rules): a run over many files asks again for each."""
    checks = all_checks()
    key = (selection, len(checks))
    found = _SELECTED.get(key)
    if found is None:
        if len(_SELECTED) > 64:
            _SELECTED.clear()
        found = _SELECTED[key] = [
            (rule, check)
            for rule, check in checks
            if selection is None or selection.enabled(rule.code)
        ]
    return found


def _enabled(selection: Selection, code: str) -> bool:
    key = (selection, code)
    found = _ENABLED.get(key)
    if found is None:
        if len(_ENABLED) > 4096:
            _ENABLED.clear()
        found = _ENABLED[key] = selection.enabled(code)
    return found


def lint_text(
    text: str,
    path: str | None = None,
    template: Template | None = None,
    *,
    selection: Selection | None = None,
) -> list[Finding]:
    """Parse and lint in one call."""
    return lint(parse(text, path), template, selection=selection)


def count_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for finding in findings:
        counts[finding.severity] += 1
    return counts
