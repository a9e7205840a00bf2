"""The lifecycle's rules: its states, the gates of each step, and what a save may do.

Pure functions of the text and the template (no database): the workflow steps in
``workflow.py`` apply them inside their transactions.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass

from techspec.authoring.content_hash import content_hash
from techspec.authoring.writeback import (
    WritebackError,
    check_review_items,
    set_status,
    signoff_roles,
)
from techspec.document.parser import parse
from techspec.errors import UsageError
from techspec.lint.linter import LintContext, lint_text
from techspec.lint.rules.managed import managed_parts
from techspec.lint.template import Template
from techspec.proofs.signoff import Signer
from techspec.store.approvals import Approval
from techspec.store.errors import Gate, InvalidTransition, ManagedPartEdited
from techspec.store.managed import (
    Truth,
    add_workflow_row,
    current_approvals,
    edits,
    truthful,
    unwritten_rows,
)
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


@dataclass(frozen=True, slots=True)
class SavePlan:
    """What the store does beside storing a save: a note for the person, and the
    workflow's revision after it (``correction``) when the document would otherwise
    claim more (or other) than the store holds."""

    note: str = ""
    correction: str | None = None
    changes: str = ""
    """The correction's Document History entry and revision message."""
    status: tuple[str | None, str | None] = (None, None)
    """The Status before and after the correction."""


def prepare_save(
    current: Revision,
    text: str,
    template: Template,
    parsed: LintContext | None = None,
    *,
    kind: str = "edit",
    decisions: Sequence[Approval] = (),
    actor: str = "techspec",
    slug: str | None = None,
    signer: Signer | None = None,
) -> SavePlan:
    """What a save of ``text`` over ``current`` does to the workflow's parts.

    Only the workflow writes them (see :mod:`techspec.lint.rules.managed`).  An edit
    may not change the Status (except to Review, with the content, on an Approved
    spec) nor any other managed part: :class:`InvalidTransition` and
    :class:`ManagedPartEdited` name the part.  An ``import`` (a file edited outside
    techspec) is stored as the file has it, and the workflow then writes the store's
    record back over those parts.  A content change makes the approvals of the old
    content stale: the workflow clears their sign-offs, unticks the review boxes and
    moves an Approved (or Implemented) spec back to Review.  ``decisions`` are the
    spec's approval decisions, oldest first; ``actor`` names who the workflow's
    history row is written for; ``slug`` names the spec in errors and signatures;
    ``signer`` signs the sign-off rows written back (None: unsigned).  ``parsed`` is
    ``text`` already parsed and matched to ``template``.
    """
    if len(template.statuses) < 4 or current.status is None:
        return SavePlan()
    _draft, review, approved, _done = lifecycle(template)
    context = parsed if parsed is not None else LintContext(parse(text), template)
    earlier = LintContext(parse(current.text), template)
    content = content_hash(text, template, parsed=context)
    old = content_hash(current.text, template, parsed=earlier)
    changed = content != old
    settled = template.status_rank(current.status) >= template.status_rank(approved)
    status = context.spec.status
    moved = not same(status, current.status)
    if moved and kind != "import" and not (changed and settled and same(status, review)):
        raise InvalidTransition(
            f"the Status changed from {current.status} to {status or 'nothing'}: status "
            "changes go through the workflow (techspec submit, approve, request-changes, "
            "implement)",
            path=slug,
        )
    before, after = managed_parts(earlier), managed_parts(context)
    edited = [str(part) for part in edits(before, after)]
    if edited and kind != "import":
        more = f" (and {len(edited) - 1} more)" if len(edited) > 1 else ""
        raise ManagedPartEdited(
            f"{edited[0]}{more} is written only by the workflow (submit, approve, "
            "request-changes, implement): leave it as it was; a new review item is "
            "written unticked and a new sign-off row blank",
            path=slug,
        )
    restored = kind == "import" and bool(edited or moved)
    if restored and moved:
        edited.insert(0, f"the Status ({status or 'none'})")
    now = current_approvals(decisions, content)
    # Approvals current before the save (by the stored hash too: a revision stored before
    # the hash's definition changed) and not after it: their sign-offs must go.
    stale = sorted(
        (
            set(current_approvals(decisions, old))
            | set(current_approvals(decisions, current.content_hash))
        )
        - set(now)
    )
    if not (changed or restored or stale):
        return SavePlan()
    target = review if settled and (changed or stale) else current.status
    truth = truthful(
        text,
        template,
        status=target,
        approved=now,
        ticked=template.status_rank(target) >= template.status_rank(approved),
        signer=signer or Signer(None),
        spec=slug or "",
        drop=unwritten_rows(before, after) if restored else None,
    )
    if truth.text == text:
        return SavePlan()
    said = _said(truth, current.number + 1, edited if restored else [], changed, stale)
    note = _note(truth, edited if restored else [])
    correction = add_workflow_row(truth.text, template, actor, said)
    return SavePlan(note, correction, said, (current.status, target))


def _said(truth: Truth, number: int, edited: list[str], changed: bool, stale: list[str]) -> str:
    """The correction's history entry: ``Workflow update after rN: ...``."""
    parts: list[str] = []
    if edited:
        count = f"{len(edited)} part" + ("" if len(edited) == 1 else "s")
        parts.append(f"the imported file changed {count} only the workflow writes: restored")
    if changed:
        parts.append("content changed" + (", approvals stale" if stale or truth.cleared else ""))
    if truth.cleared:
        parts.append(f"sign-offs cleared: {', '.join(truth.cleared)}")
    if truth.signed:
        parts.append(f"signed by current approvals: {', '.join(truth.signed)}")
    if truth.boxes:
        parts.append(truth.boxes)
    if truth.dropped:
        rows = "row" if truth.dropped == 1 else "rows"
        parts.append(f"{truth.dropped} history {rows} the workflow did not write removed")
    if truth.status is not None:
        parts.append(f"back to {truth.status}" if changed else f"Status {truth.status} restored")
    return f"Workflow update after r{number}: " + "; ".join(parts)


def _note(truth: Truth, edited: list[str]) -> str:
    """What the person who saved is told (the Saved note)."""
    if edited:
        return (
            f"the file changed parts only the workflow writes ({', '.join(edited)}): "
            "the store's record was written back over them"
        )
    if truth.status is not None:
        return f"content changed after approval: approvals are stale, back to {truth.status}"
    if truth.cleared:
        return f"content changed: approvals stale, sign-offs cleared ({', '.join(truth.cleared)})"
    return "the workflow's parts were written back to what the store holds"


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
