"""What the compiler read off a template, as one typed structure.

A team adopting techspec should see how its template was understood before linting a
single spec: which headings became required sections and which repeatable patterns, what
counts as a placeholder, which values a field or a column accepts, which table rows and
checklist items are fixed.  :func:`explain` answers that from the compiled
:class:`~techspec.lint.template.Template` alone (never by re-reading the template with
rules of its own), and every front door renders this one structure (``techspec template
explain``, its ``--format json``, the web's Templates page), so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from techspec.document.outline import skipped_lines
from techspec.document.parser import parse
from techspec.lint.template import FieldRule, SectionRule, TableRule, Template, ValueRule
from techspec.lint.template.styles import styled

TableKind = Literal["table", "sign-off", "history"]


@dataclass(frozen=True, slots=True)
class ValueExplained:
    """What a field value or a table cell accepts."""

    kind: str
    """``text``, ``enum``, ``date`` or ``version``."""
    values: tuple[str, ...]
    """The enumeration's values, in order (empty unless ``kind`` is ``enum``)."""
    template_text: str
    """The value as the template wrote it."""
    blank: bool = False
    """The template's value is a blank for the writer: keeping it is unfilled."""

    @property
    def accepts(self) -> str:
        """The rule in words: ``one of Draft, Review, Approved``."""
        if self.kind == "enum":
            return "one of " + ", ".join(self.values)
        if self.kind == "date":
            return "an ISO date (YYYY-MM-DD)"
        if self.kind == "version":
            return "a dotted version (1.0, 2.1.3)"
        return "any text"


@dataclass(frozen=True, slots=True)
class FieldExplained:
    key: str
    line: int
    where: str
    """``metadata`` (under the title) or the title of the section that holds it."""
    value: ValueExplained
    optional: bool = False
    """The template marks it optional: a spec may leave it out."""
    written_as: str = "bold"
    """``bold`` (``**Key**: value``), ``list`` (``- Key: value``) or ``front-matter``."""


@dataclass(frozen=True, slots=True)
class ColumnExplained:
    name: str
    value: ValueExplained


@dataclass(frozen=True, slots=True)
class RowExplained:
    """A fixed row: its first cell is literal; ``fill`` names the columns the template
    left as placeholders (signed in at approval)."""

    key: str
    fill: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TableExplained:
    where: str
    """The section holding it, or ``end of document`` for a labelled closing table."""
    label: str | None
    kind: TableKind
    columns: tuple[ColumnExplained, ...]
    fixed_rows: tuple[RowExplained, ...]
    example_rows: int = 0
    """Placeholder rows (``| *<Role-1>* | ... |``): examples of a repeatable row, never
    required."""


@dataclass(frozen=True, slots=True)
class ChecklistExplained:
    where: str
    fixed_items: tuple[str, ...]
    """Items every spec must carry, word for word."""
    work_items: bool
    """The template's items are placeholders: the spec lists its own tasks."""
    choices: tuple[str, ...] = ()
    """A pick-one list: the spec checks some, none of them is required."""


@dataclass(frozen=True, slots=True)
class SectionExplained:
    title: str
    level: int
    line: int
    required: bool
    """A spec without it gets TS101 (missing section)."""
    optional: bool
    """The template marks it optional (``(Optional)``, ``if applicable``, an optional
    note) or it is an example of a repeatable part: a spec may leave it out."""
    repeatable: bool
    """A pattern (``Phase 1: [Phase Name]``): any number of sections match it."""
    numbered: bool
    """The pattern's instances are numbered 1, 2, 3 without gaps."""
    expects: tuple[str, ...]
    """Blocks the spec's section must hold: checklist, list, table, code."""
    fields: tuple[str, ...]
    children: tuple[SectionExplained, ...]
    depth: int = 0
    """Nesting: 0 for a top-level section, 1 for its subsections..."""
    choices: tuple[str, ...] = ()
    """A pick-one checklist's items."""


@dataclass(frozen=True, slots=True)
class PlaceholderExplained:
    text: str
    line: int
    style: str
    """How it is written: ``[...]``, ``{...}``, ``<...>`` or ``NNNN``."""
    in_code: bool
    """Inside a code block: the spec may keep it (``[endpoint]`` in an example)."""


@dataclass(frozen=True, slots=True)
class EnumerationExplained:
    where: str
    """``field Status`` or ``column Risk Level in 'Dependencies'``."""
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Explanation:
    name: str
    sha256: str
    title: str
    title_rule: str
    """How a spec's title is matched, in words."""
    title_kind: str
    """``literal``, ``pattern``, ``any``, ``optional`` or ``none`` (see
    :data:`techspec.lint.template.TitleKind`)."""
    statuses: tuple[str, ...]
    """The lifecycle (Draft, Review, Approved, Implemented by position), when there is one."""
    signoff_roles: tuple[str, ...]
    fields: tuple[FieldExplained, ...]
    sections: tuple[SectionExplained, ...]
    placeholders: tuple[PlaceholderExplained, ...]
    enumerations: tuple[EnumerationExplained, ...]
    tables: tuple[TableExplained, ...]
    checklists: tuple[ChecklistExplained, ...]
    placeholder_styles: tuple[str, ...] = ()
    """The placeholder styles the template uses, as written (``[...]``, ``{...}``)."""
    help_texts: int = 0
    """How many instruction paragraphs, help boxes and comments the template holds: a
    spec that keeps one gets TS206."""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def walk(self) -> list[SectionExplained]:
        """Every section, depth first, in the template's order."""
        found: list[SectionExplained] = []
        stack = list(reversed(self.sections))
        while stack:
            section = stack.pop()
            found.append(section)
            stack.extend(reversed(section.children))
        return found


