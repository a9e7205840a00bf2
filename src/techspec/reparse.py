"""Re-parse a spec after insertions, reading again only the part of it they touched.

``techspec fix`` inserts a few lines into a long document and must then read the result
again.  Most of parsing is turning each top-level block into model nodes, and a block
away from the insertions reads the same as before, only further down.  So
:func:`reparse` reads Markdown again only between the ``#`` headings around each
insertion and keeps the other pieces of the previous parse (moved down by the lines and
bytes inserted above them).

Why this is the same as a full parse: an unindented one-line ``#`` heading closes every
open Markdown block and is recognized from its own line alone, with nothing read ahead.
At such a heading the Markdown parser starts afresh, so the text from one such heading to
the next reads the same on its own as inside the document.  The one thing that reaches
across a whole document is a link reference or footnote definition (``[x]: ...``), and
pulldown-cmark's YAML metadata block, which may start at any ``---`` line followed by a
non-blank line and runs to a closing ``---`` anywhere below: a text with ``]:`` or such a
``---`` line anywhere is parsed in full.  The re-read part is checked to start and end at
such headings, and anything this module does not handle (no previous pieces, a BOM
moved, lone surrogates) is parsed in full: the result is always exactly
``parse(new_text)``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from techspec import _markdown
from techspec._pieces import LINE_END, Heading, Piece, Positions, Reading, read_pieces
from techspec.model import (
    Block,
    Cell,
    CodeBlock,
    Comment,
    Field,
    Link,
    ListBlock,
    ListItem,
    Placeholder,
    Spec,
    Table,
)
from techspec.parser import assemble, line_count, parse

_METADATA_OPENER = re.compile(rb"---[ \t\f]*(?:\r\n?|\n)(?![ \t]*(?:\r|\n|\Z))")
"""A ``---`` line that pulldown-cmark could open a metadata block with (or more)."""
_ATX_START = re.compile(rb"#{1,6}(?:[ \t\r\n]|$)")

Insertion = tuple[int, str]
"""``(offset, text)``: insert ``text`` at character ``offset`` of the previous text."""


def reparse(previous: Spec, insertions: Sequence[Insertion]) -> Spec:
    """The Spec of ``previous.text`` with ``insertions`` made, equal to a full
    ``parse`` of the new text.  Offsets index the previous text, BOM included; several
    insertions at one offset go in in the order given."""
    ordered: list[Insertion] = []
    for offset, new in sorted((i for i in insertions if i[1]), key=lambda i: i[0]):
        if not 0 <= offset <= len(previous.text):
            raise ValueError("an insertion lies outside the text")
        if ordered and ordered[-1][0] == offset:
            ordered[-1] = (offset, ordered[-1][1] + new)
        else:
            ordered.append((offset, new))
    text = _insert(previous.text, ordered)
    result = _Reparse(previous, ordered, text).run()
    return result if result is not None else parse(text, previous.path)


def _insert(text: str, ordered: list[Insertion]) -> str:
    parts: list[str] = []
    position = 0
    for offset, new in ordered:
        parts += [text[position:offset], new]
        position = offset
    return "".join([*parts, text[position:]])


@dataclass(slots=True)
class _Region:
    """Old pieces ``[first, stop)`` to read again: the old body's bytes from ``start`` to
    ``end``, the start of the ``#`` heading after them (-1: the end of the text)."""

    first: int
    stop: int
    start: int
    end: int
    inserted: int = 0
    """Bytes inserted in this region."""


