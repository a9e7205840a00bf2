"""The workflow-managed parts of a spec, and the content hash that leaves them out.

Approvals are recorded in the Markdown itself.  Only techspec's workflow may write these
parts, found through the template (never by heading names), and exactly these bytes:

* **Status**: the characters of the value of the metadata field the template makes the
  Status enumeration (``**Status**: Approved``), not its key or the rest of its line.
* **Sign-off cells**: in every row of a sign-off table (a template table whose fixed
  rows leave cells to fill in: ``### Sign-off``), the cells of those fill columns (Name,
  Date, Signature).  The row's other cells (the Role) are content.
* **Review ticks**: the box of each task item in the lists of a review section (one whose
  template holds fixed checklist items: Technical Review, Stakeholder Approval).  The
  item's text is content.
* **Workflow history rows**: the rows of the Document History table (the template table
  with a version and a date column) whose Changes cell (its second column of neither
  kind, or its only one) begins with one of :data:`WORKFLOW_CHANGES`, the phrases the
  workflow writes.  Every other row is content.

Any other text of the Review & Approval section or the history table is content.

Definition of :func:`content_hash` (``sha256`` hex of the UTF-8 encoding, lone surrogates
passed through, of :func:`normalize`'s text):

1. A leading BOM is dropped and every line ending (CRLF or a lone CR) becomes LF.
2. The text is parsed and matched to the template, as the linter does, and:

   * the Status value's characters become :data:`MANAGED`;
   * a sign-off row becomes ``|`` + its cells joined by ``|`` + ``|``, each fill cell
     :data:`MANAGED` (also one the row lacks, up to the last fill column) and each other
     cell its text without surrounding blanks, so signing a row never moves the hash;
   * a ticked box (``[x]``, ``[X]``) of a review item reads ``[ ]``, and so does the box
     of a work item (the template's checklists of placeholder items: Success Criteria,
     phase tasks, documentation): ticking off work is progress, not a change to what was
     approved (work ticks are content the author writes, not managed parts);
   * a workflow history row is left out, line and all, wherever it stands.
3. Trailing whitespace at the end of the text is removed.

Everything else, blank lines and trailing spaces inside the text included, is hashed as
written.  The hash lives in the linter's layer so that a rule can check a signature's
cited hash (TS404) in a file with no store at hand.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from itertools import pairwise

from techspec.document.model import ListItem, Table
from techspec.document.parser import parse
from techspec.lint.rules.context import LintContext
from techspec.lint.template import TableRule, Template, builtin_template

MANAGED = "\x00techspec:managed\x00"
"""Stands in for a workflow-managed part; NUL never appears in a real spec."""

WORKFLOW_CHANGES = (
    "Submitted for review by ",
    "Approved as ",
    "Changes requested as ",
    "Implemented, confirmed by ",
    "Workflow update after r",
)
"""How the Changes cell of every Document History row the workflow writes begins."""

_LINE_END = re.compile(r"\r\n?")


@dataclass(frozen=True, slots=True)
class SignoffRow:
    """A row of a sign-off table: its role (first cell) and its fill cells' text."""

    role: str
    line: int
    fill: tuple[int, ...]
    """Indexes of this table's fill columns (Name, Date, Signature)."""
    cells: tuple[tuple[str, str, str], ...]
    """``(column, kind, text)`` of each fill column, ``kind`` as :func:`fill_kinds` says
    (the text is ``""`` for a cell the row lacks)."""

    def value(self, kind: str) -> str:
        """The first ``name``, ``date`` or ``signature`` cell's text (``""``: none)."""
        return next((text for _, found, text in self.cells if found == kind), "")


@dataclass(frozen=True, slots=True)
class Box:
    """A task item's box: ``index`` is the 0-based column of its ``[``."""

    text: str
    line: int
    index: int
    checked: bool


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """A Document History row the workflow wrote."""

    line: int
    cells: tuple[tuple[str, str], ...]
    """``(template column, cell text)`` of each of the template's columns the table has."""
    changes: str


