"""The rules a compiled template holds: plain, typed records the linter and fix read.

:class:`techspec.lint.template.Template` gathers them; :mod:`.compiler` infers them from
the template's text.  Every attribute is documented for the tools that show what was
inferred (``techspec template explain``, the web Templates page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from techspec.document.model import FieldSource
from techspec.lint.patterns import HeadingMatcher
from techspec.lint.template.headings import heading_key
from techspec.lint.template.styles import squash

ValueKind = Literal["text", "enum", "date", "version"]
BlockExpectation = Literal["checklist", "list", "table", "code"]
TitleKind = Literal["literal", "pattern", "any", "optional", "none"]
"""How a document's title answers the template's:

* ``literal``: the same words (``Design Review``);
* ``pattern``: literal parts around placeholders (``KEP-NNNN: Your short, descriptive
  title`` is ``KEP-`` any ``:`` any);
* ``any``: any title, but one (a title that is all placeholder or instruction:
  ``{short title}``, ``Feature name``, ``Replace this with your title``);
* ``optional``: any title or none (an empty ``#`` heading, as arc42 has);
* ``none``: the template has no title; a first ``#`` heading is a section."""


@dataclass(frozen=True, slots=True)
class ValueRule:
    """What a metadata value or a table column accepts."""

    kind: ValueKind = "text"
    values: tuple[str, ...] = ()
    template_text: str = ""
    placeholder: bool = False
    """The template's value is a blank for the writer (a placeholder or an instruction
    such as ``(fill me in with today's date, YYYY-MM-DD)``): keeping it is unfilled."""

    _key: str = field(default="", init=False, repr=False, compare=False)
    """The template text squashed, once: every cell of a column is compared with it."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "_key", squash(self.template_text))

    def is_unchanged(self, value: str) -> bool:
        """True when the value is the template's own enumeration or blank, left as written."""
        if self.kind != "enum" and not self.placeholder:
            return False
        return squash(value) == self._key


@dataclass(frozen=True, slots=True)
class FieldRule:
    key: str
    rule: ValueRule
    line: int
    optional: bool = False
    """Marked optional by the template (``(optional)`` beside it, or a front-matter
    comment saying its fields are optional): a document may leave it out."""
    source: FieldSource = "bold"
    """Where the template writes it: a bold line, a ``Key: value`` list item, or front
    matter.  A field inserted into a document is written the same way."""


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
    example_rows: int = 0
    """Rows that are placeholders (``| *<Role-1>* | *<Contact-1>* |``): examples of a
    repeatable row, never required and never inserted into a filled table."""

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
    """The title's words, case-folded, without numbering or an (Optional) mark."""
    matcher: HeadingMatcher | None = field(default=None, compare=False, repr=False)
    """Decides what ``pattern`` does, in linear time (None: ``pattern`` itself is used)."""
    optional: bool = False
    """A document may leave it out: the heading says ``(Optional)`` or ``if applicable``,
    a comment or note at it says optional, or it is an example of a repeatable part (a
    heading that is only a placeholder, or a numbered example such as ``Story 1``)."""
    choices: tuple[str, ...] = ()
    """A pick-one checklist (its last item is *Other*, or the heading is a question): the
    document checks some, none of them is required."""

    def __post_init__(self) -> None:
        self.key = heading_key(self.title)

    @property
    def repeatable(self) -> bool:
        return self.pattern is not None

    def matches(self, title: str) -> bool:
        if self.matcher is not None:
            return self.matcher.match(title) is not None
        if self.pattern is not None:
            return self.pattern.match(title.strip()) is not None
        return heading_key(title) == self.key

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
