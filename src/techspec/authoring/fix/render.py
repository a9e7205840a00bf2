"""Turning chosen repairs into insertions: the template's own text, placed and shaped
to fit the document."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import TypeVar, cast

from techspec.authoring.fix.edits import (
    BREAK,
    COMMENT_LINE,
    TASK,
    Edit,
    SourceLines,
    break_token,
    cell_insert,
    cell_widths,
    closing_start,
    definitions,
    field_line,
    has_break,
    is_bullet,
    outside,
    protected_ranges,
    references,
)
from techspec.authoring.fix.repairs import (
    ColumnTarget,
    FieldTarget,
    ItemTarget,
    NumberTarget,
    ReferenceTarget,
    Repair,
    RowTarget,
    TableTarget,
    _squash,
    _TemplateText,
)
from techspec.document.model import Section
from techspec.document.parser import parsed_lines
from techspec.lint.linter import LintContext, MissingSection
from techspec.lint.template import FieldRule, TableRule

T = TypeVar("T")


def render_edits(
    context: LintContext, repairs: list[Repair], *, today: date | None = None
) -> list[Edit]:
    """The edits that make ``repairs``, grouped so that repairs at one place (two fields,
    three columns of a table) read as if written together."""
    return _Renderer(context, today or date.today()).render(repairs)


def _source_lines(context: LintContext) -> SourceLines:
    """The spec's lines, split once per lint context: the language server renders a
    finding's repair at a time, and splitting the text for each was quadratic."""
    lines = context.cache.get("source-lines")
    if not isinstance(lines, SourceLines):
        lines = SourceLines(context.spec.text, parsed_lines(context.spec))
        context.cache["source-lines"] = lines
    return lines


def _cached(context: LintContext, key: str, make: Callable[[], T]) -> T:
    """Computed once per lint context, like the spec's lines (the language server renders
    one finding's repair at a time)."""
    if key not in context.cache:
        context.cache[key] = make()
    return cast(T, context.cache[key])


class _Renderer:
    def __init__(self, context: LintContext, today: date) -> None:
        self.context = context
        self.spec = context.spec
        self.lines = _source_lines(context)
        self.source = _TemplateText.of(context.template)
        self.today = today
        self.edits: list[Edit] = []
        self.protected = _cached(context, "protected-ranges", lambda: protected_ranges(self.lines))
        self.labels: list[str] = []
        """Reference labels that repairs need defined (beside those their text uses)."""

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
            texts = [self.source.items.get(_squash(t.text), t.text) for t in item_group]
            self.items(item_group[0].section, texts)
        trailer = closing_start(self.spec.sections, self.spec.line_count)
        for target in targets:
            if isinstance(target, MissingSection):
                self.section(target, trailer)
            elif isinstance(target, TableTarget):
                self.labelled(target.rule)
            elif isinstance(target, NumberTarget):
                self.numbers(target)
            elif isinstance(target, ReferenceTarget):
                self.labels += target.labels
        self.definitions()
        return self.edits

    def definitions(self) -> None:
        """Inserted text keeps its links working: the template's definition of each
        reference label it uses that the spec does not define goes at the end."""
        wanted = list(self.labels)
        for edit in self.edits:
            wanted += references(edit.new)
        known = _cached(self.context, "definitions", lambda: definitions(self.lines))
        lines = [
            self.source.definitions[label]
            for label in dict.fromkeys(wanted)
            if label in self.source.definitions and label not in known
        ]
        if lines:
            last = self.lines.count
            while last and self.lines.blank(last):
                last -= 1
            self.edits.append(self.lines.block_after(outside(last, self.protected), lines))

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
        line = outside(line, self.protected)
        body = self.source.body(missing.rule.line, shift)
        self.edits.append(self.lines.block_after(line, body))

    def labelled(self, rule: TableRule) -> None:
        """The template's closing table (with its label and ``---``) at the end."""
        body = self.source.labelled(rule)
        last = self.lines.count  # the last line that is not blank (0: none)
        while last and self.lines.blank(last):
            last -= 1
        while (
            body and BREAK.match(self.lines.content(last)) and (BREAK.match(body[0]) or not body[0])
        ):
            body = body[1:]
        self.edits.append(self.lines.block_after(last, body))

    def skippable(self, line: int) -> bool:
        """Blank lines, comments and ``---`` go with the heading below them."""
        text = self.lines.content(line)
        if not text.strip() or COMMENT_LINE.match(text):
            return True
        return BREAK.match(text) is not None and (line == 1 or self.lines.blank(line - 1))

    def fields(self, targets: list[FieldTarget]) -> None:
        container, rules = targets[0].container, targets[0].rules
        shape = self.context.outline
        present = container.fields if container else shape.metadata
        wanted = {id(target.rule) for target in targets}
        model = self.lines.content(present[0].line) if present else ""

        def text(rule: FieldRule) -> str:
            """Written as the spec writes its fields (``**Date:**``, ``- Key: value``),
            or as the template writes this one when the spec has none."""
            shape = model or self.source.lines.content(rule.line)
            return field_line(shape, rule.key, rule.rule.template_text)

        if not present:
            token, ordered = self.source.token, [r for r in rules if id(r) in wanted]
            lines = [text(r) + (token if r is not ordered[-1] else "") for r in ordered]
            anchor = container.line if container else shape.title_line * bool(shape.title)
            self.edits.append(self.lines.block_after(anchor, lines))
            return
        last = max(found.line for found in present)
        others = [found.line for found in present if found.line != last]
        token = break_token(self.lines.content(others[0])) if others else self.source.token
        if is_bullet(model):
            token = ""  # a list item ends its own line
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
            if closes and token and not has_break(self.lines.content(line), token):
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
                column, piece = cell_insert(content, at, cell.replace("|", "\\|"))
                self.insert(line, column, piece)
        header: list[str] = []
        for index, column_name in enumerate([*table.columns, None]):
            header += [name for at, name in inserts if at == index]
            header += [column_name] if column_name is not None else []
        return header

    def rows(self, targets: list[RowTarget], header: list[str] | None) -> None:
        table = targets[0].pair.table
        assert table is not None
        widths, lead = cell_widths(self.lines.content(table.line))
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
        match = TASK.match(self.lines.content(last.line))
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