@dataclass(frozen=True, slots=True)
class ManagedParts:
    """Where each managed part of one document is, and what it says."""

    status: tuple[int, int, int] | None
    """``(0-based line index, start, end)`` of the Status value's characters."""
    signoffs: tuple[SignoffRow, ...]
    review_boxes: tuple[Box, ...]
    work_boxes: tuple[Box, ...]
    history_rows: tuple[HistoryRow, ...]


def managed_parts(context: LintContext) -> ManagedParts:
    """The managed parts of ``context``'s spec (see the module docstring)."""
    lines = context.spec.text.removeprefix("\ufeff").split("\n")
    review: list[Box] = []
    work: list[Box] = []
    for match in context.matches:
        target = review if match.rule.fixed_items else work if match.rule.work_items else None
        if target is None:
            continue
        for lst in match.section.lists:
            target.extend(_boxes(lst.items, lines))
    signoffs: list[SignoffRow] = []
    history: list[HistoryRow] = []
    for pair in context.table_pairs():
        if pair.table is None:
            continue
        if pair.rule.is_signoff:
            signoffs.extend(_signoff_rows(pair.rule, pair.table))
        elif pair.rule.is_history:
            history.extend(_workflow_rows(pair.rule, pair.table))
    return ManagedParts(
        _status(context, lines), tuple(signoffs), tuple(review), tuple(work), tuple(history)
    )


def signoff_rows(context: LintContext) -> list[SignoffRow]:
    """The rows of the spec's sign-off tables (what :func:`managed_parts` reads, alone)."""
    return [
        row
        for pair in context.table_pairs()
        if pair.table is not None and pair.rule.is_signoff
        for row in _signoff_rows(pair.rule, pair.table)
    ]


def is_workflow_change(changes: str) -> bool:
    """Whether a Document History row's Changes text is one the workflow writes."""
    return changes.strip().startswith(WORKFLOW_CHANGES)


# -- the content hash ----------------------------------------------------------------


