"""Compile a template (a Markdown spec skeleton) into the rules a spec must follow.

Nothing here knows any template's headings: the rules are read off the template itself
(:mod:`.compiler`), in the conventions real templates use (:mod:`.styles` for placeholders
and instructions, :mod:`.headings` for section keys and repeatable headings,
:mod:`.values` for enumerations, dates and versions).  The records are in :mod:`.rules`.

* every heading is a required section, in order, unless the template marks it optional;
  a heading holding a placeholder (``Phase 1: [Phase Name]``) is a repeatable pattern,
  numbered when it holds a number;
* ``[...]``, ``{...}``, ``<...>`` and ``NNNN`` are placeholders, instruction text is help
  for the writer; ``A | B | C`` in a field and ``A/B/C`` in a cell are enumerations;
  ``YYYY-MM-DD`` or a key/column named *Date* is an ISO date; ``1.0`` a dotted version;
* table header columns are required; a row whose first cell is literal text is a fixed row
  (its placeholder cells are filled in at sign-off); literal checklist items are fixed items
  (or choices, in a pick-one list);
* a section whose template holds a checklist, list, table or code block must hold one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from techspec.document.model import Field, Spec
from techspec.document.outline import Outline, outline
from techspec.lint.patterns import TitleMatcher
from techspec.lint.template.compiler import compile_text
from techspec.lint.template.headings import heading_key
from techspec.lint.template.rules import (
    BlockExpectation,
    FieldRule,
    FixedRow,
    SectionRule,
    TableRule,
    TitleKind,
    ValueKind,
    ValueRule,
)
from techspec.lint.template.styles import PlaceholderStyle, has_square_placeholder, squash

__all__ = [
    "BlockExpectation",
    "FieldRule",
    "FixedRow",
    "PlaceholderStyle",
    "SectionRule",
    "TableRule",
    "Template",
    "TitleKind",
    "ValueKind",
    "ValueRule",
    "builtin_template",
    "has_placeholder",
]


@dataclass(slots=True)
class Template:
    """A compiled template.  Build one with :meth:`from_markdown` (cached by content)."""

    name: str
    text: str
    sha256: str
    title: str
    """The template's title as written ("" when it has none or an empty one)."""
    title_pattern: re.Pattern[str]
    fields: tuple[FieldRule, ...]
    sections: list[SectionRule]
    code_placeholders: frozenset[str]
    labelled_tables: tuple[TableRule, ...]
    title_matcher: TitleMatcher | None = field(default=None, compare=False, repr=False)
    """Decides what ``title_pattern`` does, in linear time (None: the pattern is used)."""
    title_kind: TitleKind = "pattern"
    """How a document's title answers this one (see :data:`TitleKind`)."""
    title_level: int | None = 1
    """The heading level of the title (1; 2 for a setext ``Title`` over ``---``); None
    when the template has no title and its first ``#`` heading is a section."""
    placeholder_styles: frozenset[PlaceholderStyle] = frozenset()
    """The placeholder styles the template uses.  Only a square-style template has every
    ``[...]`` of a document read as a placeholder; in others brackets are prose."""
    placeholders: frozenset[str] = frozenset()
    """The template's own placeholders in the curly, angle and token styles, by key
    (:func:`techspec.lint.template.styles.placeholder_key`): a document keeping one left
    it unfilled."""
    help_texts: frozenset[str] = frozenset()
    """The template's words to the writer, by key (:func:`.compiler.help_key`):
    instruction paragraphs, alert boxes and help comments a document must not keep."""
    text_key: str = ""
    """A hash of the template's words (blanks folded, case ignored): a document with the
    same is the template, unfilled."""

    @classmethod
    def from_markdown(cls, text: str, name: str = "template") -> Template:
        """Compile template text; raises :class:`TemplateError` when it is not a template."""
        sha = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        cached = _CACHE.get(sha)
        if cached is None:
            cached = _compile(text, name, sha)
            _CACHE[sha] = cached
        if cached.name != name:  # the same text under another name: what it compiled to,
            return replace(cached, name=name)  # called as asked
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
        """Whether a document's title answers the template's (a template with no title
        or an empty one accepts any title and none)."""
        if self.title_kind in ("none", "optional"):
            return True
        if title is not None and self.title_matcher is not None:
            return self.title_matcher.match(title)
        return title is not None and self.title_pattern.match(title.strip()) is not None

    def outline(self, spec: Spec) -> Outline:
        """``spec``'s title, metadata and sections read in this template's shape: with
        no title, the first ``#`` heading is a section; with an optional one (an empty
        H1), a document that opens with one of the template's ``#`` sections has none."""
        level = self.title_level
        if self.title_kind == "optional" and spec.title is not None:
            key = heading_key(spec.title)
            if any(rule.level == 1 and rule.key == key for rule in self.sections):
                level = None
        return outline(spec, level)

    def field_of(self, shape: Outline, key: str) -> Field | None:
        """The document field answering the template's ``key`` (case ignored)."""
        wanted = key.casefold()
        for found in shape.metadata:
            if found.key.casefold() == wanted:
                return found
        return None

    def looks_like(self, spec: Spec) -> bool:
        """True when ``spec`` is written from this template: its title matches (when the
        title has literal words to match), or it carries the template's metadata keys or
        top-level headings."""
        if self.title_kind in ("literal", "pattern") and self.title_matches(spec.title):
            return True
        shape = self.outline(spec)
        keys = {rule.key.casefold() for rule in self.fields}
        present = sum(f.key.casefold() in keys for f in shape.metadata)
        if keys and present >= max(1, len(keys) // 2):
            return True
        tops = [rule for rule in self.sections if not rule.repeatable and not rule.optional]
        hits = sum(any(rule.matches(s.title) for rule in tops) for s in shape.sections)
        return bool(tops) and hits >= max(1, len(tops) // 2)

    def skip_reason(self, spec: Spec) -> str | None:
        """Why a file found in a directory is not a spec written from this template (None:
        it is one).  A template whose title has literal words is matched by title, as
        always; one whose title is free (``{short title}``, an empty H1) or absent by its
        metadata and sections, since any title would do."""
        if self.title_kind in ("literal", "pattern"):
            if self.title_matches(spec.title):
                return None
            return f"first heading does not match '# {self.title}'"
        if self.looks_like(spec):
            return None
        return "it has neither the metadata nor the sections of the template"

    def is_unfilled_copy(self, spec: Spec) -> bool:
        """``spec`` is this template with nothing filled in (its words are the same)."""
        return bool(self.text_key) and _text_key(spec.text) == self.text_key

    def all_sections(self) -> list[SectionRule]:
        return [rule for top in self.sections for rule in top.walk()]


_CACHE: dict[str, Template] = {}


def _compile(text: str, name: str, sha: str) -> Template:
    compiled = compile_text(text, name)
    return Template(
        name=name,
        text=text,
        sha256=sha,
        title=compiled.title,
        title_pattern=compiled.title_pattern,
        title_matcher=compiled.title_matcher,
        fields=compiled.fields,
        sections=compiled.sections,
        code_placeholders=compiled.code_placeholders,
        labelled_tables=compiled.labelled_tables,
        title_kind=compiled.title_kind,
        title_level=compiled.title_level,
        placeholder_styles=compiled.placeholder_styles,
        placeholders=compiled.placeholders,
        help_texts=compiled.help_texts,
        text_key=_text_key(text),
    )


def _text_key(text: str) -> str:
    return hashlib.sha256(squash(text).encode("utf-8", "surrogatepass")).hexdigest()


def has_placeholder(text: str) -> bool:
    """True when ``text`` holds bracketed template text such as ``[Name]``."""
    return has_square_placeholder(text)


@lru_cache(maxsize=1)
def builtin_template() -> Template:
    """The built-in technical-spec template shipped inside the package."""
    from importlib.resources import files

    text = files("techspec").joinpath("templates/technical-spec.md").read_text("utf-8")
    return Template.from_markdown(text, "technical-spec")