class _Reparse:
    def __init__(self, previous: Spec, ordered: list[Insertion], text: str) -> None:
        self.previous = previous
        self.ordered = ordered
        self.text = text
        self.pieces: list[Piece] = []
        self.links: list[Link] = []
        self.comments: list[Comment] = []
        self.placeholders: list[Placeholder] = []
        self._base = (0, 0, 0)
        """Links, comments and placeholders placed before the region being read."""

    def run(self) -> Spec | None:
        previous, reading = self.previous, self.previous._reading
        if reading is None or not reading.exact:
            return None
        origin = 1 if previous.text.startswith("\ufeff") else 0
        if self.text.startswith("\ufeff") != bool(origin):
            return None
        if any(offset < origin for offset, _ in self.ordered):
            return None
        try:
            inserts = self._in_bytes(reading.data, origin)
        except UnicodeEncodeError:  # lone surrogates: parse() replaces them
            return None
        data = _insert_bytes(reading.data, inserts)
        if b"]:" in data or _METADATA_OPENER.search(data):
            return None
        regions = self._regions(reading.pieces, reading.data, inserts)
        lines = self._read(reading.pieces, regions, data)
        if lines is None:
            return None
        new = Reading(self.pieces, data, True)
        inline = (self.links, self.comments, self.placeholders)
        kept = regions[0].first if regions else len(self.pieces)
        return assemble(self.text, previous.path, new, inline, lines, previous, kept)

    def _in_bytes(self, data: bytes, origin: int) -> list[tuple[int, bytes]]:
        """The insertions as ``(byte offset into the body, UTF-8 bytes)``."""
        body = self.previous.text[origin:]
        ascii = data.isascii()
        found = []
        for offset, new in self.ordered:
            at = offset - origin
            found.append((at if ascii else len(body[:at].encode("utf-8")), new.encode("utf-8")))
        return found

    def _regions(
        self, pieces: list[Piece], data: bytes, inserts: list[tuple[int, bytes]]
    ) -> list[_Region]:
        """Where to read again: from the ``#`` heading before each insertion to the one
        after it, or from the insertion itself when it puts a ``#`` heading before an old
        block (as a missing section does)."""
        heads = [index for index, piece in enumerate(pieces) if piece.atx]
        starts = [pieces[index].start for index in heads]
        ends = [pieces[index].end for index in heads]  # a heading's span ends its line
        blocks = [piece.start for piece in pieces]
        regions: list[_Region] = []
        for at, new in inserts:
            after = bisect_left(starts, at)
            stop = heads[after] if after < len(heads) else len(pieces)
            end = starts[after] if after < len(heads) else -1
            here = bisect_left(blocks, at)
            at_line_start = at == 0 or data[at - 1 : at] in (b"\n", b"\r")
            if (
                here < len(blocks)
                and blocks[here] == at
                and at_line_start
                and _ATX_START.match(new)
            ):
                first, start = here, at
            else:
                before = bisect_right(ends, at) - 1
                first = heads[before] if before >= 0 else 0
                start = starts[before] if before >= 0 else 0
            last = regions[-1] if regions else None
            if last is not None and (last.end < 0 or start < last.end):
                last.stop = max(last.stop, stop)
                last.end = -1 if end < 0 else max(last.end, end)
                last.inserted += len(new)
            else:
                regions.append(_Region(first, stop, start, end, len(new)))
        return regions

    def _read(self, old: list[Piece], regions: list[_Region], data: bytes) -> int | None:
        """Read each region again and keep the pieces between them; the new line count,
        or None when a region does not start and end at a ``#`` heading in the new text."""
        lines = 0  # lines inserted above the current place
        moved = 0  # bytes inserted above it
        kept = 0  # old pieces already placed
        count = self.previous.line_count
        for region in regions:
            self._keep(old, kept, region.first, lines, moved)
            start = region.start + moved
            first_line = old[region.first].line + lines if start else 1
            moved += region.inserted
            end = region.end + moved
            whole = region.end < 0
            stop = len(data) if whole else _line_end(data, end)
            pieces = self._chunk(data, start, stop, first_line)
            if pieces is None or (start and not (pieces and pieces[0].atx)):
                return None
            if whole:
                count = first_line - 1 + line_count(data[start:])
            else:
                last = pieces[-1] if pieces else None
                if last is None or not last.atx or last.start != end - start:
                    return None
                pieces.pop()
                self._drop_inline(pieces[-1] if pieces else None)
                lines = last.line - old[region.stop].line
                count = self.previous.line_count + lines
            self._place(pieces, start)
            kept = region.stop
        self._keep(old, kept, len(old), lines, moved)
        return count

    def _chunk(self, data: bytes, start: int, stop: int, first_line: int) -> list[Piece] | None:
        chunk = data[start:stop]
        try:
            evs = _markdown.events(chunk.decode("utf-8"))
        except Exception:
            return None
        self._base = (len(self.links), len(self.comments), len(self.placeholders))
        reader = read_pieces(chunk, evs, Positions(chunk, first_line))
        self.links += reader.links
        self.comments += reader.comments
        self.placeholders += reader.placeholders
        return reader.pieces

    def _drop_inline(self, last: Piece | None) -> None:
        """Forget the links, comments and placeholders of the dropped closing heading."""
        links, comments, placeholders = self._base
        if last is not None:
            links += last.links
            comments += last.comments
            placeholders += last.placeholders
        del self.links[links:], self.comments[comments:], self.placeholders[placeholders:]

    def _place(self, pieces: list[Piece], start: int) -> None:
        links, comments, placeholders = self._base
        for piece in pieces:
            piece.start += start
            piece.end += start
            piece.links += links
            piece.comments += comments
            piece.placeholders += placeholders
        self.pieces += pieces

    def _keep(self, old: list[Piece], first: int, stop: int, lines: int, moved: int) -> None:
        """Place old pieces ``[first, stop)``, moved down ``lines`` lines and ``moved`` bytes."""
        if first >= stop:
            return
        base = old[first - 1] if first else None
        was = (base.links, base.comments, base.placeholders) if base else (0, 0, 0)
        spec = self.previous
        if first == 0 and lines == 0 and moved == 0:  # the untouched beginning
            self.pieces += old[first:stop]
            end = old[stop - 1]
            self.links += spec.links[: end.links]
            self.comments += spec.comments[: end.comments]
            self.placeholders += spec.placeholders[: end.placeholders]
            return
        now = (len(self.links), len(self.comments), len(self.placeholders))
        end = old[stop - 1]
        self.links += [_link(x, lines) for x in spec.links[was[0] : end.links]]
        self.comments += [_comment(x, lines) for x in spec.comments[was[1] : end.comments]]
        self.placeholders += [
            _placeholder(x, lines) for x in spec.placeholders[was[2] : end.placeholders]
        ]
        delta = (now[0] - was[0], now[1] - was[1], now[2] - was[2])
        self.pieces += [_piece(piece, lines, moved, delta) for piece in old[first:stop]]


