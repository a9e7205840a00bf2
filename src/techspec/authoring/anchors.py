"""Where a review thread sits in a spec's text: a section path and, optionally, an exact
quote inside that section's own body.

A thread is anchored to the Markdown source, not to the rendered page, so that it can be
found again in the next revision: same section and the quote still in it means still
attached; anything else means outdated (:func:`locate`).  A person selects text on the
rendered page, where ``**bold**`` reads as ``bold`` and line breaks as spaces; that
selection is mapped back to the exact source it came from (:func:`source_quote`), and the
source is what is stored, so a suggestion replaces exactly those characters
(:func:`replace`).

Every function here is linear in the text: one pass to find the sections' line offsets,
one projection of a section for selection matching, and ``str.find`` (two-way search)
for the quote.
"""

from __future__ import annotations

from dataclasses import dataclass

from techspec.authoring.diff import section_diff
from techspec.document.model import Spec
from techspec.document.parser import parse

MARKUP = frozenset("*_`~")
"""Inline Markdown markers a rendered selection does not show (emphasis, code, strike)."""


@dataclass(frozen=True, slots=True)
class Region:
    """A section's own body in the text: from its heading line up to the next heading
    (its first child's, or the next section's), trailing blank lines dropped.
    ``start``/``end`` are character offsets into the text as given (BOM included)."""

    path: str
    line: int
    start: int
    end: int


def regions(text: str, spec: Spec | None = None) -> dict[str, Region]:
    """The own body of every section of ``text`` by path (the first section with a path
    when several share it, as :meth:`techspec.document.model.Spec.section` finds it).
    ``spec`` is ``text`` already parsed."""
    bom = 1 if text.startswith("\ufeff") else 0
    spec = spec if spec is not None else parse(text[bom:])
    offsets = _line_offsets(text, bom)
    sections = list(spec.walk())
    found: dict[str, Region] = {}
    for index, section in enumerate(sections):
        if section.path in found:
            continue
        first = section.line
        after = sections[index + 1].line if index + 1 < len(sections) else len(offsets)
        start = offsets[first - 1]
        end = offsets[after - 1] if after - 1 < len(offsets) else len(text)
        while end > start and text[end - 1] in " \t\r\n":
            end -= 1
        found[section.path] = Region(section.path, first, start, end)
    return found


def _line_offsets(text: str, bom: int) -> list[int]:
    """The character offset of each line's start (``\\r\\n``, ``\\r`` and ``\\n`` end
    lines, as the parser counts them), plus the text's end."""
    offsets = [bom]
    index, size = bom, len(text)
    while index < size:
        char = text[index]
        if char == "\r":
            index += 2 if text.startswith("\r\n", index) else 1
            offsets.append(index)
        elif char == "\n":
            index += 1
            offsets.append(index)
        else:
            newline = _next_break(text, index)
            index = newline if newline >= 0 else size
    offsets.append(size)
    return offsets


def _next_break(text: str, index: int) -> int:
    newline, carriage = text.find("\n", index), text.find("\r", index)
    if newline < 0:
        return carriage
    if carriage < 0:
        return newline
    return min(newline, carriage)


def body(text: str, region: Region) -> str:
    return text[region.start : region.end]


def locate(text: str, found: dict[str, Region], section: str, quote: str | None) -> bool:
    """Whether a thread on ``section`` (and ``quote``, when given) is still attached."""
    region = found.get(section)
    if region is None:
        return False
    return not quote or text.find(quote, region.start, region.end) >= 0


def source_quote(text: str, region: Region, selected: str) -> str | None:
    """The exact source of ``region`` that reads as ``selected``: ``selected`` itself when
    it occurs verbatim, else the source whose text with inline markers dropped and
    whitespace collapsed equals ``selected``'s (so a selection made on the rendered page
    maps back to the Markdown), with the markers adjacent to it.  None when nothing in
    the section reads so."""
    if not selected.strip():
        return None
    if text.find(selected, region.start, region.end) >= 0:
        return selected
    wanted, _ = _project(selected, 0, len(selected))
    if not wanted:
        return None
    seen, where = _project(text, region.start, region.end)
    hit = seen.find(wanted)
    if hit < 0:
        return None
    start, end = where[hit], where[hit + len(wanted) - 1] + 1
    # Markers right at either end go with the quote, so that it does not cut an
    # emphasis in two (``100 requests** per second``).
    while start > region.start and text[start - 1] in MARKUP:
        start -= 1
    while end < region.end and text[end] in MARKUP:
        end += 1
    return text[start:end]


def _project(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """``text[start:end]`` without inline markers, whitespace runs as one space (none at
    the ends), and for each character kept its offset in ``text``."""
    kept: list[str] = []
    where: list[int] = []
    space = False
    for index in range(start, end):
        char = text[index]
        if char in MARKUP:
            continue
        if char.isspace():
            space = bool(kept)
            continue
        if space:
            kept.append(" ")
            where.append(index - 1)
            space = False
        kept.append(char)
        where.append(index)
    return "".join(kept), where


def replace(text: str, region: Region, quote: str, replacement: str) -> str | None:
    """``text`` with the first ``quote`` in ``region`` replaced; None when it is gone."""
    hit = text.find(quote, region.start, region.end)
    if hit < 0:
        return None
    return text[:hit] + replacement + text[hit + len(quote) :]


def diff_since(
    old_body: str, old_line: int, new_text: str, found: dict[str, Region], section: str
) -> str:
    """The unified diff of ``section`` from the body a thread was made on (starting at
    ``old_line``) to what ``new_text`` holds (whose :func:`regions` are ``found``); all
    lines removed when the section is gone."""
    region = found.get(section)
    new_body = body(new_text, region) if region is not None else ""
    return section_diff(old_body, new_body, section, old_line, region.line if region else 1)