def explain(template: Template) -> Explanation:
    """What ``template`` requires of a spec, as the compiler inferred it."""
    fields = [_field(rule, "metadata") for rule in template.fields]
    tables: list[TableExplained] = []
    checklists: list[ChecklistExplained] = []
    for rule in template.all_sections():
        fields += [_field(found, rule.title) for found in rule.fields]
        tables += [_table(table, rule.title) for table in rule.tables]
        if "checklist" in rule.expects or rule.choices:
            checklists.append(
                ChecklistExplained(rule.title, rule.fixed_items, rule.work_items, rule.choices)
            )
    tables += [_table(table, "end of document") for table in template.labelled_tables]
    enumerations = [
        EnumerationExplained(f"field {found.key}", found.value.values)
        for found in fields
        if found.value.kind == "enum"
    ]
    for table in tables:
        enumerations += [
            EnumerationExplained(f"column {column.name} in '{table.where}'", column.value.values)
            for column in table.columns
            if column.value.kind == "enum"
        ]
    # The roles that sign, as the workflow reads them: fixed rows left to be filled in.
    roles = [row.key for table in tables for row in table.fixed_rows if row.fill]
    return Explanation(
        name=template.name,
        sha256=template.sha256,
        title=template.title,
        title_rule=_title_rule(template),
        statuses=template.statuses,
        signoff_roles=tuple(dict.fromkeys(roles)),
        fields=tuple(fields),
        sections=tuple(_section(rule) for rule in template.sections),
        placeholders=_placeholders(template),
        enumerations=tuple(enumerations),
        tables=tuple(tables),
        checklists=tuple(checklists),
        title_kind=template.title_kind,
        placeholder_styles=tuple(
            STYLE_MARKS[style]
            for style in sorted(template.placeholder_styles, key=_STYLE_ORDER.index)
        ),
        help_texts=len(template.help_texts),
    )


def _value(rule: ValueRule) -> ValueExplained:
    return ValueExplained(rule.kind, rule.values, rule.template_text, rule.placeholder)


def _field(rule: FieldRule, where: str) -> FieldExplained:
    return FieldExplained(rule.key, rule.line, where, _value(rule.rule), rule.optional, rule.source)


def _table(rule: TableRule, where: str) -> TableExplained:
    kind: TableKind = "sign-off" if rule.is_signoff else "history" if rule.is_history else "table"
    columns = tuple(
        ColumnExplained(name, _value(value))
        for name, value in zip(rule.columns, rule.column_rules, strict=False)
    )
    rows = tuple(
        RowExplained(row.key, tuple(rule.columns[i] for i in row.fill if i < len(rule.columns)))
        for row in rule.fixed_rows
    )
    return TableExplained(where, rule.label, kind, columns, rows, rule.example_rows)


def _section(rule: SectionRule, depth: int = 0) -> SectionExplained:
    return SectionExplained(
        title=rule.title,
        level=rule.level,
        line=rule.line,
        required=not (rule.repeatable or rule.optional),
        optional=rule.optional,
        repeatable=rule.repeatable,
        numbered=rule.numbered,
        expects=tuple(sorted(rule.expects)),
        fields=tuple(found.key for found in rule.fields),
        children=tuple(_section(child, depth + 1) for child in rule.children),
        depth=depth,
        choices=rule.choices,
    )


_TITLE_RULES = {
    "literal": "exactly this title (case and spacing aside)",
    "pattern": "the literal words around each placeholder; a placeholder matches any text",
    "any": "any title: the template's is all placeholder or instruction",
    "optional": "any title, or none (the template's title is empty)",
    "none": "no title: the template has none, and a first '#' heading is a section",
}
STYLE_MARKS = {"square": "[...]", "curly": "{...}", "angle": "<...>", "token": "NNNN"}
"""How each placeholder style is shown."""
_STYLE_ORDER = list(STYLE_MARKS)


def _title_rule(template: Template) -> str:
    return _TITLE_RULES.get(template.title_kind, _TITLE_RULES["pattern"])


def _placeholders(template: Template) -> tuple[PlaceholderExplained, ...]:
    """Every placeholder of the template, in order: each style outside code (as the
    compiler finds them), and the square ones in code blocks (which a spec may keep)."""
    spec = parse(template.text, template.name)
    found = [
        PlaceholderExplained(p.text, p.line, STYLE_MARKS[p.style], False)
        for p in styled(template.text, skip=skipped_lines(spec))
    ]
    found += [
        PlaceholderExplained(p.text, p.line, STYLE_MARKS["square"], True)
        for p in spec.placeholders
        if p.in_code
    ]
    return tuple(sorted(found, key=lambda p: p.line))


