"""Repairs read off the template, made as insertions at exact places.

``techspec fix`` and the language server's quick fixes share this module.  A :class:`Repair`
answers one fixable finding: TS101 (missing section), TS201 (missing field), TS301 (missing
column), TS302 (missing fixed row), TS304 (missing checklist item), TS501 (no history row for
the current version) and, only when unsafe fixes are asked for, TS104 (a numbering gap).

Every safe edit is an insertion, so each character of the original stays, in order, and a
diff shows only added text.  Inserted lines end with the file's own line ending, a BOM stays
where it was, and what is inserted comes from the template: a missing section gets the
template's own heading and placeholder body, placed where the template orders it.  Like the
core, this module knows nothing of files, the command line or the store.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from techspec.authoring.fix.edits import Edit, SourceLines, apply_edits, unified_diff
from techspec.authoring.fix.render import render_edits
from techspec.authoring.fix.repairs import Repair, RepairIndex, _TemplateText, find_repairs
from techspec.document.model import Spec
from techspec.document.parser import collection_paused, parse
from techspec.document.reparse import reparse
from techspec.lint.findings import Finding
from techspec.lint.linter import LintContext, lint
from techspec.lint.rules.registry import Rule
from techspec.lint.selection import Selection
from techspec.lint.template import Template, builtin_template

__all__ = [
    "MAX_ROUNDS",
    "SAFE_RULES",
    "UNSAFE_RULES",
    "Edit",
    "FixResult",
    "Repair",
    "RepairIndex",
    "SourceLines",
    "apply_edits",
    "find_repairs",
    "fix_text",
    "prepare",
    "render_edits",
    "unified_diff",
]

SAFE_RULES = ("TS101", "TS201", "TS301", "TS302", "TS304", "TS501")
UNSAFE_RULES = ("TS104",)
MAX_ROUNDS = 10
"""A repair can reveal another (a new Version column lets TS501 apply): repeat, as ruff does."""


@dataclass(slots=True)
class FixResult:
    text: str
    fixed: list[Finding]
    """The findings the edits answered, over every round."""
    remaining: list[Finding]
    """The findings of the final text."""
    status: str | None = None
    """The final text's Status."""


def fix_text(
    text: str,
    template: Template | None = None,
    *,
    path: str | None = None,
    selection: Selection | None = None,
    unsafe: bool = False,
    today: date | None = None,
    parsed: Spec | None = None,
) -> FixResult:
    """Repair every fixable finding that lint reports (selection and suppressions apply).

    Rounds repeat while fixable findings remain.  A round whose findings are still reported
    afterwards (text the parser reads otherwise than intended) is dropped, and the text
    from before it is kept.  The first round lints only the fixable rules; the findings
    reported at the end are those of a whole lint of the final text.

    ``parsed`` is ``text`` already parsed, when the caller has it.  It is taken over: the
    re-parse after a round moves its nodes into the new Spec rather than copying them, so
    the caller must not use it afterwards.  The garbage collector is paused while it runs,
    as while parsing: on a large spec its passes over the live nodes cost as much as a round.
    """
    with collection_paused():
        template = template or builtin_template()
        spec = parsed if parsed is not None else parse(text, path)
        context = LintContext(spec, template)

        def fixable(rule: Rule) -> bool:
            return rule.fixable or (unsafe and rule.code in UNSAFE_RULES)

        findings = lint(spec, template, selection=selection, context=context, only=fixable)
        complete = False  # findings holds every rule's findings, not only the fixable ones
        fixed: list[Finding] = []
        current = text
        for _ in range(MAX_ROUNDS):
            wanted = [f for f in findings if f.fixable or (unsafe and f.rule in UNSAFE_RULES)]
            if not wanted:
                break
            repairs = RepairIndex(find_repairs(context, unsafe=unsafe))
            chosen = repairs.chosen(wanted)
            new_spec = _apply(spec, render_edits(context, chosen, today=today))
            if new_spec is None:
                break
            answered = [f for f in wanted if repairs.answering(f)]  # each such repair is chosen
            new_context = LintContext(new_spec, template)
            new_findings = lint(new_spec, template, selection=selection, context=new_context)
            if not _took(answered, findings, new_findings):
                spec = parse(current, path)  # the round's re-parse took the old nodes over
                context = LintContext(spec, template)
                break
            fixed += answered
            spec, context, findings, complete = new_spec, new_context, new_findings, True
            current = spec.text
        if not complete:
            findings = lint(spec, template, selection=selection, context=context)
        return FixResult(current, fixed, findings, spec.status)


def prepare(template: Template) -> None:
    """Read the template's own text now (the sections and tables repairs insert), as the
    first repair would: a parent process does it once for all the workers it forks."""
    _TemplateText.of(template)


def _apply(spec: Spec, edits: list[Edit]) -> Spec | None:
    """The spec with ``edits`` made (None when they change nothing, and ``spec`` is still
    usable).  Insertions, the only safe edits, are re-parsed incrementally, taking the
    nodes of ``spec`` over."""
    if all(edit.start == edit.end for edit in edits):
        if not any(edit.new for edit in edits):
            return None
        return reparse(spec, [(edit.start, edit.new) for edit in edits], reuse=True)
    new = apply_edits(spec.text, edits)
    return parse(new, spec.path) if new != spec.text else None


def _took(answered: list[Finding], before: list[Finding], after: list[Finding]) -> bool:
    """True when no answered finding is still reported (counting same-message findings
    that were there before without a repair)."""
    left = Counter(map(_key, after))
    ids = {id(f) for f in answered}  # a finding equal to an answered one is answered too
    left.subtract(_key(f) for f in before if id(f) not in ids)
    return all(left[_key(f)] <= 0 for f in answered)


def _key(finding: Finding) -> tuple[str, str]:
    return finding.rule, finding.message
