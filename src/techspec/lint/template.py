"""Compile a template (a Markdown spec skeleton) into the rules a spec must follow.

Nothing here knows the built-in template's headings.  The rules are read off the
template itself:

* every heading is a required section, in order; a heading holding a placeholder
  (``Phase 1: [Phase Name]``) is a repeatable pattern, numbered when it holds a number;
* ``[...]`` is a placeholder; ``A | B | C`` in a field and ``A/B/C`` in a cell are
  enumerations; ``[YYYY-MM-DD]`` or a key/column named *Date* is an ISO date; a literal
  such as ``1.0`` is a dotted version;
* table header columns are required; a row whose first cell is literal text is a fixed row
  (its placeholder cells are filled in at sign-off); literal checklist items are fixed items;
* a section whose template holds a checklist, list, table or code block must hold one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from techspec.document.model import Section, Spec, Table
from techspec.document.parser import parse
from techspec.errors import TemplateError
from techspec.lint.patterns import HeadingMatcher, TitleMatcher

ValueKind = Literal["text", "enum", "date", "version"]
BlockExpectation = Literal["checklist", "list", "table", "code"]

# Template text is an admin's and spec text an author's: both are read in linear time.
# A placeholder's "some character is not blank" is a lookahead over its one run, and the
# enumerations are split at their separators rather than matched by nested quantifiers.
_PLACEHOLDER = re.compile(r"\[(?=[^\[\]\n]*[^\[\]\s])[^\[\]\n]*\]")
_CELL_VALUE = re.compile(r"[A-Za-z][\w-]*")
_SEPARATORS = ":-–—."
_VERSION_LITERAL = re.compile(r"^\d+(\.\d+)+$")
_DATE_FORMAT = re.compile(r"^\[\s*YYYY-MM-DD\s*\]$", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class ValueRule:
    """What a metadata value or a table column accepts."""

    kind: ValueKind = "text"
    values: tuple[str, ...] = ()
    template_text: str = ""

    def is_unchanged(self, value: str) -> bool:
        """True when the value is the template's own enumeration, left as written."""
        return self.kind == "enum" and _squash(value) == _squash(self.template_text)


@dataclass(frozen=True, slots=True)
class FieldRule:
    key: str
    rule: ValueRule
    line: int


@dataclass(frozen=True, slots=True)
class FixedRow:
    """A row whose first cell is literal (``Technical Lead``); ``fill`` lists the cells
    that the template left as placeholders, to be filled in when the row is signed."""

    key: str
    fill: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class TableRule:
    columns: tuple[str, ...]
    column_rules: tuple[ValueRule, ...]
    fixed_rows: tuple[FixedRow, ...]
    label: str | None
    index: int
    """Position among the section's tables (labelled tables are found by label)."""

    @property
    def is_signoff(self) -> bool:
        return any(row.fill for row in self.fixed_rows)

    @property
    def fill_columns(self) -> tuple[str, ...]:
        """Columns that fixed rows leave to be filled in (Name, Date, Signature)."""
        indexes = sorted({i for row in self.fixed_rows for i in row.fill})
        return tuple(self.columns[i] for i in indexes if i < len(self.columns))

    @property
    def is_history(self) -> bool:
        kinds = {rule.kind for rule in self.column_rules}
        return "version" in kinds and "date" in kinds


@dataclass(slots=True)
class SectionRule:
    title: str
    level: int
    line: int
    pattern: re.Pattern[str] | None = None
    numbered: bool = False
    expects: frozenset[BlockExpectation] = frozenset()
    has_body: bool = False
    fields: tuple[FieldRule, ...] = ()
    fixed_items: tuple[str, ...] = ()
    work_items: bool = False
    """The template's checklist here holds placeholder items: tasks to be done."""
    tables: tuple[TableRule, ...] = ()
    children: list[SectionRule] = field(default_factory=list)
    key: str = ""
    """The title, whitespace-folded and case-folded, for matching."""
    matcher: HeadingMatcher | None = field(default=None, compare=False, repr=False)
    """Decides what ``pattern`` does, in linear time (None: ``pattern`` itself is used)."""

    def __post_init__(self) -> None:
        self.key = _squash(self.title)

    @property
    def repeatable(self) -> bool:
        return self.pattern is not None

    def matches(self, title: str) -> bool:
        if self.matcher is not None:
            return self.matcher.match(title) is not None
        if self.pattern is not None:
            return self.pattern.match(title.strip()) is not None
        return _squash(title) == self.key

    def number(self, title: str) -> int | None:
        if not (self.pattern and self.numbered):
            return None
        if self.matcher is not None:
            found = self.matcher.match(title)
            return found.number if found else None
        match = self.pattern.match(title.strip())
        return int(match.group("number")) if match else None

    def walk(self) -> list[SectionRule]:
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return found


