"""Turn Markdown text into a :class:`~techspec.document.model.Spec`.

The parser walks the CommonMark/GFM event stream once.  Block structure (headings,
tables, lists, code) comes from the Markdown parser.  Each top-level block is read on its
own into a piece (:mod:`techspec.document.pieces`); this module then places the pieces into the
section tree, the only step that looks across blocks.  It never raises on text: any string
yields a Spec.
"""

from __future__ import annotations

import gc
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from techspec.document import markdown as _markdown
from techspec.document.model import (
    Block,
    Comment,
    Field,
    Heading,
    Link,
    Piece,
    Placeholder,
    Reading,
    Section,
    Spec,
    Table,
)
from techspec.document.offsets import Positions
from techspec.document.pieces import read_pieces


def parse(text: str, path: str | None = None) -> Spec:
    """Parse a specification.  Never raises: any text gives a :class:`Spec`."""
    with collection_paused():
        body, data, exact = encode_body(text)
        try:  # pyromark raises, if ever, when asked (its stream of events never fails)
            evs = _markdown.stream(body)
        except Exception:  # the parser must never raise on text
            evs = iter(())
        pos = Positions(data)
        reader = read_pieces(data, evs, pos)
        reading = Reading(reader.pieces, data, exact, pos.starts)
        return assemble(
            text,
            path,
            reading,
            (reader.links, reader.comments, reader.placeholders),
            line_count(data, pos.starts),
        )


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused.  A parse makes an object for every event,
    cell, item and placeholder, none of them in a cycle, and on a large text the collector's
    passes over them took as long as the parse itself (half of 1 MiB of table rows).  It is
    left as it was found: paused by another caller, it stays paused."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def parsed_lines(spec: Spec) -> tuple[bytes, list[int]] | None:
    """The UTF-8 body (the text without its BOM) and the byte offset of each of its line
    starts, when the parser kept them: rendering repairs need not split the text again."""
    reading = spec._reading
    if reading is None or reading.starts is None or not reading.exact:
        return None
    return reading.data, reading.starts


def encode_body(text: str) -> tuple[str, bytes, bool]:
    """The text without a BOM, its UTF-8 bytes, and whether it encoded as it is.

    Lone surrogates cannot be encoded: each becomes one '?', which keeps columns."""
    body = text[1:] if text.startswith("\ufeff") else text
    try:
        return body, body.encode("utf-8"), True
    except UnicodeEncodeError:
        body = body.encode("utf-8", "replace").decode("utf-8")
        return body, body.encode("utf-8"), False


def line_count(data: bytes, starts: list[int]) -> int:
    """Lines as Markdown counts them: a line ending (LF, CR LF or CR) ends a line, and
    ``starts`` are the line starts of ``data``."""
    return len(starts) - (1 if data.endswith((b"\n", b"\r")) else 0)


def assemble(
    text: str,
    path: str | None,
    reading: Reading,
    inline: tuple[list[Link], list[Comment], list[Placeholder]],
    lines: int,
    previous: Spec | None = None,
    kept: int = 0,
    tail: tuple[int, int] | None = None,
) -> Spec:
    """Place the pieces, in document order, into a Spec of ``text``.

    When the first ``kept`` pieces are those of ``previous`` (a re-parse), the sections
    they closed are shared with it, and placing starts after them.  ``tail`` is
    ``(index, lines)`` when the pieces from ``index`` on are those of ``previous`` moved
    down ``lines`` lines in place: its top-level sections there are then taken over too."""
    pieces = reading.pieces
    tree = _Tree.resumed(previous, pieces, kept) if previous is not None and kept else None
    if tree is None:
        tree, kept = _Tree(), 0
    stop = tail[0] if tail is not None and previous is not None else len(pieces)
    for index in range(kept, stop):
        tree.add(pieces[index])
    if stop < len(pieces):
        assert previous is not None and tail is not None
        if not tree.adopt(previous, pieces, stop, tail[1]):
            for index in range(stop, len(pieces)):
                tree.add(pieces[index])
    tree.close(len(tree.stack), tree.last_line)
    links, comments, placeholders = inline
    return Spec(
        text=text,
        path=path,
        title=tree.title,
        title_line=tree.title_at[0],
        title_column=tree.title_at[1],
        metadata=tree.metadata,
        sections=tree.sections,
        preamble=tree.preamble,
        links=links,
        comments=comments,
        placeholders=placeholders,
        front_matter=tree.front_matter,
        line_count=lines,
        _reading=reading,
    )


def _before(nodes: Sequence[Block | Field | Section], line: int) -> int:
    """How many of ``nodes`` (in document order) begin before ``line``."""
    return bisect_left(nodes, line, key=_line)


def _chain(sections: list[Section], line: int) -> list[tuple[Section, int]] | None:
    """The sections from the top down to the one whose heading is on ``line``, each with
    its index among its siblings."""
    chain: list[tuple[Section, int]] = []
    while sections:
        index = bisect_right(sections, line, key=_line) - 1
        if index < 0:
            return None
        chain.append((sections[index], index))
        if sections[index].line == line:
            return chain
        sections = sections[index].children
    return None


def _line(node: Block | Field | Section) -> int:
    return node.line


def _end_line(piece: Piece) -> int:
    return piece.end_line


