"""A template's title: what shape it has, and how a document's title answers it.

A title is ``literal`` (the same words), a ``pattern`` (literal parts around placeholders
and instructions: ``KEP-NNNN: Your short, descriptive title``), ``any`` (all placeholder
or instruction: ``{short title}``, ``Feature name``), ``optional`` (an empty ``#``) or
``none`` (several ``#`` sections, or no ``#`` at all; a setext title underlined with
``---`` before every other heading is the title at that level).
"""

from __future__ import annotations

import re

from techspec.document.model import Spec
from techspec.lint.patterns import TitleMatcher
from techspec.lint.template.rules import TitleKind
from techspec.lint.template.styles import bracketed_spans, is_instruction_title

_SETEXT_UNDERLINE = re.compile(r"[ ]{0,3}(?:=+|-+)[ \t]*")
_TITLE_SEPARATORS = " \t:-–—|"


def read_title(spec: Spec) -> tuple[str, TitleKind, int | None]:
    """The title's text, its kind, and the heading level it is at (None: no title)."""
    if spec.title is not None:
        title = spec.title.strip()
        if not title:
            return "", "optional", 1
        kind = _title_kind(title)
        several = any(section.level == 1 for section in spec.sections)
        if kind == "literal" and several:
            return "", "none", None  # '# Summary', '# Motivation', ...: sections
        return title, kind, 1
    first = spec.sections[0] if spec.sections else None
    if first is not None and _is_setext(spec.text, first.line):
        kind = _title_kind(first.title.strip())
        if kind != "literal":
            return first.title.strip(), kind, first.level
    return "", "none", None


def _title_kind(title: str) -> TitleKind:
    parts = title_parts(title)
    if len(parts) == 1:
        return "any" if is_instruction_title(title) else "literal"
    if all(not part.strip(_TITLE_SEPARATORS) for part in parts):
        return "any"
    return "pattern"


def title_parts(title: str) -> list[str]:
    """The literal parts of a title between its placeholders: brackets of each style,
    ``NNNN`` tokens, and an instruction after a colon (``KEP-NNNN: Your short,
    descriptive title`` -> ``["KEP-", ": ", ""]``)."""
    spans = bracketed_spans(title)
    head, colon, tail = title.partition(":")
    if colon and tail.strip() and is_instruction_title(tail):
        start = len(head) + 1
        spans = [span for span in spans if span[1] <= start] + [(start, len(title))]
    parts: list[str] = []
    at = 0
    for start, end in spans:
        if start < at:
            continue
        parts.append(title[at:start])
        at = end
    parts.append(title[at:])
    return parts


def _is_setext(text: str, line: int) -> bool:
    """The heading on ``line`` is underlined (``Title`` then ``-----`` or ``=====``)."""
    lines = text.splitlines()
    return line < len(lines) and _SETEXT_UNDERLINE.fullmatch(lines[line]) is not None


def title_pattern(title: str, kind: TitleKind) -> re.Pattern[str]:
    if kind in ("optional", "none"):
        return re.compile(r"", re.IGNORECASE)
    if kind == "any":
        return re.compile(r"\s*\S", re.IGNORECASE)
    parts = title_parts(title)
    if len(parts) == 1:
        return re.compile(re.escape(title.strip()) + r"$", re.IGNORECASE)
    literal = [r"\s*".join(re.escape(word) for word in part.split()) for part in parts]
    return re.compile(r"\s*(\S.*?)\s*".join(literal).strip() + r"$", re.IGNORECASE)


def title_matcher(title: str, kind: TitleKind) -> TitleMatcher | None:
    if kind != "pattern":
        return None
    return TitleMatcher(title_parts(title))
