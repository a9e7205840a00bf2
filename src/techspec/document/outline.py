"""A document's title, metadata and sections read in the shape its template has.

The parser takes the first ``#`` heading as the title, and the fields before the first
section as metadata.  Templates do not all look like that: some have no title and use
``#`` for their sections (the first ``# Summary`` is then a section), some give the title a
lower level (a setext ``Title`` underlined with ``---``).  :func:`outline` re-reads a
parsed :class:`Spec` in such a shape without parsing it again: the nodes are the parser's
own, and only the title heading moves between "title" and "section".
"""

from __future__ import annotations

from dataclasses import dataclass

from techspec.document.model import Field, Section, Spec


@dataclass(slots=True)
class Outline:
    """The title (None: none), its position, the metadata fields and the top sections."""

    title: str | None
    title_line: int
    title_column: int
    metadata: list[Field]
    sections: list[Section]


def outline(spec: Spec, title_level: int | None) -> Outline:
    """``spec`` read with a title at ``title_level`` (None: no title at all).

    * ``1`` is how the parser reads it: the spec's own title, metadata and sections;
    * None turns the parser's title (the first ``#`` heading) into the first section,
      with the blocks, fields and deeper sections that follow it up to the next ``#``;
    * a level above 1 takes the first section as the title when it is at that level and
      nothing came before it, its fields becoming metadata and its children sections."""
    if title_level is None:
        return _untitled(spec)
    if title_level > 1 and spec.title is None and spec.sections:
        first = spec.sections[0]
        if first.level == title_level:
            return Outline(
                first.title,
                first.line,
                first.column,
                spec.metadata + first.fields,
                first.children + spec.sections[1:],
            )
    return Outline(spec.title, spec.title_line, spec.title_column, spec.metadata, spec.sections)


def _untitled(spec: Spec) -> Outline:
    if spec.title is None:
        return Outline(None, 1, 1, spec.metadata, spec.sections)
    line = spec.title_line
    nested = 0  # the sections after the title that are deeper than it: its children
    while nested < len(spec.sections) and spec.sections[nested].level > 1:
        nested += 1
    following = spec.sections[nested:]
    end = following[0].line - 1 if following else max(line, spec.line_count)
    first = Section(
        spec.title,
        1,
        spec.title,
        line,
        spec.title_column,
        end,
        [block for block in spec.preamble if block.line > line],
        spec.sections[:nested],
        [found for found in spec.metadata if found.line > line and found.source == "bold"],
    )
    metadata = [found for found in spec.metadata if found.line < line or found.source != "bold"]
    return Outline(None, 1, 1, metadata, [first, *following])


def skipped_lines(spec: Spec) -> frozenset[int]:
    """The lines whose brackets are not the writer's: code blocks, HTML blocks and the
    front matter (a template's ``<div>`` and ``{id}`` in code are the system's own)."""
    lines: set[int] = set()
    blocks = list(spec.preamble)
    for section in spec.walk():
        blocks += section.blocks
    for block in blocks:
        if block.kind in ("code", "html"):
            lines.update(range(block.line, block.end_line + 1))
    reading = spec._reading
    if spec.front_matter is not None and reading is not None and reading.pieces:
        lines.update(range(1, reading.pieces[0].end_line + 1))
    return frozenset(lines)
