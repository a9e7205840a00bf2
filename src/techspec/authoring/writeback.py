"""Write workflow decisions (status, review, sign-off, history) back into the Markdown.

The Markdown file stays the source of truth, so an approval is recorded by editing it.
Each function is a pure text edit that touches only the characters it must: every
other byte, the file's line endings (an inserted line uses the file's own) and a BOM
are kept, so the result diffs cleanly and :func:`techspec.authoring.content_hash.content_hash`
does not move.  The parts to edit are found through the template, as the linter finds
them, never by heading names.  A document that lacks the part raises
:class:`WritebackError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from itertools import pairwise

from techspec.authoring.content_hash import value_span
from techspec.document.parser import parse
from techspec.errors import TechspecError
from techspec.lint.linter import LintContext, TablePair
from techspec.lint.rules.managed import pipes as separators
from techspec.lint.template import TableRule, Template, builtin_template

_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")
_TASK_BOX = re.compile(
    r"^(?P<lead>[ \t]*(?:>[ \t]*)*(?:[-+*]|\d{1,9}[.)])[ \t]+)\[(?P<box>[ xX])\]"
)


class WritebackError(TechspecError):
    """The document lacks the part a write-back must edit (a conflict with the workflow)."""

    exit_code = 2
    http_status = 409


class _Document:
    """The text as lines with their own endings; line ``n`` (1-based) is ``lines[n-1]``."""

    def __init__(self, text: str) -> None:
        self.bom = "\ufeff" if text.startswith("\ufeff") else ""
        body = text[len(self.bom) :]
        pairs = [(m[1], m[2]) for m in _LINE.finditer(body)]
        if pairs and pairs[-1] == ("", ""):
            pairs.pop()
        self.lines = [content for content, _ in pairs]
        self.ends = [end for _, end in pairs]
        self.eol = next((end for end in self.ends if end), "\n")
        self.body = body

    def context(self, template: Template | None) -> LintContext:
        return LintContext(parse(self.body), template or builtin_template())

    def insert_after(self, line: int, content: str) -> None:
        if line > 0 and not self.ends[line - 1]:
            self.ends[line - 1] = self.eol
            self.ends.insert(line, "")
        else:
            self.ends.insert(line, self.eol)
        self.lines.insert(line, content)

    def text(self) -> str:
        return self.bom + "".join(c + e for c, e in zip(self.lines, self.ends, strict=True))


def set_status(text: str, status: str, *, template: Template | None = None) -> str:
    """Replace the value of the Status field (written as the template spells it)."""
    doc = _Document(text)
    context = doc.context(template)
    rule = context.template.status_field
    found = context.spec.field(rule.key) if rule is not None else None
    if rule is None or found is None:
        raise WritebackError("the document has no '**Status**:' metadata field")
    wanted = _single_line(status, "status").strip()
    canonical = [v for v in rule.rule.values if v.casefold() == wanted.casefold()]
    if not canonical:
        allowed = ", ".join(rule.rule.values)
        raise WritebackError(f"'{wanted}' is not a {rule.key} of the template ({allowed})")
    line = doc.lines[found.line - 1]
    start, end = value_span(line, found.value_column)
    doc.lines[found.line - 1] = line[:start] + canonical[0] + line[end:]
    return doc.text()


def signoff_roles(template: Template | None = None) -> list[str]:
    """The roles that sign: fixed-row keys of the template's sign-off table(s)."""
    roles: list[str] = []
    for rule in _signoff_rules(template or builtin_template()):
        for row in rule.fixed_rows:
            if row.fill and row.key not in roles:
                roles.append(row.key)
    return roles


def sign(
    text: str,
    role: str,
    name: str,
    day: date,
    signature: str,
    *,
    template: Template | None = None,
) -> str:
    """Fill ``role``'s sign-off row: Name, Date (ISO) and Signature.

    The template's fill columns are read in order: a date column gets ``day``, the first
    other column the name and the rest the signature.
    """
    values = {
        "name": _cell_value(name, "name"),
        "date": day.isoformat(),
        "signature": _cell_value(signature, "signature"),
    }
    return _fill_signoff(text, role, template, values)


def unsign(text: str, role: str, *, template: Template | None = None) -> str:
    """Blank ``role``'s sign-off cells again (its approval went stale)."""
    return _fill_signoff(text, role, template, {"name": "", "date": "", "signature": ""})


