"""The lifecycle's rules: its states, the gates of each step, and what a save may do.

Pure functions of the text and the template (no database): the workflow steps in
``workflow.py`` apply them inside their transactions.
"""

from __future__ import annotations

import contextlib

from techspec.authoring.content_hash import content_hash
from techspec.authoring.writeback import (
    WritebackError,
    check_review_items,
    set_status,
    signoff_roles,
    unsign,
)
from techspec.document.parser import parse
from techspec.errors import UsageError
from techspec.lint.linter import LintContext, lint_text
from techspec.lint.template import Template
from techspec.store.errors import Gate, InvalidTransition
from techspec.store.records import Revision


def lifecycle(template: Template) -> tuple[str, str, str, str]:
    """Draft, Review, Approved, Implemented as the template names them."""
    found = template.statuses
    if len(found) < 4:
        raise UsageError(f"template '{template.name}' has no four-state Status enumeration")
    return found[0], found[1], found[2], found[3]


def same(a: str | None, b: str | None) -> bool:
    return (a or "").strip().casefold() == (b or "").strip().casefold()


# -- saving edits ------------------------------------------------------------------------


def prepare_save(
    current: Revision, text: str, template: Template, parsed: LintContext | None = None
) -> tuple[str, str]:
    """The text to store for an edit of ``current``, and a note on what the store did.

    The Status line belongs to the workflow: an edit may not change it.  An edit that
    changes the content of an Approved spec makes its approvals stale and moves it back
    to Review (its sign-off rows are cleared, since they cite the old content).
    ``parsed`` is ``text`` already parsed and matched to ``template``.
    """
    if len(template.statuses) < 4 or current.status is None:
        return text, ""
    _draft, review, approved, _done = lifecycle(template)
    context = parsed if parsed is not None else LintContext(parse(text), template)
    status = context.spec.status
    changed = content_hash(text, template, parsed=context) != current.content_hash
    if (
        same(current.status, approved)
        and changed
        and (same(status, approved) or same(status, review))
    ):
        text = set_status(text, review, template=template)
        for role in signoff_roles(template):
            try:
                text = unsign(text, role, template=template)
            except WritebackError:
                continue
        return text, f"content changed after approval: approvals are stale, back to {review}"
    if not same(status, current.status):
        raise InvalidTransition(
            f"the Status changed from {current.status} to {status or 'nothing'}: status "
            "changes go through the workflow (techspec submit, approve, request-changes, "
            "implement)"
        )
    return text, ""


# -- gates -------------------------------------------------------------------------------


def gates(text: str, target: str, template: Template) -> list[Gate]:
    """The linter's errors for ``text`` as it would read with Status ``target``."""
    candidate = set_status(text, target, template=template)
    return [
        Gate(finding.message, finding.line, finding.rule)
        for finding in lint_text(candidate, template=template)
        if finding.severity == "error"
    ]


def approval_gates(text: str, template: Template, approved: set[str]) -> tuple[str, list[Gate]]:
    """The Approved candidate text (review boxes checked) and its unmet gates: a missing
    approval per role, then any other lint error at Approved."""
    _draft, _review, target, _done = lifecycle(template)
    candidate = set_status(text, target, template=template)
    with contextlib.suppress(WritebackError):
        candidate = check_review_items(candidate, template=template)
    missing = [role for role in signoff_roles(template) if role.casefold() not in approved]
    found: list[Gate] = []
    lines = {role: _signoff_line(candidate, template, role) for role in missing}
    for role in missing:
        found.append(Gate(f"no current approval for the role '{role}'", lines[role], "approval"))
    for finding in lint_text(candidate, template=template):
        if finding.severity != "error":
            continue
        if finding.rule == "TS402" and any(f"'{role}'" in finding.message for role in missing):
            continue
        found.append(Gate(finding.message, finding.line, finding.rule))
    return candidate, found


def _signoff_line(text: str, template: Template, role: str) -> int | None:
    context = LintContext(parse(text), template)
    for pair in context.table_pairs():
        if pair.rule.is_signoff and pair.table is not None:
            for row in pair.table.rows:
                if row and row[0].text.casefold() == role.casefold():
                    return row[0].line
    return None


def next_history_version(text: str, template: Template) -> str:
    """A version just above the history's highest, in a patch position (1.0 -> 1.0.1,
    1.0.1 -> 1.0.2), so workflow rows never claim a new Document Version."""
    from techspec.lint.rules.values import is_version, version_key

    context = LintContext(parse(text), template)
    best: tuple[int, ...] = (1, 0)
    for pair in context.table_pairs():
        if not pair.rule.is_history or pair.table is None:
            continue
        kinds = [rule.kind for rule in pair.rule.column_rules]
        column = pair.table.column_index(pair.rule.columns[kinds.index("version")])
        for row in pair.table.rows:
            if column is not None and column < len(row) and is_version(row[column].text):
                best = max(best, version_key(row[column].text))
    parts = list(best) + [0] * max(0, 3 - len(best))
    parts[-1] += 1
    return ".".join(str(part) for part in parts)
