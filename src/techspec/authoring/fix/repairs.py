"""What can be repaired: one :class:`Repair` per fixable finding, read off the template."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

from techspec.authoring.fix.edits import (
    BREAK,
    HASHES,
    TASK,
    SourceLines,
    break_token,
    definitions,
    extent,
    level,
    references,
    without_link_markup,
)
from techspec.document.model import Section, Table
from techspec.document.parser import parse
from techspec.lint.findings import Finding
from techspec.lint.linter import LintContext, TablePair
from techspec.lint.rules.metadata import written
from techspec.lint.rules.values import is_version
from techspec.lint.template import FieldRule, TableRule, Template
from techspec.lint.template.styles import has_any_placeholder


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


class RepairIndex:
    """Repairs filed by rule and line, so that the ones answering a finding are found
    without asking every repair (a spec of many repeated sections, each missing a field,
    has as many repairs as findings)."""

    def __init__(self, repairs: list[Repair]) -> None:
        self.repairs = repairs
        self._by_place: dict[tuple[str, int], list[Repair]] = {}
        for repair in repairs:
            for line in dict.fromkeys((repair.line, *repair.lines)):
                self._by_place.setdefault((repair.rule, line), []).append(repair)

    def answering(self, finding: Finding) -> list[Repair]:
        """The repairs that answer ``finding``, in the order they were given."""
        found = self._by_place.get((finding.rule, finding.line), [])
        return [repair for repair in found if repair.answers(finding)]

    def chosen(self, findings: list[Finding]) -> list[Repair]:
        """The repairs that answer any of ``findings``, in the order they were given."""
        ids = {id(repair) for finding in findings for repair in self.answering(finding)}
        return [repair for repair in self.repairs if id(repair) in ids]


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
class ReferenceTarget:
    """A fixed item the spec has, written with a reference link (``[website]``) that the
    spec never defines: the template's definition answers it, not a second copy."""

    labels: tuple[str, ...]


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
        shape, fields = self.context.outline, self.context.template.fields
        after = shape.metadata[-1].line + 1 if shape.metadata else shape.title_line + 1
        self.fields(None, fields, after)
        for match in self.context.matches:
            self.fields(match.section, match.rule.fields, match.section.line + 1)
            if not match.rule.fixed_items:
                continue
            self.items(match.section, match.rule.fixed_items)
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

    def items(self, section: Section, fixed: tuple[str, ...]) -> None:
        """A fixed item is added only when the section has no item that reads the same
        once link markup is set aside; one that does but leans on an undefined reference
        (``[website]``) gets the template's definition instead."""
        present = {_squash(item.text) for item in section.checklist}
        loose = {_squash(without_link_markup(item.text)): item for item in section.checklist}
        line = section.end_line
        for text in fixed:
            if _squash(text) in present:
                continue
            twin = loose.get(_squash(without_link_markup(text)))
            if twin is None:
                target: object = ItemTarget(section, text)
                self.add("TS304", line, f"'{text}'", f"Add checklist item '{text}'", target)
                continue
            labels = self.undefined(twin.text)
            if labels:
                title = "Add the link reference definition " + ", ".join(
                    f"'[{label}]'" for label in labels
                )
                self.add("TS304", line, f"'{text}'", title, ReferenceTarget(labels))

    def undefined(self, text: str) -> tuple[str, ...]:
        """The labels ``text`` references that the spec leaves undefined and the
        template defines."""
        source = _TemplateText.of(self.context.template)
        known = self.context.cache.get("definitions")
        if not isinstance(known, dict):
            known = self.context.cache["definitions"] = definitions(SourceLines(self.spec.text))
        wanted = [label for label in references(text) if label not in known]
        return tuple(dict.fromkeys(label for label in wanted if label in source.definitions))

    def fields(self, section: Section | None, rules: tuple[FieldRule, ...], line: int) -> None:
        for rule in rules:
            if rule.optional:
                continue  # the template lets a spec leave it out
            present = section.field(rule.key) if section else self.context.field(rule.key)
            if present is None:
                where = f" in '{section.title}'" if section else ""
                shown = f"**{rule.key}**" if section else written(rule)
                title = f"Insert field '{shown}'{where}"
                self.add("TS201", line, f"'{shown}'", title, FieldTarget(section, rule, rules))

    def table(self, pair: TablePair, table: Table) -> None:
        for name in pair.rule.columns:
            if table.column_index(name) is None:
                column = ColumnTarget(pair, name)
                self.add("TS301", table.line, f"'{name}'", f"Add column '{name}'", column)
        keys = {row[0].text.casefold() for row in table.rows if row}
        for fixed in pair.rule.fixed_rows:
            if table.rows and has_any_placeholder(fixed.key):
                continue  # an example row (*<Role-1>*): never put into a filled table
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
            found = context.field(rule.key)
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


_INLINE_LINK = re.compile(r"\[([^\[\]\n]*)\]\([^()\n]*\)")


def _plain(markdown: str) -> str:
    """An item's Markdown read as words: links by their text, emphasis marks dropped."""
    text = without_link_markup(_INLINE_LINK.sub(lambda m: m[1], markdown))
    return text.replace("**", "").replace("`", "")


def _item_markdown(line: str) -> str | None:
    """The text of a one-line task item after its box (``- [ ] text`` -> ``text``)."""
    match = TASK.match(line)
    if match is None or line[match.end() : match.end() + 2] not in (" ]", "x]", "X]"):
        return None
    return line[match.end() + 2 :].strip()


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
        self.token = break_token(self.lines.content(lines[0])) if len(lines) > 1 else "\\"
        self.items: dict[str, str] = {}
        """Each checklist item's Markdown as the template writes it, by its plain words:
        an inserted item keeps the template's links."""
        for section in spec.walk():
            for item in section.checklist:
                raw = _item_markdown(self.lines.content(item.line))
                if raw is not None and _squash(_plain(raw)) == _squash(item.text):
                    self.items[_squash(item.text)] = raw
        self.definitions = {
            label: self.lines.content(line) for label, line in definitions(self.lines).items()
        }
        """The template's link reference definitions: copied with what uses them."""

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
            if text and not (text == f"**{rule.label}**" or BREAK.match(text)):
                break
            start = above if text else start
        return [self.lines.content(n) for n in range(start, table.end_line + 1)]

    def body(self, line: int, shift: int) -> list[str]:
        """The section at ``line`` with its subsections, headings moved ``shift`` levels."""
        section = self.sections.get(line)
        end = extent(section) if section else line
        body = [self.lines.content(n) for n in range(line, end + 1)]
        if shift:
            for index, number in enumerate(range(line, end + 1)):
                if number in self.sections:
                    body[index] = HASHES.sub(lambda m: m[1] + "#" * level(m[2], shift), body[index])
        return body