class _Tree:
    """The section tree under construction: headings open and close sections, every other
    block joins the innermost open section (or the preamble before any heading)."""

    def __init__(self) -> None:
        self.title: str | None = None
        self.title_at = (1, 1)
        self.metadata: list[Field] = []
        self.sections: list[Section] = []
        self.preamble: list[Block] = []
        self.front_matter: str | None = None
        self.stack: list[Section] = []
        self.last_line = 0
        self.pending_label: str | None = None
        """The label of the last block when it was a bold-only paragraph."""

    @classmethod
    def resumed(cls, spec: Spec, pieces: list[Piece], kept: int) -> _Tree | None:
        """The tree of ``spec`` as it stood after its first ``kept`` pieces: the sections
        still open then are copied without what came later, the closed ones shared.
        None when the pieces do not follow one another line by line."""
        tree = cls()
        tree.last_line = max(map(_end_line, pieces[:kept]))
        line = pieces[kept].line if kept < len(pieces) else tree.last_line + 1
        if tree.last_line >= line:
            return None
        tree.metadata = spec.metadata[: _before(spec.metadata, line)]
        tree.preamble = spec.preamble[: _before(spec.preamble, line)]
        if spec.title is not None and spec.title_line < line:
            tree.title, tree.title_at = spec.title, (spec.title_line, spec.title_column)
        tree.front_matter = pieces[0].front_matter
        labels = (piece.label for piece in reversed(pieces[:kept]) if piece.block is not None)
        tree.pending_label = next(labels, None)
        siblings = tree.sections = spec.sections[: _before(spec.sections, line)]
        while siblings:  # the last section begun at each level is still open: copy it
            section = siblings[-1]
            children = section.children[: _before(section.children, line)]
            siblings[-1] = copy = Section(
                section.title,
                section.level,
                section.path,
                section.line,
                section.column,
                section.line,
                section.blocks[: _before(section.blocks, line)],
                children,
                section.fields[: _before(section.fields, line)],
            )
            tree.stack.append(copy)
            siblings = children
        return tree

    def adopt(self, spec: Spec, pieces: list[Piece], tail: int, lines: int) -> bool:
        """Take the rest of the section tree of ``spec`` over from the heading at
        ``pieces[tail]`` on (its nodes moved down ``lines`` lines in place, as the pieces
        were), when it reads the same here: the sections open above that heading have the
        same paths and levels as in ``spec``, and the first block after it is no table
        whose label would change.  Then every later section is the old one, and the open ones close
        where the old ones closed."""
        heading = pieces[tail].heading
        if heading is None:
            return False
        if heading.level == 1 and self.title is None and not self.sections:
            return False  # it would be the title
        chain = _chain(spec.sections, heading.line - lines)  # the old sections down to it
        depth = sum(1 for open in self.stack if open.level < heading.level)
        if chain is None or len(chain) != depth + 1:
            return False
        above = chain[:depth]  # the old sections open above it, to match the new ones
        for new, (old, _) in zip(self.stack, above, strict=False):
            if new.path != old.path or new.level != old.level:  # the level nests what follows
                return False
        first = next((piece.block for piece in pieces[tail:] if piece.block is not None), None)
        node = first.node if first is not None else None
        if isinstance(node, Table) and node.label != self.pending_label:
            return False
        while len(self.stack) > depth:
            self._close_one(heading.line - 1)
        moving: list[Section] = []
        for level, (_, index) in enumerate(chain):  # the old section and the ones after it
            siblings = chain[level - 1][0].children if level else spec.sections
            after = siblings[index + (0 if level == depth else 1) :]
            (self.stack[level - 1].children if level else self.sections).extend(after)
            moving += after
        for new, (old, _) in zip(self.stack, above, strict=True):
            new.end_line = old.end_line + lines  # closed in the old tail, moved down
        self.stack = []
        while moving and lines:
            section = moving.pop()
            section.line += lines
            section.end_line += lines
            moving += section.children
        return True

    def add(self, piece: Piece) -> None:
        block = piece.block
        if block is not None:
            stack = self.stack
            if piece.fields:
                if not stack:
                    self.metadata.extend(piece.fields)
                elif piece.fields[0].source == "bold":  # a list of fields is metadata only
                    stack[-1].fields.extend(piece.fields)
            if block.kind == "table":  # it takes the bold label right above it
                assert isinstance(block.node, Table)
                block.node.label = self.pending_label
            self.pending_label = piece.label
            (stack[-1].blocks if stack else self.preamble).append(block)
        elif piece.heading is not None:
            self._heading(piece.heading)
        elif piece.front_matter is not None and self.front_matter is None:
            self.front_matter = piece.front_matter
            self.metadata.extend(piece.fields or ())
        if piece.end_line > self.last_line:
            self.last_line = piece.end_line

    def _heading(self, heading: Heading) -> None:
        level, title, line = heading.level, heading.title, heading.line
        if level == 1 and self.title is None and not self.sections:
            self.title, self.title_at = title, (line, heading.column)
            return
        stack = self.stack  # levels rise from bottom to top
        while stack and stack[-1].level >= level:
            self._close_one(line - 1)
        parent = stack[-1] if stack else None
        path = f"{parent.path}/{title}" if parent else title
        section = Section(title, level, path, line, heading.column, line)
        (parent.children if parent else self.sections).append(section)
        stack.append(section)

    def close(self, count: int, before_line: int) -> None:
        for _ in range(count):
            self._close_one(before_line)

    def _close_one(self, before_line: int) -> None:
        section = self.stack.pop()
        section.end_line = max(section.line, min(self.last_line, before_line))