def check_review_items(text: str, checked: bool = True, *, template: Template | None = None) -> str:
    """Check (or uncheck) every item of the review checklists (fixed-item sections)."""
    doc = _Document(text)
    context = doc.context(template)
    box = "x" if checked else " "
    found = False
    for match in context.matches:
        if not match.rule.fixed_items:
            continue
        for lst in match.section.lists:
            known: dict[int, int | None] = {}
            for item in (item for item in lst.items if item.checked is not None):
                found = True
                number = _task_line(doc, item.line, lst.line, known)
                if number is None:
                    raise WritebackError(f"no task box for '{item.text}'", line=item.line)
                line = doc.lines[number - 1]
                task = _TASK_BOX.match(line)
                assert task is not None
                if (task["box"] != " ") != checked:
                    at = task.end("lead") + 1
                    doc.lines[number - 1] = line[:at] + box + line[at + 1 :]
    if not found:
        raise WritebackError("the document has no review checklist to check")
    return doc.text()


def add_history_row(
    text: str,
    version: str,
    day: date,
    author: str,
    changes: str,
    *,
    template: Template | None = None,
    update: bool = True,
) -> str:
    """Append a Document History row, or (``update``) update the row for ``version`` if
    there is one.  The workflow appends: its rows repeat the current Document Version.

    The history table's Version and Date columns are the template's version and date
    columns; its other columns take ``author`` then ``changes``, in order (a table with
    one other column takes ``changes``, which is how a workflow row is recognized).
    """
    doc = _Document(text)
    context = doc.context(template)
    pair = next((p for p in context.table_pairs() if p.rule.is_history and p.table), None)
    if pair is None or pair.table is None:
        raise WritebackError("the document has no Document History table")
    table = pair.table
    wanted = _cell_value(version, "version")
    kinds = [rule.kind for rule in pair.rule.column_rules]
    texts = [_cell_value(author, "author"), _cell_value(changes, "changes")]
    others = iter(texts[-1:] if sum(k not in ("version", "date") for k in kinds) == 1 else texts)
    values: dict[int, str] = {}
    version_index: int | None = None
    for name, rule in zip(pair.rule.columns, pair.rule.column_rules, strict=True):
        index = table.column_index(name)
        if rule.kind == "version":
            version_index = index
            value = wanted
        else:
            value = day.isoformat() if rule.kind == "date" else next(others, "")
        if index is not None:
            values[index] = value
    if version_index is None:
        raise WritebackError("the Document History table has no Version column", line=table.line)
    for row in table.rows if update else []:
        if version_index < len(row) and row[version_index].text.strip() == wanted:
            line = row[version_index].line
            updates = {i: v for i, v in values.items() if i != version_index}
            doc.lines[line - 1] = _set_cells(doc.lines[line - 1], updates)
            break
    else:
        line = table.end_line + 1
        indent = re.match(r"[ \t]*", doc.lines[table.end_line - 1])
        cells = [_escape(values.get(i, "")) or " " for i in range(len(table.header))]
        row_text = "|" + "|".join(f" {cell} " if cell.strip() else " " for cell in cells) + "|"
        doc.insert_after(table.end_line, (indent[0] if indent else "") + row_text)
    result = doc.text()
    _verify(result, line, values)
    return result


def remove_lines(text: str, lines: set[int]) -> str:
    """``text`` without the given 1-based lines (each with its line ending)."""
    doc = _Document(text)
    kept = [i for i in range(len(doc.lines)) if i + 1 not in lines]
    doc.lines = [doc.lines[i] for i in kept]
    doc.ends = [doc.ends[i] for i in kept]
    return doc.text()


def _task_line(doc: _Document, line: int, first: int, known: dict[int, int | None]) -> int | None:
    """The line of an item's task box: its own, or above when the text wraps under it (no
    higher than ``first``).  ``known`` keeps the answers for the lines looked at so far in
    this list, so that each is looked at once: items whose lines hold no box (a nested
    ``1. - [ ]``) each walked up to the list's first line."""
    seen: list[int] = []
    found: int | None = None
    for number in range(line, first - 1, -1):
        if number in known:
            found = known[number]
            break
        seen.append(number)
        if _TASK_BOX.match(doc.lines[number - 1]):
            found = number
            break
    known.update(dict.fromkeys(seen, found))
    return found


# -- sign-off rows -------------------------------------------------------------------


def _signoff_rules(template: Template) -> Iterator[TableRule]:
    for rule in template.all_sections():
        yield from (table for table in rule.tables if table.is_signoff)
    yield from (table for table in template.labelled_tables if table.is_signoff)


def _fill_signoff(text: str, role: str, template: Template | None, by_kind: dict[str, str]) -> str:
    return _fill_signoffs(text, template, {role.strip().casefold(): by_kind}, role.strip())


