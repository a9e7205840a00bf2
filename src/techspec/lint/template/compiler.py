"""Read a template's rules off its own text.

Nothing here knows any template's headings.  The compiler reads:

* the title's shape (:mod:`.titles`): an H1 with literal
  parts and placeholders, an H1 that is all placeholder or instruction, an empty H1, a
  setext title at a lower level, or no title (several ``#`` headings that are sections, or
  none at all);
* every heading as a required section, in order, unless it is optional (``(Optional)``,
  ``if applicable``, an "optional" comment right above it or note inside it) or an example
  of a repeatable part (a placeholder heading, a numbered example ``Story 1``);
* fields written as bold lines, as a list of ``Key: value`` items, or as front matter;
* placeholders of every style the template uses, and its help text (instruction
  paragraphs, help comments, alert boxes) that a document must not keep;
* tables (required columns, fixed rows, example rows), checklists (fixed items, work
  items, pick-one choices) and the kind of block each section holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from techspec.document.model import Comment, Field, Section, Spec
from techspec.document.outline import Outline, outline, skipped_lines
from techspec.document.parser import parse
from techspec.errors import TemplateError
from techspec.lint.patterns import TitleMatcher
from techspec.lint.template.headings import (
    heading_pattern,
    is_ellipsis,
    is_wildcard,
    strip_optional,
)
from techspec.lint.template.help import help_texts
from techspec.lint.template.rules import (
    BlockExpectation,
    FieldRule,
    SectionRule,
    TableRule,
    TitleKind,
)
from techspec.lint.template.styles import (
    PlaceholderStyle,
    bracketed_spans,
    has_any_placeholder,
    is_instruction,
    styled,
)
from techspec.lint.template.tables import table_rule
from techspec.lint.template.titles import read_title, title_matcher, title_pattern
from techspec.lint.template.values import value_rule

_OPTIONAL_WORDS = re.compile(r"\boptional\b|\bif applicable\b", re.IGNORECASE)
_OPTIONAL_NOTE = re.compile(
    r"^\W*optional\b|\b(?:section|part|element|chapter) is optional\b", re.IGNORECASE
)
_OTHER = re.compile(r"other\b", re.IGNORECASE)


@dataclass(slots=True)
class Compiled:
    """What :func:`compile_text` reads off a template; see
    :class:`techspec.lint.template.Template` for each attribute."""

    title: str
    title_kind: TitleKind
    title_level: int | None
    title_pattern: re.Pattern[str]
    title_matcher: TitleMatcher | None
    fields: tuple[FieldRule, ...]
    sections: list[SectionRule]
    code_placeholders: frozenset[str]
    labelled_tables: tuple[TableRule, ...]
    placeholder_styles: frozenset[PlaceholderStyle]
    placeholders: frozenset[str]
    help_texts: frozenset[str]


def compile_text(text: str, name: str) -> Compiled:
    """Compile template text; raises :class:`TemplateError` when it is not a template."""
    spec = parse(text, name)
    title, kind, level = read_title(spec)
    shape = outline(spec, level)
    if not shape.sections:
        if spec.title is None and not spec.sections:
            raise TemplateError(
                "not a template: it has no headings (no '# Title' heading and no "
                "'## Section' headings)",
                path=name,
            )
        raise TemplateError("not a template: it has no '## Section' headings", path=name)
    optional_fields = _front_matter_optional(spec)
    fields = tuple(_field_rule(f, optional_fields) for f in shape.metadata)
    notes = _comments_by_end(spec.comments)
    sections = _section_rules(shape.sections, notes)
    found = styled(text, skip=skipped_lines(spec))
    styles = frozenset(p.style for p in found)
    helps = help_texts(spec)
    compiled = Compiled(
        title=title,
        title_kind=kind,
        title_level=level,
        title_pattern=title_pattern(title, kind),
        title_matcher=title_matcher(title, kind),
        fields=fields,
        sections=sections,
        code_placeholders=frozenset(p.text for p in spec.placeholders if p.in_code),
        labelled_tables=tuple(
            table_rule(table, 0) for table in spec.tables if table.label is not None
        ),
        placeholder_styles=styles,
        placeholders=frozenset(p.key for p in found if p.style != "square"),
        help_texts=helps,
    )
    if not _has_blanks(compiled, shape):
        raise TemplateError(
            "not a template: it has no placeholder, instruction, field, checklist or empty "
            "section for a writer to fill in (is it a document?)",
            path=name,
        )
    return compiled


# -- fields ------------------------------------------------------------------------------


def _front_matter_optional(spec: Spec) -> bool:
    """Front matter whose comment says its fields are optional (``# These are optional
    metadata elements. Feel free to remove any of them.``)."""
    if spec.front_matter is None:
        return False
    return any(
        line.lstrip().startswith("#") and _OPTIONAL_WORDS.search(line)
        for line in spec.front_matter.splitlines()
    )


def _field_rule(found: Field, front_matter_optional: bool = False) -> FieldRule:
    key, marked = strip_optional(found.key)
    value, value_marked = _strip_optional_value(found.value)
    optional = marked or value_marked or (front_matter_optional and found.source == "front-matter")
    rule = value_rule(key, value, field=True)
    return FieldRule(key, rule, found.line, optional=optional, source=found.source)


def _strip_optional_value(value: str) -> tuple[str, bool]:
    """``(optional) [Link]`` or ``[Link] (optional)`` -> ``("[Link]", True)``."""
    text = value.strip()
    lowered = text.casefold()
    for mark in ("(optional)", "[optional]"):
        if lowered.startswith(mark):
            return text[len(mark) :].strip(), True
        if lowered.endswith(mark):
            return text[: -len(mark)].strip(), True
    return text, False


# -- sections ----------------------------------------------------------------------------


def _comments_by_end(comments: list[Comment]) -> dict[int, list[str]]:
    by_end: dict[int, list[str]] = {}
    for comment in comments:
        by_end.setdefault(comment.end_line, []).append(comment.text)
    return by_end


def _section_rules(sections: list[Section], notes: dict[int, list[str]]) -> list[SectionRule]:
    rules: list[SectionRule] = []
    for section in sections:
        if is_ellipsis(section.title) or not section.title.strip():
            continue  # '## …' after examples: more of the same; an empty heading: nothing
        previous = rules[-1] if rules else None
        if (
            previous is not None
            and previous.pattern is not None
            and previous.matches(section.title)
        ):
            continue  # Story 2 after Story 1: the template's second example of the pattern
        rule = _section_rule(section, notes)
        if previous and rule.pattern and previous.pattern and _same_pattern(previous, rule):
            continue  # Phase 2 repeats the Phase 1 pattern: one rule covers both
        rules.append(rule)
    return rules


def _same_pattern(a: SectionRule, b: SectionRule) -> bool:
    return (
        a.pattern is not None and b.pattern is not None and a.pattern.pattern == b.pattern.pattern
    )


def _section_rule(section: Section, notes: dict[int, list[str]]) -> SectionRule:
    title, marked = strip_optional(section.title)
    pattern, numbered, matcher = heading_pattern(title)
    expects: set[BlockExpectation] = set()
    fixed_items: list[str] = []
    work_items = False
    literal_items: list[str] = []
    for lst in section.lists:
        tasks = [item for item in lst.items if item.checked is not None]
        expects.add("checklist" if tasks else "list")
        for item in tasks:
            if has_any_placeholder(item.text) or is_instruction(item.text):
                work_items = True
            else:
                literal_items.append(item.text)
    choices: tuple[str, ...] = ()
    if literal_items and _is_pick_one(section.title, literal_items):
        choices = tuple(literal_items)
    else:
        fixed_items = literal_items
    if any(table.label is None for table in section.tables):
        expects.add("table")
    if section.code_blocks:
        expects.add("code")
    tables = tuple(
        table_rule(table, index)
        for index, table in enumerate(t for t in section.tables if t.label is None)
    )
    example = pattern is not None and (
        is_wildcard(title) or (matcher is not None and not _bracketed(title))
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
        fields=tuple(_field_rule(f) for f in section.fields),
        fixed_items=tuple(fixed_items),
        work_items=work_items,
        tables=tables,
        children=_section_rules(section.children, notes),
        optional=marked or example or _is_optional(section, notes),
        choices=choices,
    )


def _bracketed(title: str) -> bool:
    return bool(bracketed_spans(title))


def _is_optional(section: Section, notes: dict[int, list[str]]) -> bool:
    """``if applicable`` in the heading, an optional comment right above it (MADR's
    ``<!-- This is an optional element. Feel free to remove. -->``), or a note that opens
    its body (``<!-- optional -->``, ``*Optional.*``, ``This section is optional.``)."""
    if "if applicable" in section.title.casefold():
        return True
    for line in (section.line - 1, section.line - 2):
        if any(_OPTIONAL_WORDS.search(text) for text in notes.get(line, ())):
            return True
    first = section.blocks[0] if section.blocks else None
    if first is None:
        return False
    if first.kind == "html":
        return _OPTIONAL_WORDS.search(first.text) is not None and "<!--" in first.text
    return first.kind in ("paragraph", "quote") and _OPTIONAL_NOTE.search(first.text) is not None


def _is_pick_one(title: str, items: list[str]) -> bool:
    """A checklist the writer picks from: its last item is *Other* (KEP's ``Events / API
    .status / Other``), or it answers a question heading."""
    return _OTHER.match(items[-1].strip()) is not None or title.rstrip().endswith("?")


def _has_blanks(compiled: Compiled, shape: Outline) -> bool:
    """Something for a writer to fill in: a placeholder, an instruction or help, a field,
    a checklist, or sections left empty (a skeleton)."""
    if compiled.placeholder_styles or compiled.help_texts or compiled.fields:
        return True
    if compiled.title_kind in ("any", "pattern", "optional"):
        return True
    rules = [rule for top in compiled.sections for rule in top.walk()]
    if any(rule.fixed_items or rule.work_items or rule.choices or rule.fields for rule in rules):
        return True
    sections = [section for top in shape.sections for section in top.walk()]
    empty = sum(1 for section in sections if not _has_content(section))
    return empty * 2 >= len(sections)


def _has_content(section: Section) -> bool:
    return any(block.kind not in ("rule", "html") for block in section.blocks) or bool(
        section.children
    )
