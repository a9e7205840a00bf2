"""Reading each top-level Markdown block into a :class:`Piece`, on its own.

The parser works in two steps.  This module is the first and costly one: it turns the
pulldown-cmark events of one top-level block into model nodes (a table with its cells, a
list with its items, fields, links, placeholders), looking at nothing outside the block.
The second step (:mod:`techspec.document.parser`) places the pieces into sections, which is cheap.
Because a piece depends only on its own block, an incremental re-parse
(:mod:`techspec.document.reparse`) can keep the pieces of blocks an edit did not touch.

Only two things are read from the raw source of a block the parser already identified:
bold-key field lines inside a paragraph, and bracketed placeholders, whose exact columns the
event stream does not keep.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from itertools import accumulate, pairwise, repeat
from typing import Any

from techspec.document.events import Scan, Stream, rest, scan
from techspec.document.model import (
    Block,
    Cell,
    CodeBlock,
    Comment,
    Field,
    Heading,
    Link,
    ListBlock,
    ListItem,
    Piece,
    Placeholder,
    Table,
)
from techspec.document.offsets import Positions

# Text from users is read in time linear in its length: no two quantifiers here take turns
# over the same characters.  A field line's value runs possessively to the line end (and
# ``_without_break`` drops the blanks and hard-break backslash that end it); a placeholder's
# "some character is not blank" is a lookahead over the one run its brackets hold.
_FIELD_LINE = re.compile(
    rb"^[ \t]*\*\*(?P<key>[^*\r\n]+?)(?P<inner>:)?\*\*(?(inner)|[ \t]*:)[ \t]*+"
    rb"(?P<value>[^\r\n]*+)\r?$",
    re.MULTILINE,
)
# A list of fields: every top-level item is ``Key: value`` (``- Feature Name: ...``) or a
# bold key (``- **Author:** ...``).  A plain key is a few words (bounded, so the backtracking
# to its colon is too) and its colon is followed by a blank or the line end (not ``https:``).
_LIST_FIELD = re.compile(
    rb"^[ \t]{0,3}[-*+][ \t]+(?:\*\*(?P<bold>[^*\r\n]+?)(?P<inner>:)?\*\*(?(inner)|[ \t]*:)"
    rb"|(?P<plain>[A-Za-z][A-Za-z0-9 ./_-]{0,48}):(?=[ \t]|\r?$))[ \t]*+(?P<value>[^\r\n]*+)\r?$",
    re.MULTILINE,
)
# A top-level ``key: value`` line of YAML front matter (nested and list lines are skipped).
_YAML_FIELD = re.compile(
    rb"^(?P<key>[A-Za-z_][\w .-]{0,60}?)[ \t]*:(?:[ \t]++|(?=\r?$))(?P<value>[^\r\n]*+)\r?$",
    re.MULTILINE,
)
_BOX_OR_NOTE = rb"(?![ \t\f\v]*[xX][ \t\f\v]*\])(?!\^)"
"""Not a task box (``[x]``, whose blanks ``bytes.strip`` would take off) nor a footnote
(``[^1]``)."""
_INNER = rb"(?=[^\[\]\r\n]*[^\[\]\s])" + _BOX_OR_NOTE + rb"[^\[\]\r\n]*\]"
_CODE_BRACKETS = re.compile(rb"\[" + _INNER)
"""A placeholder in code: brackets around something not blank, no task box, no footnote."""
_BRACKETS = re.compile(rb"\[(?<![\\\]!]\[)" + _INNER + rb"(?![(\[:])")
"""A placeholder in text: besides, no escape, ``]`` or ``!`` before it (``\\[a]``,
``[a][b]``, ``![a]``) and no ``(``, ``[`` or ``:`` after it (a link, a reference, a link
definition).  Its brackets enclose no bracket, so a candidate turned down by a look
around is never part of another: the one search finds what testing each match did.  The
pattern starts with its ``[`` (the test of what is before it comes after), so the search
skips to each ``[`` as a plain search for it does."""
_ATX = re.compile(rb"#{1,6}(?:[ \t\r\n]|$)")

_HEADING_LEVELS = {"H1": 1, "H2": 2, "H3": 3, "H4": 4, "H5": 5, "H6": 6}


def read_pieces(data: bytes, evs: Iterable[tuple[Any, Any]], pos: Positions) -> _Reader:
    """Read every top-level block of ``evs`` (the events of ``data``), in one pass: each
    block's reader takes its events from the stream, up to the block's end."""
    reader = _Reader(data, pos)
    stream = iter(evs)
    for event, span in stream:
        reader.block(event, span["start"], span["end"], stream)
    return reader


class _Reader:
    def __init__(self, data: bytes, pos: Positions) -> None:
        self.data = data
        self.pos = pos
        self.pieces: list[Piece] = []
        self.links: list[Link] = []
        self.comments: list[Comment] = []
        self.placeholders: list[Placeholder] = []

    def block(self, event: Any, start: int, end: int, stream: Stream) -> None:
        """Read the block that ``event`` begins, taking its events from ``stream``."""
        pos = self.pos
        piece = Piece(start, end, *pos.lines(start, end))
        self._dispatch(piece, event, stream)
        piece.links = len(self.links)
        piece.comments = len(self.comments)
        piece.placeholders = len(self.placeholders)
        self.pieces.append(piece)

    def _dispatch(self, piece: Piece, event: Any, stream: Stream) -> None:
        start, end, line, end_line = piece.start, piece.end, piece.line, piece.end_line
        if not isinstance(event, dict) or "Start" not in event:
            if event == "Rule":
                piece.block = Block("rule", line, end_line)
            return
        tag = event["Start"]
        name = tag if isinstance(tag, str) else next(iter(tag))
        if name == "Heading":
            self._heading(piece, tag["Heading"], scan(stream))
        elif name == "Paragraph":
            self._paragraph(piece, scan(stream))
        elif name == "Table":
            found = scan(stream)
            table = self._table(line, end_line, found)
            piece.block = Block("table", line, end_line, node=table)
            self._inline(start, end, found)
        elif name == "List":
            inner = rest(stream)
            items = self._list_items(inner)
            node = ListBlock(items, tag["List"] is not None, line, end_line)
            if tag["List"] is None:
                piece.fields = self._list_fields(start, end, items) or None
            piece.block = Block("list", line, end_line, node=node)
            self._inline(start, end, scan(iter(inner)))
        elif name == "CodeBlock":
            self._code(piece, tag["CodeBlock"], rest(stream))
        elif name == "HtmlBlock":
            rest(stream)
            self._comments(start, end)
            piece.block = Block("html", line, end_line, text=self._source(start, end))
        elif name == "MetadataBlock" and line == 1:
            texts = (e["Text"] for e, _ in rest(stream) if type(e) is dict and "Text" in e)
            piece.front_matter = "".join(texts)
            piece.fields = self._front_matter_fields(start, end) or None
        else:
            found = scan(stream)
            piece.block = Block("quote", line, end_line, text=self._source(start, end))
            self._inline(start, end, found)

    # -- blocks --------------------------------------------------------------------

    def _heading(self, piece: Piece, info: dict[str, Any], found: Scan) -> None:
        level = _HEADING_LEVELS.get(info.get("level", "H1"), 1)
        line, column = self.pos.at(piece.start if found.first is None else found.first)
        piece.heading = Heading(level, found.text.strip(), line, column)
        piece.atx = piece.line == piece.end_line and _is_atx(self.data, piece.start)
        self._inline(piece.start, piece.end, found)

    def _paragraph(self, piece: Piece, found: Scan) -> None:
        start, end = piece.start, piece.end
        text = found.text
        piece.fields = self._fields(start, end) or None
        piece.label = text.strip() if found.bold_only else None
        piece.block = Block("paragraph", piece.line, piece.end_line, text=text)
        self._inline(start, end, found)

    def _fields(self, start: int, end: int) -> list[Field]:
        fields = []
        for match in _FIELD_LINE.finditer(self.data, start, end):
            line, column = self.pos.at(match.start("key") - 2)
            value_start = match.start("value")
            fields.append(
                Field(
                    key=match["key"].decode("utf-8", "replace").strip(),
                    value=_without_break(match["value"]).decode("utf-8", "replace").strip(),
                    line=line,
                    column=column,
                    value_column=self.pos.at(value_start)[1],
                )
            )
        return fields

    def _list_fields(self, start: int, end: int, items: list[ListItem]) -> list[Field]:
        """The fields of a list whose every top-level item is a ``Key: value`` line (a
        template's or a document's metadata written as a list); none for any other list."""
        tops = {item.line for item in items if item.depth == 0 and item.checked is None}
        if len(tops) != sum(1 for item in items if item.depth == 0):
            return []  # a task list, or two items on one line
        fields: list[Field] = []
        for match in _LIST_FIELD.finditer(self.data, start, end):
            key = match["bold"] if match["bold"] is not None else match["plain"]
            line, column = self.pos.at(match.start("bold" if match["bold"] else "plain"))
            if line not in tops:
                return []  # a nested item
            value = _without_break(match["value"]).decode("utf-8", "replace").strip()
            value_column = self.pos.at(match.start("value"))[1]
            fields.append(
                Field(
                    key.decode("utf-8", "replace").strip(),
                    value,
                    line,
                    column,
                    value_column,
                    "list",
                )
            )
        return fields if len(fields) == len(tops) else []

    def _front_matter_fields(self, start: int, end: int) -> list[Field]:
        """The top-level ``key: value`` lines of YAML front matter (quotes taken off)."""
        fields: list[Field] = []
        for match in _YAML_FIELD.finditer(self.data, start, end):
            raw = match["value"].rstrip(b" \t")
            value_start = match.start("value")
            if len(raw) >= 2 and raw[:1] in (b'"', b"'") and raw[-1:] == raw[:1]:
                raw, value_start = raw[1:-1], value_start + 1
            line, column = self.pos.at(match.start("key"))
            fields.append(
                Field(
                    match["key"].decode("utf-8", "replace").strip(),
                    raw.decode("utf-8", "replace").strip(),
                    line,
                    column,
                    self.pos.at(value_start)[1],
                    "front-matter",
                )
            )
        return fields

    def _table(self, line: int, end_line: int, found: Scan) -> Table:
        """The header's and each row's cells, all read at once from their spans: each one's
        text is its source trimmed (pipes too) with ``\\|`` unescaped, at the column of its
        first character that is no blank or pipe."""
        data = self.data
        starts = [span["start"] for span in found.cells]
        raws = [data[span["start"] : span["end"]] for span in found.cells]
        kept = [raw.lstrip(b" \t|") for raw in raws]
        offsets = [a + len(raw) - len(b) for a, raw, b in zip(starts, raws, kept, strict=True)]
        texts = [
            b.rstrip(b" \t|\r\n").decode("utf-8", "replace").replace("\\|", "|").strip()
            for b in kept
        ]
        cells = list(map(Cell, texts, *self.pos.places(offsets)))
        bounds = [*found.rows, len(cells)]
        rows = [cells[first:last] for first, last in pairwise(bounds)]
        return Table(cells[: bounds[0]], rows, line, end_line)

    def _list_items(self, inner: list[Any]) -> list[ListItem]:
        """Flatten a (possibly nested) list into items; a nested list's text is its own."""
        items: list[ListItem] = []
        open_items: list[_OpenItem] = []
        depth = 0
        for event, span in inner:
            if isinstance(event, str):
                if open_items and event in ("SoftBreak", "HardBreak"):
                    open_items[-1].parts.append(" ")
                continue
            if "Start" in event:
                tag = event["Start"]
                if tag == "Item":
                    line, column = self.pos.at(span["start"])
                    item = ListItem("", line, column, None, depth)
                    items.append(item)
                    open_items.append(_OpenItem(item))
                    continue
                if isinstance(tag, dict) and "List" in tag:
                    depth += 1
                    if open_items:
                        open_items[-1].freeze()
                    continue
            elif "End" in event:
                tag = event["End"]
                if tag == "Item" and open_items:
                    open_items.pop().freeze()
                elif isinstance(tag, dict) and "List" in tag:
                    depth -= 1
                continue
            if not open_items or open_items[-1].frozen:
                continue
            current = open_items[-1]
            if "TaskListMarker" in event:
                current.item.checked = bool(event["TaskListMarker"])
                continue
            if not current.positioned:
                current.item.line, current.item.column = self.pos.at(span["start"])
                current.positioned = True
            text = event.get("Text") or event.get("Code")
            if text:
                current.parts.append(text)
        return items

    def _code(self, piece: Piece, tag: Any, inner: list[Any]) -> None:
        fenced = isinstance(tag, dict) and "Fenced" in tag
        info = tag["Fenced"] if fenced else ""
        content = "".join(e["Text"] for e, _ in inner if type(e) is dict and "Text" in e)
        node = CodeBlock(info.strip(), content, piece.line, piece.end_line, fenced)
        piece.block = Block("code", piece.line, piece.end_line, text=content, node=node)
        if inner:
            content_start = inner[0][1]["start"]
            content_end = inner[-1][1]["end"]
            self._placeholders(content_start, content_end, [], in_code=True)

    # -- inline content ------------------------------------------------------------

    def _inline(self, start: int, end: int, found: Scan) -> None:
        """Collect links, comments and placeholders inside a block's inline content."""
        if found.links:
            at = self.pos.at
            for text, target, link_start in found.links:
                line, column = at(link_start)
                self.links.append(Link(text, target, line, column))
        for html_start, html_end in found.html:
            self._comments(html_start, html_end)
        if self.data.find(b"[", start, end) >= 0:  # most blocks (a heading, a sentence) have none
            self._placeholders(start, end, found.excluded, in_code=False)

    def _placeholders(
        self, start: int, end: int, excluded: list[tuple[int, int]], *, in_code: bool
    ) -> None:
        data = self.data
        matches = list((_CODE_BRACKETS if in_code else _BRACKETS).finditer(data, start, end))
        if not in_code and matches:
            if matches[-1].end() == end and data[end : end + 1] in (b"(", b"[", b":"):
                matches.pop()  # the search ends at the block's end, and so sees nothing after
            if excluded:
                spans = sorted(excluded)
                starts = [a for a, _ in spans]
                reach = list(accumulate((b for _, b in spans), max))  # the furthest end so far
                matches = [m for m in matches if not _inside(m.span(), starts, reach)]
        texts = [match[0].decode("utf-8", "replace") for match in matches]
        lines, columns = self.pos.places([match.start() for match in matches])
        ends = [column + len(text) for column, text in zip(columns, texts, strict=True)]
        # on one line, a placeholder's end column follows from its text
        self.placeholders += map(Placeholder, texts, lines, columns, ends, repeat(in_code))

    def _comments(self, start: int, end: int) -> None:
        """Each ``<!--`` with the first ``-->`` after it.  A scan, not a lazy regex: when no
        ``-->`` is left, no later ``<!--`` can close either, so it stops there."""
        data = self.data
        opening = data.find(b"<!--", start, end)
        while opening >= 0:
            closing = data.find(b"-->", opening + 4, end)
            if closing < 0:
                return
            line, column = self.pos.at(opening)
            end_line = self.pos.line(closing + 2)
            text = data[opening + 4 : closing].decode("utf-8", "replace").strip()
            self.comments.append(Comment(text, line, column, end_line))
            opening = data.find(b"<!--", closing + 3, end)

    def _source(self, start: int, end: int) -> str:
        return self.data[start:end].decode("utf-8", "replace")


class _OpenItem:
    """A list item whose inline text is still being collected."""

    __slots__ = ("frozen", "item", "parts", "positioned")

    def __init__(self, item: ListItem) -> None:
        self.item = item
        self.parts: list[str] = []
        self.frozen = False
        self.positioned = False

    def freeze(self) -> None:
        """Stop collecting: a nested list or the item's end was reached."""
        if not self.frozen:
            self.item.text = "".join(self.parts).strip()
            self.frozen = True


def _inside(span: tuple[int, int], starts: list[int], reach: list[int]) -> bool:
    """Whether ``span`` overlaps one of the spans whose sorted starts are ``starts`` and
    whose furthest end so far is ``reach``."""
    before = bisect_left(starts, span[1])  # the spans that start before its end
    return before > 0 and reach[before - 1] > span[0]  # and one of them ends after its start


def _without_break(value: bytes) -> bytes:
    """A field line's value without the blanks and the one hard-break backslash that end
    its line (``**Author**: Ada \\``)."""
    value = value.rstrip(b" \t")
    if value.endswith(b"\\"):
        value = value[:-1].rstrip(b" \t")
    return value


def _is_atx(data: bytes, start: int) -> bool:
    """An unindented ``#`` heading that starts a line."""
    if start > 0 and data[start - 1 : start] not in (b"\n", b"\r"):
        return False
    return _ATX.match(data, start) is not None