def field_notes(found: FieldExplained) -> str:
    """``metadata, line 3, written as a list item, optional``."""
    notes = [found.where, f"line {found.line}"]
    if found.written_as == "list":
        notes.append("written as a list item")
    elif found.written_as == "front-matter":
        notes.append("in the front matter")
    if found.optional:
        notes.append("optional")
    return ", ".join(notes)


def field_accepts(found: FieldExplained) -> str:
    """What the value accepts, and whether the template's own value is a blank."""
    blank = " (the template's value is a blank to fill in)" if found.value.blank else ""
    return found.value.accepts + blank


def _kind(section: SectionExplained) -> str:
    if section.numbered:
        kind = "repeatable, numbered 1, 2, 3"
    elif section.repeatable:
        kind = "repeatable"
    else:
        return "optional" if section.optional else "required"
    return kind + (", optional" if section.optional else "")


def as_text(explanation: Explanation) -> str:
    """The explanation for a terminal: one block per kind of rule."""
    lines = [f"Template {explanation.name}  (sha256 {explanation.sha256[:12]})", ""]
    lines.append(f"Title: # {explanation.title}" if explanation.title else "Title: (none)")
    lines.append(f"  matched by {explanation.title_rule}")
    if explanation.statuses:
        lines.append("Lifecycle (Status): " + " -> ".join(explanation.statuses))
    if explanation.signoff_roles:
        lines.append("Sign-off roles: " + ", ".join(explanation.signoff_roles))
    lines += ["", "Sections (in order; indented = nested):"]
    for section in explanation.walk():
        marks = [_kind(section)]
        if section.expects:
            marks.append("holds " + expectation_words(section))
        indent = "  " * (section.depth + 1)
        heading = "#" * section.level
        lines.append(
            f"{indent}{heading} {section.title}  [{'; '.join(marks)}]  line {section.line}"
        )
    if explanation.fields:
        lines += ["", "Fields:"]
        for found in explanation.fields:
            lines.append(f"  {found.key} ({field_notes(found)}): {field_accepts(found)}")
    if explanation.enumerations:
        lines += ["", "Enumerations:"]
        lines += [f"  {e.where}: {' | '.join(e.values)}" for e in explanation.enumerations]
    if explanation.tables:
        lines += ["", "Tables:"]
        for table in explanation.tables:
            label = f" '{table.label}'" if table.label else ""
            lines.append(f"  {table.kind}{label} in '{table.where}':")
            columns = ", ".join(
                column.name + ("" if column.value.kind == "text" else f" ({column.value.accepts})")
                for column in table.columns
            )
            lines.append(f"    columns: {columns}")
            for row in table.fixed_rows:
                fill = f" (fill in: {', '.join(row.fill)})" if row.fill else ""
                lines.append(f"    fixed row: {row.key}{fill}")
            if table.example_rows:
                lines.append(f"    example rows: {table.example_rows} (the spec writes its own)")
    if explanation.checklists:
        lines += ["", "Checklists:"]
        for checklist in explanation.checklists:
            what = "the spec's own tasks" if checklist.work_items else "items"
            if checklist.choices:
                what = "pick any (none required)"
            lines.append(f"  in '{checklist.where}': {what}")
            lines += [f"    fixed item: {item}" for item in checklist.fixed_items]
            lines += [f"    choice: {item}" for item in checklist.choices]
    if explanation.placeholders:
        lines += ["", f"Placeholders ({len(explanation.placeholders)}):"]
        for style, written in placeholder_styles(explanation).items():
            examples = ", ".join(dict.fromkeys(p.text for p in written[:3]))
            lines.append(f"  {len(written)} written {style}, such as {examples}")
        kept = sorted({p.text for p in explanation.placeholders if p.in_code})
        if kept:
            lines.append(f"  in code blocks, where a spec may keep them: {', '.join(kept)}")
    if explanation.help_texts:
        lines += [
            "",
            f"Help text: {help_words(explanation.help_texts)}",
        ]
    return "\n".join(lines) + "\n"


def help_words(count: int) -> str:
    """``3 pieces (instruction paragraphs, help boxes, comments) a spec must not keep``."""
    pieces = "1 piece" if count == 1 else f"{count} pieces"
    return f"{pieces} (instruction paragraphs, help boxes, comments) a spec must not keep (TS206)"


def placeholder_styles(explanation: Explanation) -> dict[str, list[PlaceholderExplained]]:
    """The placeholders outside code, by how they are written, in order of appearance."""
    found: dict[str, list[PlaceholderExplained]] = {}
    for placeholder in explanation.placeholders:
        if not placeholder.in_code:
            found.setdefault(placeholder.style, []).append(placeholder)
    return found


def expectation_words(section: SectionExplained) -> str:
    """``a checklist and a code block``: what the spec's section must hold."""
    names = {"code": "code block"}
    return " and ".join("a " + names.get(kind, kind) for kind in section.expects)
