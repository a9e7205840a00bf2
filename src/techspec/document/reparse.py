"""Re-parse a spec after insertions, reading again only the part of it they touched.

``techspec fix`` inserts a few lines into a long document and must then read the result
again.  Most of parsing is turning each top-level block into model nodes, and a block
away from the insertions reads the same as before, only further down.  So
:func:`reparse` reads Markdown again only around each insertion, from the ``#`` heading
before it (or the insertion itself, when it starts with one) to the ``#`` heading after
it, and keeps the other pieces of the previous parse, moved down by the lines and bytes
inserted above them.

Why this is the same as a full parse: an unindented one-line ``#`` heading closes every
open Markdown block and is recognized from its own line alone, with nothing read ahead.
At such a heading the Markdown parser starts afresh, so the text from one such heading to
the next reads the same on its own as inside the document.  What reaches further is a
link reference or footnote definition (``[x]: ...``), which acts on the whole document,
and pulldown-cmark's YAML metadata block, which may start at any ``---`` line followed by
a non-blank line and run to a closing ``---`` anywhere below: a text with ``]:`` anywhere,
or such a ``---`` line above the last part read again, is parsed in full.  Each part read
again is checked to start and end at such headings, and anything this module does not
handle (no previous pieces, a BOM moved, lone surrogates) is parsed in full: the result
is always exactly ``parse(new_text)``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from techspec.document import markdown as _markdown
from techspec.document.model import Comment, Link, Piece, Placeholder, Reading, Spec
from techspec.document.moving import copy_inline, copy_piece, move_inline, move_piece
from techspec.document.offsets import LINE_END, Positions
from techspec.document.parser import assemble, line_count, parse
from techspec.document.pieces import read_pieces

_METADATA_OPENER = re.compile(rb"---[ \t\f]*(?:\r\n?|\n)(?![ \t]*(?:\r|\n|\Z))")
"""A ``---`` line that pulldown-cmark could open a metadata block with (or more)."""
_ATX_START = re.compile(rb"#{1,6}(?:[ \t\r\n]|$)")

Insertion = tuple[int, str]
"""``(offset, text)``: insert ``text`` at character ``offset`` of the previous text."""


def reparse(previous: Spec, insertions: Sequence[Insertion], *, reuse: bool = False) -> Spec:
    """The Spec of ``previous.text`` with ``insertions`` made, equal to a full
    ``parse`` of the new text.  Offsets index the previous text, BOM included; several
    insertions at one offset go in in the order given.

    With ``reuse`` the new Spec takes the nodes below the insertions over and moves them
    down in place instead of copying them: ``previous``, and any Spec sharing nodes with
    it, must not be used afterwards, whatever the outcome."""
    ordered: list[Insertion] = []
    for offset, new in sorted((i for i in insertions if i[1]), key=lambda i: i[0]):
        if not 0 <= offset <= len(previous.text):
            raise ValueError("an insertion lies outside the text")
        if ordered and ordered[-1][0] == offset:
            ordered[-1] = (offset, ordered[-1][1] + new)
        else:
            ordered.append((offset, new))
    text = _insert(previous.text, ordered)
    result = _Reparse(previous, ordered, text, reuse).run()
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


@dataclass(slots=True)
class _Read:
    """A region read again: its pieces (offsets from ``start``, counts from zero) with
    their links, comments and placeholders, and the old pieces it replaces."""

    start: int
    pieces: list[Piece]
    links: list[Link]
    comments: list[Comment]
    placeholders: list[Placeholder]
    first: int
    stop: int
    lines: int
    """Lines inserted above the old pieces after it."""
    moved: int
    """Bytes inserted above them."""


@dataclass(slots=True)
class _Span:
    """Old pieces to keep, with their links, comments and placeholders, the lines and
    bytes they move down, and the counts of those before them in the old document."""

    pieces: list[Piece]
    links: list[Link]
    comments: list[Comment]
    placeholders: list[Placeholder]
    lines: int
    moved: int
    was: tuple[int, int, int] = (0, 0, 0)


class _Reparse:
    def __init__(self, previous: Spec, ordered: list[Insertion], text: str, reuse: bool) -> None:
        self.previous = previous
        self.ordered = ordered
        self.text = text
        self.reuse = reuse
        self.pieces: list[Piece] = []
        self.links: list[Link] = []
        self.comments: list[Comment] = []
        self.placeholders: list[Placeholder] = []

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
        if b"]:" in data:
            return None
        regions = self._regions(reading.pieces, reading.data, inserts)
        found = self._read(reading.pieces, regions, data)
        if found is None:
            return None
        reads, lines = found
        tail = self._build(reading.pieces, reads)
        new = Reading(self.pieces, data, True)
        inline = (self.links, self.comments, self.placeholders)
        kept = regions[0].first if regions else len(self.pieces)
        moved = (tail, reads[-1].lines) if self.reuse and reads else None
        return assemble(self.text, previous.path, new, inline, lines, previous, kept, moved)

    def _in_bytes(self, data: bytes, origin: int) -> list[tuple[int, bytes]]:
        """The insertions as ``(byte offset into the body, UTF-8 bytes)``."""
        body = self.previous.text[origin:]
        ascii = data.isascii()
        found = []
        chars = size = 0  # how far the body is encoded so far, in characters and bytes
        for offset, new in self.ordered:
            at = offset - origin
            if not ascii:
                size += len(body[chars:at].encode("utf-8"))
                chars = at
            found.append((at if ascii else size, new.encode("utf-8")))
        return found

    def _regions(
        self, pieces: list[Piece], data: bytes, inserts: list[tuple[int, bytes]]
    ) -> list[_Region]:
        """Where to read again: from the ``#`` heading before each insertion to the one
        after it, or from the insertion itself when it puts a ``#`` heading before an old
        block at a line start (as a missing section does)."""
        regions: list[_Region] = []
        count = len(pieces)
        headings = [index for index, piece in enumerate(pieces) if piece.atx]
        for at, new in inserts:
            here = bisect_left(pieces, at, key=_start)  # the first piece from ``at`` on
            after = bisect_left(headings, here)  # the headings from there on, by bisection:
            stop = headings[after] if after < len(headings) else count  # not a walk per insert
            end = pieces[stop].start if stop < count else -1
            line_start = at == 0 or data[at - 1 : at] in (b"\n", b"\r")
            if line_start and here < count and pieces[here].start == at and _ATX_START.match(new):
                first, start = here, at
            else:  # the last heading whose line ends by ``at`` (a heading's span ends its line)
                before = after - 1  # the headings before ``here``, from the last
                while before >= 0 and pieces[headings[before]].end > at:
                    before -= 1
                first = headings[before] if before >= 0 else -1
                first, start = (first, pieces[first].start) if first >= 0 else (0, 0)
            last = regions[-1] if regions else None
            if last is not None and (last.end < 0 or start < last.end):
                last.stop = max(last.stop, stop)
                last.end = -1 if end < 0 else max(last.end, end)
                last.inserted += len(new)
            else:
                regions.append(_Region(first, stop, start, end, len(new)))
        return regions

    def _read(
        self, old: list[Piece], regions: list[_Region], data: bytes
    ) -> tuple[list[_Read], int] | None:
        """Read each region again, and the new line count; None when a region does not
        start and end at a ``#`` heading in the new text, or a ``---`` line above its end
        could open a metadata block.  Nothing old is touched yet."""
        reads: list[_Read] = []
        lines = 0  # lines inserted above the current place
        moved = 0  # bytes inserted above it
        count = self.previous.line_count
        stop = 0
        for region in regions:
            start = region.start + moved
            first_line = old[region.first].line + lines if start else 1
            moved += region.inserted
            end = region.end + moved
            stop = len(data) if region.end < 0 else _line_end(data, end)
            found = self._chunk(data, start, stop, first_line)
            if found is None:
                return None
            read, chunk_lines = found
            pieces = read.pieces
            if start and not (pieces and pieces[0].atx):
                return None
            if region.end < 0:
                count = first_line - 1 + chunk_lines
            else:
                last = pieces.pop() if pieces else None
                if last is None or not last.atx or last.start != end - start:
                    return None
                _drop_inline(read, pieces[-1] if pieces else None)
                lines = last.line - old[region.stop].line
                count = self.previous.line_count + lines
            read.first, read.stop, read.lines, read.moved = region.first, region.stop, lines, moved
            reads.append(read)
        if _METADATA_OPENER.search(data, 0, stop):
            return None
        return reads, count

    def _chunk(
        self, data: bytes, start: int, stop: int, first_line: int
    ) -> tuple[_Read, int] | None:
        """``data[start:stop]`` read on its own (its first line is ``first_line``), and
        how many lines it has."""
        chunk = data[start:stop]
        if not start:  # the beginning of a document: front matter may be there
            return _read_chunk(chunk, first_line, start)
        found = _READS.get(chunk)
        if found is None:
            found = _read_chunk(chunk, 2, 0)
            if found is None:
                return None
            if len(chunk) <= _CACHED_BYTES:
                if len(_READS) >= _CACHED_CHUNKS:
                    del _READS[next(iter(_READS))]
                _READS[chunk] = found
        read, lines = found
        shift = first_line - 2
        pieces = [copy_piece(piece, shift, 0, (0, 0, 0)) for piece in read.pieces]
        inline = copy_inline(read.links, read.comments, read.placeholders, shift)
        return _Read(start, pieces, *inline, 0, 0, 0, 0), lines

    def _build(self, old: list[Piece], reads: list[_Read]) -> int:
        """The new pieces in order: old ones kept (moved down after a region), new ones;
        where the old pieces after the last region begin among them."""
        keeps, kept, lines, moved = [], 0, 0, 0
        for read in reads:
            keeps.append(self._span(old, kept, read.first, lines, moved))
            kept, lines, moved = read.stop, read.lines, read.moved
        last = self._span(old, kept, len(old), lines, moved)  # before anything moves
        for keep, read in zip(keeps, reads, strict=True):
            self._keep(keep)
            self._place(read)
        tail = len(self.pieces)
        self._keep(last)
        return tail

    def _span(self, old: list[Piece], first: int, stop: int, lines: int, moved: int) -> _Span:
        """Old pieces ``[first, stop)`` with their links, comments and placeholders."""
        spec = self.previous
        if first >= stop:
            return _Span([], [], [], [], lines, moved)
        base = old[first - 1] if first else None
        was = (base.links, base.comments, base.placeholders) if base else (0, 0, 0)
        end = old[stop - 1]
        return _Span(
            old[first:stop],
            spec.links[was[0] : end.links],
            spec.comments[was[1] : end.comments],
            spec.placeholders[was[2] : end.placeholders],
            lines,
            moved,
            was,
        )

    def _place(self, read: _Read) -> None:
        counts = (len(self.links), len(self.comments), len(self.placeholders))
        for piece in read.pieces:
            piece.start += read.start
            piece.end += read.start
            piece.links += counts[0]
            piece.comments += counts[1]
            piece.placeholders += counts[2]
        self.pieces += read.pieces
        self.links += read.links
        self.comments += read.comments
        self.placeholders += read.placeholders

    def _keep(self, span: _Span) -> None:
        """Place old pieces, moved down as the span says."""
        if not span.pieces:
            return
        links, comments, placeholders, lines, moved = (
            span.links,
            span.comments,
            span.placeholders,
            span.lines,
            span.moved,
        )
        was = span.was
        counts = (
            len(self.links) - was[0],
            len(self.comments) - was[1],
            len(self.placeholders) - was[2],
        )
        if lines == moved == 0 and counts == (0, 0, 0):  # the untouched beginning
            self.pieces += span.pieces
        else:
            move_or_copy = move_piece if self.reuse else copy_piece
            self.pieces += [move_or_copy(piece, lines, moved, counts) for piece in span.pieces]
            if lines:
                shift = move_inline if self.reuse else copy_inline
                links, comments, placeholders = shift(links, comments, placeholders, lines)
        self.links += links
        self.comments += comments
        self.placeholders += placeholders


_READS: dict[bytes, tuple[_Read, int]] = {}
"""Parts read again, as read from their second line on: ``techspec fix`` inserts the
same template text before the same heading in file after file.  Only copies leave it."""
_CACHED_CHUNKS = 128
_CACHED_BYTES = 16_384


def _read_chunk(chunk: bytes, first_line: int, start: int) -> tuple[_Read, int] | None:
    try:
        evs = _markdown.stream(chunk.decode("utf-8"))
    except Exception:
        return None
    pos = Positions(chunk, first_line)
    reader = read_pieces(chunk, evs, pos)
    read = _Read(
        start, reader.pieces, reader.links, reader.comments, reader.placeholders, 0, 0, 0, 0
    )
    return read, line_count(chunk, pos.starts)


def _start(piece: Piece) -> int:
    return piece.start


def _drop_inline(read: _Read, last: Piece | None) -> None:
    """Forget the links, comments and placeholders of the dropped closing heading."""
    links, comments, placeholders = (
        (last.links, last.comments, last.placeholders) if last is not None else (0, 0, 0)
    )
    del read.links[links:], read.comments[comments:], read.placeholders[placeholders:]


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