def _fill_signoffs(
    text: str, template: Template | None, wanted: dict[str, dict[str, str]], named: str = ""
) -> str:
    """Fill the first sign-off row of each role in ``wanted`` (case-folded) in one pass."""
    doc = _Document(text)
    context = doc.context(template)
    pairs = [p for p in context.table_pairs() if p.rule.is_signoff and p.table is not None]
    if not pairs:
        raise WritebackError("the document has no sign-off table")
    edited: dict[int, dict[int, str]] = {}
    done: set[str] = set()
    for pair in pairs:
        assert pair.table is not None
        for row in pair.table.rows:
            role = row[0].text.casefold() if row else ""
            if role in wanted and role not in done:
                done.add(role)
                values = _signoff_values(pair, wanted[role])
                doc.lines[row[0].line - 1] = _set_cells(doc.lines[row[0].line - 1], values)
                edited[row[0].line] = values
    missing = [role for role in wanted if role not in done]
    if missing:
        roles = ", ".join(row[0].text for p in pairs if p.table for row in p.table.rows if row)
        raise WritebackError(f"no sign-off row for role '{named or missing[0]}' (rows: {roles})")
    result = doc.text()
    _verify_rows(result, edited)
    return result


def set_signoffs(
    text: str,
    signed: dict[str, tuple[str, date, str] | None],
    *,
    template: Template | None = None,
) -> str:
    """Sign (``(name, day, signature)``) or blank (``None``) the row of each role in
    ``signed``, in one pass over the document, however many rows it has."""
    blank = {"name": "", "date": "", "signature": ""}
    wanted = {
        role.strip().casefold(): blank
        if value is None
        else {
            "name": _cell_value(value[0], "name"),
            "date": value[1].isoformat(),
            "signature": _cell_value(value[2], "signature"),
        }
        for role, value in signed.items()
    }
    return _fill_signoffs(text, template, wanted) if wanted else text


def _signoff_values(pair: TablePair, by_kind: dict[str, str]) -> dict[int, str]:
    assert pair.table is not None
    values: dict[int, str] = {}
    first_text = True
    for name in pair.rule.fill_columns:
        index = pair.table.column_index(name)
        kind = pair.rule.column_rules[pair.rule.columns.index(name)].kind
        if kind == "date":
            filled = by_kind["date"]
        else:
            filled = by_kind["name" if first_text else "signature"]
            first_text = False
        if index is not None:
            values[index] = filled
    return values


def _verify(text: str, line: int, values: dict[int, str]) -> None:
    """Re-read the edited row: a value that Markdown reads differently is refused."""
    _verify_rows(text, {line: values})


def _verify_rows(text: str, edited: dict[int, dict[int, str]]) -> None:
    """Re-read the edited rows (by line) once: a value Markdown reads differently is refused."""
    spec = parse(text)
    cells_at = {r[0].line: [c.text for c in r] for t in spec.tables for r in t.rows if r}
    for line, values in edited.items():
        cells = cells_at.get(line, [])
        for index, value in values.items():
            if index >= len(cells) or cells[index] != value:
                raise WritebackError(f"'{value}' cannot be written into a table cell", line=line)


# -- table cells ---------------------------------------------------------------------


def _set_cells(line: str, values: dict[int, str]) -> str:
    """Replace the given cells of a pipe-table row, padded by one space; others are kept."""
    content = line.rstrip(" \t")
    trailing = line[len(content) :]
    indent = len(content) - len(content.lstrip(" \t"))
    pipes = separators(content)
    leading = bool(pipes) and pipes[0] == indent
    closing = bool(pipes) and pipes[-1] == len(content) - 1 and len(pipes) > int(leading)
    inner = pipes[int(leading) : len(pipes) - int(closing)]
    bounds = [indent + int(leading) - 1, *inner, len(content) - int(closing)]
    cells = [content[a + 1 : b] for a, b in pairwise(bounds)]
    while len(cells) <= max(values, default=-1):
        cells.append(" ")
        closing = True
    for index, value in values.items():
        pad_left = " " if leading or index else ""
        pad_right = " " if closing or index < len(cells) - 1 else ""
        cells[index] = pad_left + _escape(value) + pad_right if value else " "
    head = content[:indent] + ("|" if leading else "")
    return head + "|".join(cells) + ("|" if closing else "") + trailing


def _escape(value: str) -> str:
    return value.replace("|", "\\|")


def _single_line(value: str, what: str) -> str:
    if any(char in value for char in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
        raise WritebackError(f"the {what} must be a single line: {value!r}")
    return value


def _cell_value(value: str, what: str) -> str:
    text = _single_line(value, what).strip()
    if not text:
        raise WritebackError(f"the {what} must not be empty")
    return text
