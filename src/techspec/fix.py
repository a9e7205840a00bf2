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

import difflib
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import ClassVar

from techspec.findings import Finding
from techspec.linter import LintContext, MissingSection, TablePair, lint
from techspec.model import Block, Section, Spec, Table
from techspec.parser import parse
from techspec.rules.values import is_version
from techspec.selection import Selection
from techspec.template import FieldRule, TableRule, Template, builtin_template

SAFE_RULES = ("TS101", "TS201", "TS301", "TS302", "TS304", "TS501")
UNSAFE_RULES = ("TS104",)
MAX_ROUNDS = 10
"""A repair can reveal another (a new Version column lets TS501 apply): repeat, as ruff does."""

_EOL = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` with ``new``; offsets index the whole text, BOM included.
    Safe repairs only insert (``start == end``)."""

    start: int
    end: int
    new: str


@dataclass(frozen=True, slots=True)
class Repair:
    """What would answer one finding; :func:`render_edits` turns chosen repairs into edits."""

    rule: str
    line: int
    """The line of the finding it answers (clamped to the document, as findings are)."""
    subject: str
    """Quoted text that the finding's message holds, such as ``'### Out of Scope'``."""
    title: str
    """What it does, for people: ``Insert section '### Out of Scope'``."""
    target: object = field(compare=False, repr=False)
    lines: tuple[int, ...] = ()
    """Further lines it answers: one renumbering answers every gap of a sequence."""

    def answers(self, finding: Finding) -> bool:
        if finding.rule != self.rule or self.subject not in finding.message:
            return False
        return finding.line == self.line or finding.line in self.lines


@dataclass(slots=True)
class FixResult:
    text: str
    fixed: list[Finding]
    """The findings the edits answered, over every round."""
    remaining: list[Finding]
    """The findings of the final text."""
    status: str | None = None
    """The final text's Status."""


class SourceLines:
    """The text's lines, split at CR LF, CR or LF as the parser splits them; 1-based."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.origin = 1 if text.startswith("\ufeff") else 0
        breaks = [match.span() for match in _EOL.finditer(text, self.origin)]
        self.starts = [self.origin] + [end for _, end in breaks]
        self.stops = [start for start, _ in breaks] + [len(text)]
        if self.starts[-1] == len(text):  # nothing after the last line ending
            self.starts.pop()
            self.stops.pop()
        self.count = len(self.starts)
        self.eol = text[breaks[0][0] : breaks[0][1]] if breaks else "\n"

    def content(self, line: int) -> str:
        if 1 <= line <= self.count:
            return self.text[self.starts[line - 1] : self.stops[line - 1]]
        return ""

    def blank(self, line: int) -> bool:
        return 1 <= line <= self.count and not self.content(line).strip()

    def start(self, line: int) -> int:
        if line < 1:
            return self.origin
        return self.starts[line - 1] if line <= self.count else len(self.text)

    def content_end(self, line: int) -> int:
        return self.start(line) + len(self.content(line))

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based ``(line, character column)`` of an offset."""
        line = max(1, bisect_right(self.starts, offset))
        return line, offset - self.start(line) + 1

    def after(self, line: int, lines: list[str]) -> Edit:
        """Insert whole lines after ``line`` (0: at the top)."""
        body = "".join(text + self.eol for text in lines)
        if line < self.count:
            at = self.start(line + 1)
            return Edit(at, at, body)
        ended = self.count == 0 or self.stops[-1] < len(self.text)
        return Edit(len(self.text), len(self.text), ("" if ended else self.eol) + body)

    def block_after(self, line: int, lines: list[str]) -> Edit:
        """Insert a block after content line ``line``, a blank line either side."""
        if self.blank(line + 1):
            edit = self.after(line + 1, lines)
            follows = line + 2 <= self.count and not self.blank(line + 2)
        else:
            edit = self.after(line, ([""] if line >= 1 else []) + lines)
            follows = line + 1 <= self.count
        return Edit(edit.start, edit.end, edit.new + (self.eol if follows else ""))


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
    from before it is kept.  ``parsed`` is ``text`` already parsed, when the caller has it.
    """
    template = template or builtin_template()
    spec = parsed if parsed is not None else parse(text, path)
    findings = lint(spec, template, selection=selection)
    fixed: list[Finding] = []
    current = text
    for _ in range(MAX_ROUNDS):
        wanted = [f for f in findings if f.fixable or (unsafe and f.rule in UNSAFE_RULES)]
        if not wanted:
            break
        context = LintContext(spec, template)
        chosen = [r for r in find_repairs(context, unsafe=unsafe) if any(map(r.answers, wanted))]
        new = apply_edits(current, render_edits(context, chosen, today=today))
        if new == current:
            break
        answered = [f for f in wanted if any(r.answers(f) for r in chosen)]
        new_spec = parse(new, path)
        new_findings = lint(new_spec, template, selection=selection)
        if not _took(answered, findings, new_findings):
            break
        fixed += answered
        current, spec, findings = new, new_spec, new_findings
    return FixResult(current, fixed, findings, spec.status)


def _took(answered: list[Finding], before: list[Finding], after: list[Finding]) -> bool:
    """True when no answered finding is still reported (counting same-message findings
    that were there before without a repair)."""
    left = Counter(map(_key, after))
    left.subtract(_key(f) for f in before if f not in answered)
    return all(left[_key(f)] <= 0 for f in answered)


def _key(finding: Finding) -> tuple[str, str]:
    return finding.rule, finding.message


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply edits computed against ``text``; edits at one offset keep their order."""
    parts: list[str] = []
    position = 0
    for edit in sorted(edits, key=lambda e: e.start):
        if edit.start < position:
            continue  # overlaps an edit already applied
        parts += [text[position : edit.start], edit.new]
        position = edit.end
    return "".join([*parts, text[position:]])


def unified_diff(path: str, before: str, after: str) -> str:
    """A diff of one file that ``git apply`` takes."""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}"
    )
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n" for line in lines)


# -- what can be repaired ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldTarget:
    container: Section | None
    """None for the document's metadata block."""
    rule: FieldRule
    rules: tuple[FieldRule, ...]


@dataclass(frozen=True, slots=True)
class ColumnTarget:
    pair: TablePair
    name: str


@dataclass(frozen=True, slots=True)
class RowTarget:
    pair: TablePair
    values: tuple[tuple[str, str], ...]
    """``(column name, text)``; the first value always lands in the first column."""
    history: bool = False
    """A Document History row: its date column gets the day of the fix."""


@dataclass(frozen=True, slots=True)
class TableTarget:
    """A labelled table (Document History) missing altogether."""

    rule: TableRule


@dataclass(frozen=True, slots=True)
class ItemTarget:
    section: Section
    text: str


@dataclass(frozen=True, slots=True)
class NumberTarget:
    renumber: tuple[tuple[Section, int, int], ...]
    """``(section, its number, the number it should have)``."""


def find_repairs(context: LintContext, *, unsafe: bool = False) -> list[Repair]:
    """Every repair the template allows for this spec."""
    return _Finder(context).run(unsafe) if context.is_spec else []


class _Finder:
    def __init__(self, context: LintContext) -> None:
        self.context = context
        self.spec = context.spec
        self.last = max(1, context.spec.line_count)
        self.found: list[Repair] = []

    def add(self, rule: str, line: int, subject: str, title: str, target: object) -> None:
        clamped = min(max(1, line), self.last)
        self.found.append(Repair(rule, clamped, subject, title, target))

    def run(self, unsafe: bool) -> list[Repair]:
        for missing in self.context.missing:
            heading = "#" * missing.rule.level + " " + missing.rule.title
            self.add("TS101", missing.line, f"'{heading}'", f"Insert section '{heading}'", missing)
        spec, fields = self.spec, self.context.template.fields
        after = spec.metadata[-1].line + 1 if spec.metadata else spec.title_line + 1
        self.fields(None, fields, after)
        for match in self.context.matches:
            self.fields(match.section, match.rule.fields, match.section.line + 1)
            present = {_squash(item.text) for item in match.section.checklist}
            for text in match.rule.fixed_items:
                if _squash(text) not in present:
                    target = ItemTarget(match.section, text)
                    line = match.section.end_line
                    self.add("TS304", line, f"'{text}'", f"Add checklist item '{text}'", target)
        for pair in self.context.table_pairs():
            if pair.table is not None:
                self.table(pair, pair.table)
            elif pair.rule.label is not None:
                label = f"'**{pair.rule.label}**'"
                title = f"Insert the {label} table"
                self.add("TS101", self.last, label, title, TableTarget(pair.rule))
        if unsafe:
            self.numbering()
        return self.found

    def fields(self, section: Section | None, rules: tuple[FieldRule, ...], line: int) -> None:
        for rule in rules:
            present = section.field(rule.key) if section else self.spec.field(rule.key)
            if present is None:
                where = f" in '{section.title}'" if section else ""
                title = f"Insert field '**{rule.key}**'{where}"
                self.add(
                    "TS201", line, f"'**{rule.key}**'", title, FieldTarget(section, rule, rules)
                )

    def table(self, pair: TablePair, table: Table) -> None:
        for name in pair.rule.columns:
            if table.column_index(name) is None:
                column = ColumnTarget(pair, name)
                self.add("TS301", table.line, f"'{name}'", f"Add column '{name}'", column)
        keys = {row[0].text.casefold() for row in table.rows if row}
        for fixed in pair.rule.fixed_rows:
            if fixed.key.casefold() not in keys:
                row = RowTarget(pair, _template_row(self.context.template, pair, fixed.key))
                self.add("TS302", table.end_line, f"'{fixed.key}'", f"Add row '{fixed.key}'", row)
        if pair.rule.is_history:
            self.history(pair, table)

    def history(self, pair: TablePair, table: Table) -> None:
        version = _current_version(self.context)
        rules = zip(pair.rule.column_rules, pair.rule.columns, strict=True)
        kinds = {rule.kind: name for rule, name in rules}
        index = table.column_index(kinds["version"])
        if version is None or index is None or table.column_index(kinds["date"]) is None:
            return
        if version not in {row[index].text.strip() for row in table.rows if index < len(row)}:
            row = RowTarget(pair, ((kinds["version"], version), (kinds["date"], "")), history=True)
            title = f"Add a Document History row for version {version}"
            self.add("TS501", table.end_line, f"version {version}", title, row)

    def numbering(self) -> None:
        for rule, sections in self.context.repeats:
            if not rule.numbered:
                continue
            changes = []
            for wanted, section in enumerate(sections, start=1):
                number = rule.number(section.title)
                if number is not None and number != wanted:
                    changes.append((section, number, wanted))
            if changes:
                lines = tuple(section.line for section, _, _ in changes)
                title = f"Renumber {rule.title.split()[0]} sections 1 to {len(sections)}"
                target = NumberTarget(tuple(changes))
                self.found.append(Repair("TS104", lines[0], "", title, target, lines))


def _current_version(context: LintContext) -> str | None:
    for rule in context.template.fields:
        if rule.rule.kind == "version":
            found = context.spec.field(rule.key)
            if found is not None and is_version(found.value):
                return found.value.strip()
            return None
    return None


def _template_row(template: Template, pair: TablePair, key: str) -> tuple[tuple[str, str], ...]:
    """The template's own row for a fixed key: ``(column, text)`` pairs."""
    source = _TemplateText.of(template).tables.get(id(pair.rule))
    for row in source.rows if source is not None else []:
        if row and row[0].text.casefold() == key.casefold():
            header = source.header if source is not None else []
            return tuple((name.text, cell.text) for name, cell in zip(header, row, strict=False))
    return ((pair.rule.columns[0] if pair.rule.columns else "", key),)


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


class _TemplateText:
    """The template's own text: section bodies to insert, tables, its hard-break style."""

    _cache: ClassVar[dict[str, _TemplateText]] = {}

    def __init__(self, template: Template) -> None:
        spec = parse(template.text, template.name)
        self.lines = SourceLines(template.text)
        self.sections = {section.line: section for section in spec.walk()}
        self.tables: dict[int, Table] = {}
        for rule in template.all_sections():
            section = self.sections.get(rule.line)
            tables = [t for t in section.tables if t.label is None] if section else []
            for table_rule in rule.tables:
                if table_rule.index < len(tables):
                    self.tables[id(table_rule)] = tables[table_rule.index]
        for table_rule in template.labelled_tables:
            table = spec.table(table_rule.label or "")
            if table is not None:
                self.tables[id(table_rule)] = table
        lines = [field.line for field in spec.metadata]
        self.token = _break_token(self.lines.content(lines[0])) if len(lines) > 1 else "\\"

    @classmethod
    def of(cls, template: Template) -> _TemplateText:
        if template.sha256 not in cls._cache:
            cls._cache[template.sha256] = cls(template)
        return cls._cache[template.sha256]

    def labelled(self, rule: TableRule) -> list[str]:
        """A labelled table's lines with its bold label and the ``---`` above them."""
        table = self.tables.get(id(rule))
        if table is None:
            return []
        start = table.line
        for above in range(table.line - 1, 0, -1):
            text = self.lines.content(above).strip()
            if text and not (text == f"**{rule.label}**" or _BREAK.match(text)):
                break
            start = above if text else start
        return [self.lines.content(n) for n in range(start, table.end_line + 1)]

    def body(self, line: int, shift: int) -> list[str]:
        """The section at ``line`` with its subsections, headings moved ``shift`` levels."""
        section = self.sections.get(line)
        end = _extent(section) if section else line
        body = [self.lines.content(n) for n in range(line, end + 1)]
        if shift:
            for index, number in enumerate(range(line, end + 1)):
                if number in self.sections:
                    body[index] = _HASHES.sub(
                        lambda m: m[1] + "#" * _level(m[2], shift), body[index]
                    )
        return body


_HASHES = re.compile(r"^( {0,3})(#{1,6})")
_BREAK = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_COMMENT_LINE = re.compile(r"^[ \t]*<!--.*-->[ \t]*$")
_TASK = re.compile(
    r"^(?P<indent>[ \t]*)(?:(?P<bullet>[-+*])|(?P<number>\d{1,9})(?P<delim>[.)]))(?P<gap>[ \t]+)\["
)
_PIPE = re.compile(r"(?<!\\)(?:\\\\)*\|")


def _level(hashes: str, shift: int) -> int:
    return min(6, max(1, len(hashes) + shift))


def _extent(section: Section) -> int:
    """The last line of a template section's own text, without the ``---`` and labelled
    tables (Document History) that close the template after it."""
    if section.children:
        return _extent(section.children[-1])
    kept = section.blocks[: _closing(section.blocks)]
    return kept[-1].end_line if kept else section.line


def _closing(blocks: list[Block]) -> int:
    """Index of the first block of the closing run: ``---`` rules and labelled tables,
    each with the bold label paragraph above it."""
    index = len(blocks)
    while index > 0:
        node = blocks[index - 1].node
        if blocks[index - 1].kind == "rule":
            index -= 1
        elif isinstance(node, Table) and node.label is not None:
            index -= 2 if index > 1 and blocks[index - 2].kind == "paragraph" else 1
        else:
            break
    return index


def _trailer(sections: list[Section], line_count: int) -> int:
    """The first line of the closing run of the document, when it ends with a labelled
    table (a missing last section goes above it); else past the end."""
    blocks = sections[-1].blocks if sections else []
    node = blocks[-1].node if blocks else None
    if not isinstance(node, Table) or node.label is None:
        return line_count + 1
    return blocks[_closing(blocks)].line


def _break_token(line: str) -> str:
    if line.rstrip().endswith("\\"):
        return "\\"
    return "  " if line.endswith("  ") else ""


def _has_break(line: str, token: str) -> bool:
    return line.rstrip().endswith("\\") if token == "\\" else line.endswith(token)


def _cell_insert(content: str, index: int, text: str) -> tuple[int, str]:
    """Where (column offset) and what to insert so that ``text`` becomes cell ``index``."""
    pipes = [match.end() - 1 for match in _PIPE.finditer(content)]
    lead = bool(pipes) and pipes[0] == len(content) - len(content.lstrip())
    trail = bool(pipes) and pipes[-1] == len(content.rstrip()) - 1 and len(pipes) > int(lead)
    cells = len(pipes) + 1 - lead - trail
    if index < cells:
        if lead:
            return pipes[index] + 1, f" {text} |"
        if index == 0:
            return len(content) - len(content.lstrip()), f"{text} | "
        return pipes[index - 1] + 1, f" {text} |"
    if trail:
        return pipes[-1] + 1, f" {text} |"
    return len(content.rstrip()), f" | {text}"


def _widths(content: str) -> tuple[list[int], bool]:
    """The inner width of each header cell, and whether the row has outer pipes."""
    pipes = [match.end() - 1 for match in _PIPE.finditer(content)]
    lead = bool(pipes) and pipes[0] == len(content) - len(content.lstrip())
    bounds = (
        ([] if lead else [-1]) + pipes + ([] if content.rstrip().endswith("|") else [len(content)])
    )
    return [max(0, b - a - 3) for a, b in pairwise(bounds)], lead


def render_edits(
    context: LintContext, repairs: list[Repair], *, today: date | None = None
) -> list[Edit]:
    """The edits that make ``repairs``, grouped so that repairs at one place (two fields,
    three columns of a table) read as if written together."""
    return _Renderer(context, today or date.today()).render(repairs)


class _Renderer:
    def __init__(self, context: LintContext, today: date) -> None:
        self.context = context
        self.spec = context.spec
        self.lines = SourceLines(context.spec.text)
        self.source = _TemplateText.of(context.template)
        self.today = today
        self.edits: list[Edit] = []

    def render(self, repairs: list[Repair]) -> list[Edit]:
        targets = [repair.target for repair in repairs]
        fields: dict[int, list[FieldTarget]] = {}
        columns: dict[int, list[ColumnTarget]] = {}
        rows: dict[int, list[RowTarget]] = {}
        items: dict[int, list[ItemTarget]] = {}
        for target in targets:
            if isinstance(target, FieldTarget):
                fields.setdefault(id(target.container), []).append(target)
            elif isinstance(target, ColumnTarget):
                columns.setdefault(id(target.pair.table), []).append(target)
            elif isinstance(target, RowTarget):
                rows.setdefault(id(target.pair.table), []).append(target)
            elif isinstance(target, ItemTarget):
                items.setdefault(id(target.section), []).append(target)
        for group in fields.values():
            self.fields(group)
        headers = {key: self.columns(group) for key, group in columns.items()}
        for key, row_group in rows.items():
            self.rows(row_group, headers.get(key))
        for item_group in items.values():
            self.items(item_group[0].section, [target.text for target in item_group])
        trailer = _trailer(list(self.spec.walk()), self.spec.line_count)
        for target in targets:
            if isinstance(target, MissingSection):
                self.section(target, trailer)
            elif isinstance(target, TableTarget):
                self.labelled(target.rule)
            elif isinstance(target, NumberTarget):
                self.numbers(target)
        return self.edits

    def insert(self, line: int, column: int, text: str) -> None:
        at = self.lines.start(line) + column
        self.edits.append(Edit(at, at, text))

    def section(self, missing: MissingSection, trailer: int) -> None:
        parent = self.spec.section(missing.parent) if missing.parent else None
        siblings = parent.children if parent else self.spec.sections
        level = siblings[0].level if siblings else parent.level + 1 if parent else None
        shift = level - missing.rule.level if level is not None else 0
        line = min(missing.line, trailer) - 1
        while line >= 1 and self.skippable(line):
            line -= 1
        body = self.source.body(missing.rule.line, shift)
        self.edits.append(self.lines.block_after(line, body))

    def labelled(self, rule: TableRule) -> None:
        """The template's closing table (with its label and ``---``) at the end."""
        body = self.source.labelled(rule)
        last = max(
            (n for n in range(1, self.lines.count + 1) if not self.lines.blank(n)), default=0
        )
        while (
            body
            and _BREAK.match(self.lines.content(last))
            and (_BREAK.match(body[0]) or not body[0])
        ):
            body = body[1:]
        self.edits.append(self.lines.block_after(last, body))

    def skippable(self, line: int) -> bool:
        """Blank lines, comments and ``---`` go with the heading below them."""
        text = self.lines.content(line)
        if not text.strip() or _COMMENT_LINE.match(text):
            return True
        return _BREAK.match(text) is not None and (line == 1 or self.lines.blank(line - 1))

    def fields(self, targets: list[FieldTarget]) -> None:
        container, rules = targets[0].container, targets[0].rules
        present = container.fields if container else self.spec.metadata
        wanted = {id(target.rule) for target in targets}

        def text(rule: FieldRule) -> str:
            return f"**{rule.key}**: {rule.rule.template_text}"

        if not present:
            token, ordered = self.source.token, [r for r in rules if id(r) in wanted]
            lines = [text(r) + (token if r is not ordered[-1] else "") for r in ordered]
            anchor = container.line if container else self.spec.title_line * bool(self.spec.title)
            self.edits.append(self.lines.block_after(anchor, lines))
            return
        last = max(found.line for found in present)
        others = [found.line for found in present if found.line != last]
        token = _break_token(self.lines.content(others[0])) if others else self.source.token
        by_key = {found.key.casefold(): found.line for found in present}
        groups: dict[tuple[int, int], list[FieldRule]] = {}
        for index, rule in enumerate(rules):
            if id(rule) not in wanted:
                continue
            before = [by_key[r.key.casefold()] for r in rules[:index] if r.key.casefold() in by_key]
            after = [by_key[r.key.casefold()] for r in rules[index:] if r.key.casefold() in by_key]
            place = (before[-1], 1) if before else (after[0], 0) if after else (last, 1)
            groups.setdefault(place, []).append(rule)
        for (line, below), group in groups.items():
            closes = below and line == last
            entries = [text(r) + ("" if closes and r is group[-1] else token) for r in group]
            if not below:
                self.insert(line, 0, "".join(entry + self.lines.eol for entry in entries))
                continue
            if closes and token and not _has_break(self.lines.content(line), token):
                self.insert(line, len(self.lines.content(line)), token)
            self.edits.append(self.lines.after(line, entries))

    def columns(self, targets: list[ColumnTarget]) -> list[str]:
        """Insert the columns; returns the header as it will read."""
        pair, table = targets[0].pair, targets[0].pair.table
        assert table is not None
        names = {target.name for target in targets}
        template = pair.rule.columns
        inserts: list[tuple[int, str]] = []
        for index, name in enumerate(template):
            if name not in names:
                continue
            before = [table.column_index(n) for n in template[:index]]
            after = [table.column_index(n) for n in template[index + 1 :]]
            known_before = [i for i in before if i is not None]
            known_after = [i for i in after if i is not None]
            at = known_before[-1] + 1 if known_before else (known_after or [len(table.header)])[0]
            inserts.append((at, name))
        for line in range(table.line, table.end_line + 1):
            content = self.lines.content(line)
            for at, name in inserts:
                cell = name if line == table.line else " " * len(name)
                if line == table.line + 1:
                    cell = "-" * max(3, len(name))
                column, piece = _cell_insert(content, at, cell.replace("|", "\\|"))
                self.insert(line, column, piece)
        header: list[str] = []
        for index, column_name in enumerate([*table.columns, None]):
            header += [name for at, name in inserts if at == index]
            header += [column_name] if column_name is not None else []
        return header

    def rows(self, targets: list[RowTarget], header: list[str] | None) -> None:
        table = targets[0].pair.table
        assert table is not None
        widths, lead = _widths(self.lines.content(table.line))
        width = dict(zip((c.casefold() for c in table.columns), widths, strict=False))
        columns = header or table.columns
        lines = []
        for target in targets:
            values = {name.casefold(): text for name, text in target.values}
            if target.history:
                values[target.values[1][0].casefold()] = self.today.isoformat()
            cells = [values.get(name.casefold(), "") for name in columns]
            cells[0] = target.values[0][1]
            cells = [
                cell.replace("|", "\\|").ljust(width.get(name.casefold(), len(name)))
                for cell, name in zip(cells, columns, strict=True)
            ]
            row = " | ".join(cells)
            lines.append(f"| {row} |" if lead else row)
        self.edits.append(self.lines.after(table.end_line, lines))

    def items(self, section: Section, texts: list[str]) -> None:
        lists = [
            block for block in section.lists if any(i.checked is not None for i in block.items)
        ]
        if not lists:
            end = section.blocks[-1].end_line if section.blocks else section.line
            self.edits.append(self.lines.block_after(end, [f"- [ ] {text}" for text in texts]))
            return
        tasks = [item for item in lists[-1].items if item.checked is not None]
        last = next((i for i in reversed(tasks) if i.depth == 0), tasks[-1])
        match = _TASK.match(self.lines.content(last.line))
        indent, gap, bullet = (
            (match["indent"], match["gap"], match["bullet"]) if match else ("", " ", "-")
        )
        number = int(match["number"]) if match and match["number"] else None
        lines = []
        for index, text in enumerate(texts, start=1):
            marker = bullet if number is None else f"{number + index}{match and match['delim']}"
            lines.append(f"{indent}{marker}{gap}[ ] {text}")
        self.edits.append(self.lines.after(lists[-1].end_line, lines))

    def numbers(self, target: NumberTarget) -> None:
        for section, number, wanted in target.renumber:
            content = self.lines.content(section.line)
            for match in re.finditer(r"\d+", content[section.column - 1 :]):
                if int(match[0]) == number:
                    at = self.lines.start(section.line) + section.column - 1
                    self.edits.append(Edit(at + match.start(), at + match.end(), str(wanted)))
                    break