def _insert_bytes(data: bytes, inserts: list[tuple[int, bytes]]) -> bytes:
    parts: list[bytes] = []
    position = 0
    for offset, new in inserts:
        parts += [data[position:offset], new]
        position = offset
    return b"".join([*parts, data[position:]])


def _line_end(data: bytes, start: int) -> int:
    match = LINE_END.search(data, start)
    return match.end() if match else len(data)


# -- moving model nodes down ------------------------------------------------------------


def _piece(piece: Piece, lines: int, moved: int, delta: tuple[int, int, int]) -> Piece:
    block, heading, fields = piece.block, piece.heading, piece.fields
    return Piece(
        piece.start + moved,
        piece.end + moved,
        piece.line + lines,
        piece.end_line + lines,
        _block(block, lines) if block is not None else None,
        piece.label,
        (
            Heading(heading.level, heading.title, heading.line + lines, heading.column)
            if heading is not None
            else None
        ),
        (
            [Field(f.key, f.value, f.line + lines, f.column, f.value_column) for f in fields]
            if fields
            else None
        ),
        piece.front_matter,
        piece.atx,
        piece.links + delta[0],
        piece.comments + delta[1],
        piece.placeholders + delta[2],
    )


def _block(block: Block, lines: int) -> Block:
    node = block.node
    if node is None:
        pass
    elif block.kind == "table":
        assert isinstance(node, Table)
        node = Table(
            [Cell(c.text, c.line + lines, c.column) for c in node.header],
            [[Cell(c.text, c.line + lines, c.column) for c in row] for row in node.rows],
            node.line + lines,
            node.end_line + lines,
            node.label,
        )
    elif block.kind == "list":
        assert isinstance(node, ListBlock)
        items = [
            ListItem(item.text, item.line + lines, item.column, item.checked, item.depth)
            for item in node.items
        ]
        node = ListBlock(items, node.ordered, node.line + lines, node.end_line + lines)
    else:
        assert isinstance(node, CodeBlock)
        node = CodeBlock(
            node.info, node.content, node.line + lines, node.end_line + lines, node.fenced
        )
    return Block(block.kind, block.line + lines, block.end_line + lines, block.text, node)


def _link(link: Link, lines: int) -> Link:
    return Link(link.text, link.target, link.line + lines, link.column)


def _comment(comment: Comment, lines: int) -> Comment:
    return Comment(comment.text, comment.line + lines, comment.column, comment.end_line + lines)


def _placeholder(placeholder: Placeholder, lines: int) -> Placeholder:
    p = placeholder
    return Placeholder(p.text, p.line + lines, p.column, p.end_column, p.in_code)