def revision_sha256(text: str) -> str:
    """The sha256 hex of the exact UTF-8 bytes of ``text``: identifies one revision."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def normalize(
    text: str, template: Template | None = None, *, parsed: LintContext | None = None
) -> str:
    """The text that :func:`content_hash` hashes (see the module docstring).

    ``parsed`` is ``text`` already parsed and matched to ``template``, when the caller has
    it (a save parses once); it is used only when ``text`` needs no line-ending or BOM
    normalization, since the hash reads the normalized text.
    """
    body = _LINE_END.sub("\n", text.removeprefix("\ufeff"))
    if parsed is not None and body == text:
        context = parsed
    else:
        context = LintContext(parse(body), template or builtin_template())
    parts = managed_parts(context)
    lines = body.split("\n")
    if parts.status is not None:
        index, start, end = parts.status
        lines[index] = lines[index][:start] + MANAGED + lines[index][end:]
    for box in (*parts.review_boxes, *parts.work_boxes):
        if box.checked:
            line = lines[box.line - 1]
            lines[box.line - 1] = line[: box.index] + "[ ]" + line[box.index + 3 :]
    for row in parts.signoffs:
        lines[row.line - 1] = _signoff_line(lines[row.line - 1], row.fill)
    dropped = {row.line - 1 for row in parts.history_rows}
    kept = [line for index, line in enumerate(lines) if index not in dropped]
    return "\n".join(kept).rstrip()


def content_hash(
    text: str, template: Template | None = None, *, parsed: LintContext | None = None
) -> str:
    """The sha256 hex of ``text`` with the workflow-managed parts normalized out."""
    return revision_sha256(normalize(text, template, parsed=parsed))


# -- table rows ----------------------------------------------------------------------


def pipes(line: str) -> list[int]:
    """Positions of the pipes that separate a table row's cells: every pipe not right
    after a backslash (as the Markdown parser splits rows, even after ``\\\\``)."""
    return [i for i, char in enumerate(line) if char == "|" and line[i - 1 : i] != "\\"]


def row_cells(line: str) -> list[str]:
    """The raw text between the separating pipes of a pipe-table row."""
    content = line.rstrip(" \t")
    indent = len(content) - len(content.lstrip(" \t"))
    found = pipes(content)
    leading = bool(found) and found[0] == indent
    closing = bool(found) and found[-1] == len(content) - 1 and len(found) > int(leading)
    inner = found[int(leading) : len(found) - int(closing)]
    bounds = [indent + int(leading) - 1, *inner, len(content) - int(closing)]
    return [content[a + 1 : b] for a, b in pairwise(bounds)]


def _signoff_line(line: str, fill: tuple[int, ...]) -> str:
    cells = row_cells(line)
    width = max(len(cells), max(fill, default=-1) + 1)
    out = [
        MANAGED if i in fill else (cells[i].strip(" \t") if i < len(cells) else "")
        for i in range(width)
    ]
    return "|" + "|".join(out) + "|"


def fill_kinds(rule: TableRule) -> list[tuple[str, str]]:
    """``(column, kind)`` of a sign-off table's fill columns: a date column is ``date``,
    the first other one ``name`` and the rest ``signature`` (as the write-back fills)."""
    kinds: list[tuple[str, str]] = []
    first_text = True
    for name in rule.fill_columns:
        kind = rule.column_rules[rule.columns.index(name)].kind
        if kind == "date":
            kinds.append((name, "date"))
        else:
            kinds.append((name, "name" if first_text else "signature"))
            first_text = False
    return kinds


def _signoff_rows(rule: TableRule, table: Table) -> list[SignoffRow]:
    kinds = fill_kinds(rule)
    indexes = [(name, kind, table.column_index(name)) for name, kind in kinds]
    fill = tuple(sorted(index for _, _, index in indexes if index is not None))
    return [
        SignoffRow(
            row[0].text,
            row[0].line,
            fill,
            tuple(
                (name, kind, row[index].text if index is not None and index < len(row) else "")
                for name, kind, index in indexes
            ),
        )
        for row in table.rows
        if row
    ]


def _workflow_rows(rule: TableRule, table: Table) -> list[HistoryRow]:
    kinds = zip(rule.columns, rule.column_rules, strict=True)
    others = [name for name, column in kinds if column.kind not in ("version", "date")]
    column = table.column_index(others[min(1, len(others) - 1)]) if others else None
    if column is None:
        return []
    indexes = [(name, table.column_index(name)) for name in rule.columns]
    found = [(name, index) for name, index in indexes if index is not None]
    return [
        HistoryRow(
            row[0].line,
            tuple((name, row[index].text if index < len(row) else "") for name, index in found),
            row[column].text,
        )
        for row in table.rows
        if row and column < len(row) and is_workflow_change(row[column].text)
    ]


def _boxes(items: list[ListItem], lines: list[str]) -> list[Box]:
    boxes: list[Box] = []
    for item in items:
        if item.checked is None or item.line > len(lines):
            continue
        head = lines[item.line - 1][: max(0, item.column - 1)]
        index = max(head.rfind("[x]"), head.rfind("[X]"), head.rfind("[ ]"))
        if index >= 0:
            boxes.append(Box(item.text, item.line, index, item.checked))
    return boxes


def _status(context: LintContext, lines: list[str]) -> tuple[int, int, int] | None:
    rule = context.template.status_field
    found = context.spec.field(rule.key) if rule is not None else None
    if found is None or found.line > len(lines):
        return None
    start, end = value_span(lines[found.line - 1], found.value_column)
    return found.line - 1, start, end


def value_span(line: str, value_column: int) -> tuple[int, int]:
    """``[start, end)`` of a field's value in its line: the parser's ``value_column`` up
    to the trailing blanks and hard-break backslash, which are not part of the value."""
    start = min(max(0, value_column - 1), len(line))
    return start, max(start, _value_end(line))


def _value_end(line: str) -> int:
    """Where the end of a field line begins: blanks, a hard-break backslash, blanks and a
    CR, before a final LF.  Stripped from the right, in one pass: the pattern that said
    so, searched from each position, was cubic on a line of blanks."""
    body = line.removesuffix("\n").removesuffix("\r").rstrip(" \t")
    if body.endswith("\\"):
        body = body[:-1].rstrip(" \t")
    return len(body)