@dataclass(slots=True)
class Template:
    """A compiled template.  Build one with :meth:`from_markdown` (cached by content)."""

    name: str
    text: str
    sha256: str
    title: str
    title_pattern: re.Pattern[str]
    fields: tuple[FieldRule, ...]
    sections: list[SectionRule]
    code_placeholders: frozenset[str]
    labelled_tables: tuple[TableRule, ...]
    title_matcher: TitleMatcher | None = field(default=None, compare=False, repr=False)
    """Decides what ``title_pattern`` does, in linear time (None: the pattern is used)."""

    @classmethod
    def from_markdown(cls, text: str, name: str = "template") -> Template:
        """Compile template text; raises :class:`TemplateError` when it is not a template."""
        sha = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        cached = _CACHE.get(sha)
        if cached is None:
            cached = _compile(text, name, sha)
            _CACHE[sha] = cached
        return cached

    @property
    def status_field(self) -> FieldRule | None:
        """The ``Status`` enumeration field, whose values are the lifecycle."""
        for rule in self.fields:
            if rule.key.casefold() == "status" and rule.rule.kind == "enum":
                return rule
        return None

    @property
    def statuses(self) -> tuple[str, ...]:
        """The lifecycle, in order (``Draft, Review, Approved, Implemented``)."""
        status = self.status_field
        return status.rule.values if status else ()

    def status_rank(self, status: str | None) -> int:
        """Index of ``status`` in the lifecycle; 0 (the most lenient) when unknown."""
        for index, value in enumerate(self.statuses):
            if status is not None and value.casefold() == status.strip().casefold():
                return index
        return 0

    def title_matches(self, title: str | None) -> bool:
        if title is not None and self.title_matcher is not None:
            return self.title_matcher.match(title)
        return title is not None and self.title_pattern.match(title.strip()) is not None

    def looks_like(self, spec: Spec) -> bool:
        """True when ``spec`` is written from this template: its title matches, or it
        carries the template's metadata keys or top-level headings."""
        if self.title_matches(spec.title):
            return True
        keys = {rule.key.casefold() for rule in self.fields}
        if keys and sum(f.key.casefold() in keys for f in spec.metadata) >= max(1, len(keys) // 2):
            return True
        tops = [rule for rule in self.sections if not rule.repeatable]
        hits = sum(any(rule.matches(s.title) for rule in tops) for s in spec.sections)
        return bool(tops) and hits >= max(1, len(tops) // 2)

    def all_sections(self) -> list[SectionRule]:
        return [rule for top in self.sections for rule in top.walk()]


_CACHE: dict[str, Template] = {}


def _compile(text: str, name: str, sha: str) -> Template:
    spec = parse(text, name)
    if spec.title is None:
        raise TemplateError("not a template: it has no '# Title' heading", path=name)
    if not spec.sections:
        raise TemplateError("not a template: it has no '## Section' headings", path=name)
    fields = tuple(_field_rule(f.key, f.value, f.line) for f in spec.metadata)
    sections = _section_rules(spec.sections)
    labelled = tuple(_table_rule(table, 0) for table in spec.tables if table.label is not None)
    code_placeholders = frozenset(p.text for p in spec.placeholders if p.in_code)
    return Template(
        name=name,
        text=text,
        sha256=sha,
        title=spec.title,
        title_pattern=_title_pattern(spec.title),
        title_matcher=_title_matcher(spec.title),
        fields=fields,
        sections=sections,
        code_placeholders=code_placeholders,
        labelled_tables=labelled,
    )


def _title_pattern(title: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(title)
    if len(parts) == 1:
        return re.compile(re.escape(title.strip()) + r"$", re.IGNORECASE)
    literal = [r"\s*".join(re.escape(word) for word in part.split()) for part in parts]
    return re.compile(r"\s*(\S.*?)\s*".join(literal).strip() + r"$", re.IGNORECASE)


def _title_matcher(title: str) -> TitleMatcher | None:
    parts = _PLACEHOLDER.split(title)
    return TitleMatcher(parts) if len(parts) > 1 else None


def _section_rules(sections: list[Section]) -> list[SectionRule]:
    rules: list[SectionRule] = []
    for section in sections:
        rule = _section_rule(section)
        previous = rules[-1] if rules else None
        if previous and rule.pattern and previous.pattern and _same_pattern(previous, rule):
            continue  # Phase 2 repeats the Phase 1 pattern: one rule covers both
        rules.append(rule)
    return rules


def _same_pattern(a: SectionRule, b: SectionRule) -> bool:
    return (
        a.pattern is not None and b.pattern is not None and a.pattern.pattern == b.pattern.pattern
    )


def _section_rule(section: Section) -> SectionRule:
    pattern, numbered, matcher = _heading_pattern(section.title)
    expects: set[BlockExpectation] = set()
    fixed_items: list[str] = []
    work_items = False
    for lst in section.lists:
        tasks = [item for item in lst.items if item.checked is not None]
        expects.add("checklist" if tasks else "list")
        for item in tasks:
            if _PLACEHOLDER.search(item.text):
                work_items = True
            else:
                fixed_items.append(item.text)
    if any(table.label is None for table in section.tables):
        expects.add("table")
    if section.code_blocks:
        expects.add("code")
    tables = tuple(
        _table_rule(table, index)
        for index, table in enumerate(t for t in section.tables if t.label is None)
    )
    return SectionRule(
        title=section.title,
        level=section.level,
        line=section.line,
        pattern=pattern,
        numbered=numbered,
        matcher=matcher,
        expects=frozenset(expects),
        has_body=any(block.kind not in ("rule", "html") for block in section.blocks),
        fields=tuple(_field_rule(f.key, f.value, f.line) for f in section.fields),
        fixed_items=tuple(fixed_items),
        work_items=work_items,
        tables=tables,
        children=_section_rules(section.children),
    )


def _heading_pattern(title: str) -> tuple[re.Pattern[str] | None, bool, HeadingMatcher | None]:
    """``Phase 1: [Phase Name]`` -> ``^Phase\\s+(?P<number>\\d+)(?:\\s*:\\s*(.+))?$``, with
    the matcher that decides the same in linear time."""
    match = _PLACEHOLDER.search(title)
    if match is None:
        return None, False, None
    head, tail = title[: match.start()], title[match.end() :]
    numbered = _NUMBER.search(head) is not None
    cut = len(head)  # the separator: the blanks and punctuation that end the head
    while cut and (head[cut - 1].isspace() or head[cut - 1] in _SEPARATORS):
        cut -= 1
    stem, sep = head[:cut], head[cut:]
    stem_pattern = _loose(stem)
    if numbered:
        stem_pattern = _NUMBER.sub(lambda _: r"(?P<number>\d+)", stem_pattern, count=1)
    placeholder = r"(?P<name>.+?)"
    if sep.strip():
        body = rf"{stem_pattern}(?:\s*{re.escape(sep.strip())}\s*{placeholder})?"
    else:
        body = rf"{stem_pattern}\s*{placeholder}"
    pattern = re.compile(rf"^{body}{_loose(tail)}\s*$", re.IGNORECASE)
    return pattern, numbered, HeadingMatcher(stem_pattern, sep.strip(), tail, numbered=numbered)


def _loose(text: str) -> str:
    return r"\s+".join(re.escape(word) for word in text.split())


def _field_rule(key: str, value: str, line: int) -> FieldRule:
    return FieldRule(key, _value_rule(key, value, field=True), line)


def _value_rule(name: str, template_text: str, *, field: bool) -> ValueRule:
    text = template_text.strip()
    enum = _is_field_enum if field else _is_cell_enum
    if not _PLACEHOLDER.search(text) and enum(text):
        values = tuple(v.strip() for v in re.split(r"\||/", text) if v.strip())
        return ValueRule("enum", values, text)
    if _DATE_FORMAT.match(text) or name.strip().casefold() == "date":
        return ValueRule("date", (), text)
    if _VERSION_LITERAL.match(text):
        return ValueRule("version", (), text)
    return ValueRule("text", (), text)


def _is_field_enum(text: str) -> bool:
    """``Draft | Review | Approved``: no brackets, and two or more parts between pipes,
    none empty (blanks count).  Nested lazy quantifiers said so in exponential time."""
    if "[" in text or "]" in text:
        return False
    parts = text.split("|")
    return len(parts) > 1 and all(parts)


def _is_cell_enum(text: str) -> bool:
    """``High/Medium/Low``: two or more words between slashes, each a letter then word
    characters or dashes, blanks around them allowed."""
    parts = text.split("/")
    return len(parts) > 1 and all(_CELL_VALUE.fullmatch(part.strip()) for part in parts)


def _table_rule(table: Table, index: int) -> TableRule:
    column_rules = []
    for position, header in enumerate(table.header):
        samples = [row[position].text for row in table.rows if position < len(row)]
        rule = ValueRule()
        for sample in samples or [""]:
            rule = _value_rule(header.text, sample, field=False)
            if rule.kind != "text":
                break
        column_rules.append(rule)
    fixed: list[FixedRow] = []
    for row in table.rows:
        if not row:
            continue
        key = row[0].text
        first = column_rules[0] if column_rules else ValueRule()
        if not key or _PLACEHOLDER.search(key) or first.kind != "text":
            continue
        fill = tuple(i for i, cell in enumerate(row) if _PLACEHOLDER.search(cell.text))
        fixed.append(FixedRow(key, fill))
    return TableRule(
        columns=tuple(table.columns),
        column_rules=tuple(column_rules),
        fixed_rows=tuple(fixed),
        label=table.label,
        index=index,
    )


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def has_placeholder(text: str) -> bool:
    """True when ``text`` holds bracketed template text such as ``[Name]``."""
    return _PLACEHOLDER.search(text) is not None


@lru_cache(maxsize=1)
def builtin_template() -> Template:
    """The built-in technical-spec template shipped inside the package."""
    from importlib.resources import files

    text = files("techspec").joinpath("templates/technical-spec.md").read_text("utf-8")
    return Template.from_markdown(text, "technical-spec")
