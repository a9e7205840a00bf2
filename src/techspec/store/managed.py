"""The workflow's parts of a document at save time: what an edit may not change, and how
the workflow writes them back so the document never claims more than the store holds.

Pure functions of texts, the template and the spec's recorded decisions (no database):
:func:`techspec.store.lifecycle.prepare_save` applies them to a save.  The managed parts
themselves are defined in :mod:`techspec.lint.rules.managed`.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from techspec.authoring.writeback import (
    add_history_row,
    check_review_items,
    remove_lines,
    set_signoffs,
    set_status,
)
from techspec.document.parser import parse
from techspec.lint.linter import LintContext
from techspec.lint.rules.managed import HistoryRow, ManagedParts, SignoffRow, managed_parts
from techspec.lint.rules.values import is_version, unfilled, version_key
from techspec.lint.template import Template
from techspec.proofs.signoff import Signer
from techspec.store.approvals import Approval


@dataclass(frozen=True, slots=True)
class Edited:
    """One managed part a save changed, in words, with its line in the saved text."""

    part: str
    line: int | None

    def __str__(self) -> str:
        return f"{self.part} (line {self.line})" if self.line is not None else self.part


def edits(before: ManagedParts, after: ManagedParts) -> list[Edited]:
    """The managed parts ``after`` changed against ``before`` (the Status aside: the
    lifecycle has its own rule for it).  A row or item ``after`` adds must be unsigned or
    unticked; one it removes is content, not a managed part."""
    return [
        *_signoff_edits(before, after),
        *_box_edits(before, after),
        *_history_edits(before, after),
    ]


def _signoff_edits(before: ManagedParts, after: ManagedParts) -> list[Edited]:
    earlier: defaultdict[str, deque[SignoffRow]] = defaultdict(deque)
    for row in before.signoffs:
        earlier[row.role.casefold()].append(row)
    found: list[Edited] = []
    for row in after.signoffs:
        rows = earlier[row.role.casefold()]
        prior = {name: text for name, _kind, text in rows.popleft().cells} if rows else {}
        for name, _kind, text in row.cells:
            if _signed(text) != _signed(prior.get(name, "")):
                found.append(Edited(f"the {name} of the sign-off row '{row.role}'", row.line))
    return found


def _signed(text: str) -> str:
    return "" if unfilled(text) else text.strip()


def _box_edits(before: ManagedParts, after: ManagedParts) -> list[Edited]:
    earlier: defaultdict[str, deque[bool]] = defaultdict(deque)
    for box in before.review_boxes:
        earlier[box.text].append(box.checked)
    found: list[Edited] = []
    for box in after.review_boxes:
        ticks = earlier[box.text]
        if box.checked != (ticks.popleft() if ticks else False):
            found.append(Edited(f"the box of the review item '{box.text}'", box.line))
    return found


def _history_edits(before: ManagedParts, after: ManagedParts) -> list[Edited]:
    old = [row.cells for row in before.history_rows]
    for index, row in enumerate(after.history_rows):
        if index >= len(old) or row.cells != old[index]:
            return [Edited(f"the Document History row '{row.changes}'", row.line)]
    if len(old) > len(after.history_rows):
        gone = before.history_rows[len(after.history_rows)]
        return [Edited(f"the Document History row '{gone.changes}', removed", None)]
    return []


def unwritten_rows(before: ManagedParts, after: ManagedParts) -> set[int]:
    """Lines of ``after``'s workflow history rows that ``before`` does not have: rows
    the workflow never wrote."""
    earlier: dict[tuple[tuple[str, str], ...], int] = defaultdict(int)
    for row in before.history_rows:
        earlier[row.cells] += 1
    lines: set[int] = set()
    for row in after.history_rows:
        if earlier[row.cells]:
            earlier[row.cells] -= 1
        else:
            lines.add(row.line)
    return lines


# -- what the store holds --------------------------------------------------------------


def current_approvals(decisions: Iterable[Approval], content: str) -> dict[str, Approval]:
    """For each role (case-folded) whose latest decision on ``content`` is an approval,
    that approval; ``decisions`` oldest first."""
    latest: dict[str, Approval] = {}
    for decision in decisions:
        if decision.content_hash == content:
            latest[decision.role.casefold()] = decision
    return {role: found for role, found in latest.items() if found.decision == "approve"}


@dataclass(frozen=True, slots=True)
class Truth:
    """The text rewritten to what the store holds, and what changed, in words."""

    text: str
    cleared: list[str]
    signed: list[str]
    status: str | None
    boxes: str | None
    dropped: int


def truthful(
    text: str,
    template: Template,
    *,
    status: str,
    approved: dict[str, Approval],
    ticked: bool,
    signer: Signer,
    spec: str,
    drop: set[int] | None = None,
) -> Truth:
    """``text`` with its managed parts as the store holds them: Status ``status``, each
    sign-off row signed (by ``signer``, for spec ``spec``) by its role's current approval
    in ``approved`` or blank, review boxes ``ticked`` or not, and the history rows at
    lines ``drop`` removed.  A row already holding a valid signature of the approval is
    kept as it is (signed by a retired key, too)."""
    dropped = len(drop or ())
    if drop:
        text = remove_lines(text, drop)
    context = LintContext(parse(text), template)
    parts = managed_parts(context)
    moved: str | None = None
    if (context.spec.status or "").strip().casefold() != status.casefold():
        text, moved = set_status(text, status, template=template), status
    cleared: list[str] = []
    signed: list[str] = []
    rows: dict[str, tuple[str, date, str] | None] = {}
    seen: set[str] = set()
    for row in parts.signoffs:
        role = row.role.casefold()
        if role in seen:
            continue  # the write-back fills a role's first row
        seen.add(role)
        approval = approved.get(role)
        if approval is None:
            if any(not unfilled(value) for _name, _kind, value in row.cells):
                rows[role] = None
                cleared.append(row.role)
        elif not _signed_by(row, approval, signer, spec):
            day = approval.created_at.date()
            cell = signer.cell(spec, row.role, approval.reviewer, day, approval.content_hash)
            rows[role] = (approval.reviewer, day, cell)
            signed.append(row.role)
    text = set_signoffs(text, rows, template=template)
    boxes: str | None = None
    if any(box.checked != ticked for box in parts.review_boxes):
        text = check_review_items(text, ticked, template=template)
        boxes = "review boxes ticked" if ticked else "review boxes unticked"
    return Truth(text, cleared, signed, moved, boxes, dropped)


def _signed_by(row: SignoffRow, approval: Approval, signer: Signer, spec: str) -> bool:
    name, day = row.value("name"), row.value("date")
    return name.strip() == approval.reviewer and signer.holds(
        row.value("signature"), spec, row.role, name, day, approval.content_hash
    )


# -- the workflow's history rows ---------------------------------------------------------


def add_workflow_row(text: str, template: Template, author: str, changes: str) -> str:
    """Append the workflow's Document History row: the current Document Version, today,
    ``author`` and ``changes`` (which must begin as :data:`WORKFLOW_CHANGES` says)."""
    return add_history_row(
        text,
        history_version(text, template),
        date.today(),
        author,
        changes,
        template=template,
        update=False,
    )


def history_version(text: str, template: Template) -> str:
    """The version a workflow row records: the Document Version, unless the history
    already holds a higher one (then that one, so versions never go back); with no valid
    Document Version, the history's last, else ``1.0``.  A workflow row never claims a
    version the document does not have."""
    context = LintContext(parse(text), template)
    current = _document_version(context)
    last = _last_history_version(context)
    if current is not None and (last is None or version_key(current) >= version_key(last)):
        return current
    return last or current or "1.0"


def _document_version(context: LintContext) -> str | None:
    for rule in context.template.fields:
        if rule.rule.kind == "version":
            found = context.spec.field(rule.key)
            if found is not None and is_version(found.value):
                return found.value.strip()
    return None


def _last_history_version(context: LintContext) -> str | None:
    best: str | None = None
    for pair in context.table_pairs():
        if not pair.rule.is_history or pair.table is None:
            continue
        kinds = [rule.kind for rule in pair.rule.column_rules]
        column = pair.table.column_index(pair.rule.columns[kinds.index("version")])
        for row in pair.table.rows:
            if column is not None and column < len(row) and is_version(row[column].text):
                value = row[column].text.strip()
                if best is None or version_key(value) >= version_key(best):
                    best = value
    return best


__all__ = [
    "Edited",
    "HistoryRow",
    "Truth",
    "add_workflow_row",
    "current_approvals",
    "edits",
    "history_version",
    "truthful",
    "unwritten_rows",
]
