"""Turn Markdown text into a :class:`~techspec.model.Spec`.

The parser walks the CommonMark/GFM event stream once.  Block structure (headings,
tables, lists, code) comes from the Markdown parser; only two things are read from the
raw source of a block the parser already identified: bold-key field lines inside a
paragraph, and bracketed placeholders, whose exact columns the event stream does not
keep.  It never raises on text: any string yields a Spec.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from techspec import _markdown
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
    Section,
    Spec,
    Table,
)

_LINE_END = re.compile(rb"\r\n?|\n")
_FIELD_LINE = re.compile(
    rb"^[ \t]*\*\*(?P<key>[^*\r\n]+?)(?P<inner>:)?\*\*(?(inner)|[ \t]*:)[ \t]*"
    rb"(?P<value>[^\r\n]*?)[ \t]*\\?[ \t]*\r?$",
    re.MULTILINE,
)
_BRACKETS = re.compile(rb"\[(?P<inner>[^\[\]\r\n]*[^\[\]\s][^\[\]\r\n]*)\]")
_COMMENT = re.compile(rb"<!--(.*?)-->", re.DOTALL)
_TASK_BOX = {b"x", b"X", b" ", b""}

_HEADING_LEVELS = {"H1": 1, "H2": 2, "H3": 3, "H4": 4, "H5": 5, "H6": 6}


def parse(text: str, path: str | None = None) -> Spec:
    """Parse a specification.  Never raises: any text gives a :class:`Spec`."""
    return _Parser(text, path).run()


class _Positions:
    """Maps UTF-8 byte offsets to 1-based (line, character column) pairs."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.starts = [0] + [m.end() for m in _LINE_END.finditer(data)]
        self.ascii = data.isascii()

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, offset)

    def at(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        start = self.starts[line - 1]
        if self.ascii:
            return line, offset - start + 1
        return line, len(self.data[start:offset].decode("utf-8", "replace")) + 1

    def end_line(self, start: int, end: int) -> int:
        """The line of the last character in ``[start, end)``, ignoring a trailing newline."""
        while end > start and self.data[end - 1] in b"\r\n":
            end -= 1
        return self.line(max(start, end - 1))


class _Parser:
    def __init__(self, text: str, path: str | None) -> None:
        self.text = text
        self.path = path
        body = text[1:] if text.startswith("\ufeff") else text
        try:
            data = body.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: one '?' per character keeps columns
            body = body.encode("utf-8", "replace").decode("utf-8")
            data = body.encode("utf-8")
        self.body = body
        self.data = data
        self.pos = _Positions(data)
        self.title: str | None = None
        self.title_at = (1, 1)
        self.metadata: list[Field] = []
        self.sections: list[Section] = []
        self.preamble: list[Block] = []
        self.links: list[Link] = []
        self.comments: list[Comment] = []
        self.placeholders: list[Placeholder] = []
        self.front_matter: str | None = None
        self.stack: list[Section] = []
        self.last_line = 0
        self.pending_label: str | None = None

    # -- driver -------------------------------------------------------------------

    def run(self) -> Spec:
        try:
            evs = _markdown.events(self.body)
        except Exception:  # the parser must never raise on text
            evs = []
        for first, last in _top_level(evs):
            event, span = evs[first]
            self._block(event, span["start"], span["end"], evs[first + 1 : last])
        self._close_sections(len(self.stack), self.last_line)
        return Spec(
            text=self.text,
            path=self.path,
            title=self.title,
            title_line=self.title_at[0],
            title_column=self.title_at[1],
            metadata=self.metadata,
            sections=self.sections,
            preamble=self.preamble,
            links=self.links,
            comments=self.comments,
            placeholders=self.placeholders,
            front_matter=self.front_matter,
            line_count=len(self.pos.starts) - (1 if self.data.endswith((b"\n", b"\r")) else 0),
        )

    def _block(self, event: Any, start: int, end: int, inner: list[Any]) -> None:
        line = self.pos.line(start)
        end_line = self.pos.end_line(start, end)
        try:
            self._dispatch(event, start, end, line, end_line, inner)
        finally:
            self.last_line = max(self.last_line, end_line)

    def _dispatch(
        self, event: Any, start: int, end: int, line: int, end_line: int, inner: list[Any]
    ) -> None:
        if not isinstance(event, dict) or "Start" not in event:
            if event == "Rule":
                self._add(Block("rule", line, end_line))
            return
        tag = event["Start"]
        name = tag if isinstance(tag, str) else next(iter(tag))
        if name == "Heading":
            self._heading(tag["Heading"], start, end, inner)
        elif name == "Paragraph":
            self._paragraph(start, end, line, end_line, inner)
        elif name == "Table":
            self._add(Block("table", line, end_line, node=self._table(line, end_line, inner)))
            self._inline(start, end, inner)
        elif name == "List":
            items = self._list_items(inner)
            node = ListBlock(items, tag["List"] is not None, line, end_line)
            self._add(Block("list", line, end_line, node=node))
            self._inline(start, end, inner)
        elif name == "CodeBlock":
            self._code(tag["CodeBlock"], start, end, line, end_line, inner)
        elif name == "HtmlBlock":
            self._comments(start, end)
            self._add(Block("html", line, end_line, text=self._source(start, end)))
        elif name == "MetadataBlock" and self.front_matter is None and line == 1:
            self.front_matter = "".join(e["Text"] for e, _ in inner if _is(e, "Text"))
        else:
            self._add(Block("quote", line, end_line, text=self._source(start, end)))
            self._inline(start, end, inner)

    # -- blocks --------------------------------------------------------------------

    def _heading(self, info: dict[str, Any], start: int, end: int, inner: list[Any]) -> None:
        level = _HEADING_LEVELS.get(info.get("level", "H1"), 1)
        title = _plain(inner).strip()
        line, column = self.pos.at(_first_inline(inner, start))
        self._inline(start, end, inner)
        if level == 1 and self.title is None and not self.sections:
            self.title, self.title_at = title, (line, column)
            return
        depth = sum(1 for open_section in self.stack if open_section.level < level)
        self._close_sections(len(self.stack) - depth, line - 1)
        parent = self.stack[-1] if self.stack else None
        path = f"{parent.path}/{title}" if parent else title
        section = Section(title, level, path, line, column, line)
        (parent.children if parent else self.sections).append(section)
        self.stack.append(section)

    def _close_sections(self, count: int, before_line: int) -> None:
        for _ in range(count):
            section = self.stack.pop()
            section.end_line = max(section.line, min(self.last_line, before_line))

    def _paragraph(self, start: int, end: int, line: int, end_line: int, inner: list[Any]) -> None:
        text = _plain(inner)
        fields = self._fields(start, end)
        if fields:
            (self.stack[-1].fields if self.stack else self.metadata).extend(fields)
        label = text.strip() if _is_bold_only(inner) else None
        self._add(Block("paragraph", line, end_line, text=text), label=label)
        self._inline(start, end, inner)

    def _fields(self, start: int, end: int) -> list[Field]:
        fields = []
        for match in _FIELD_LINE.finditer(self.data, start, end):
            line, column = self.pos.at(match.start("key") - 2)
            value_start = match.start("value")
            fields.append(
                Field(
                    key=match["key"].decode("utf-8", "replace").strip(),
                    value=match["value"].decode("utf-8", "replace").strip(),
                    line=line,
                    column=column,
                    value_column=self.pos.at(value_start)[1],
                )
            )
        return fields

    def _table(self, line: int, end_line: int, inner: list[Any]) -> Table:
        header: list[Cell] = []
        rows: list[list[Cell]] = []
        current: list[Cell] = header
        for event, span in inner:
            if not isinstance(event, dict) or "Start" not in event:
                continue
            tag = event["Start"]
            if tag == "TableRow":
                current = []
                rows.append(current)
            elif tag == "TableCell":
                current.append(self._cell(span["start"], span["end"]))
        return Table(header, rows, line, end_line, self.pending_label)

    def _cell(self, start: int, end: int) -> Cell:
        raw = self.data[start:end]
        stripped = raw.lstrip(b" \t|")
        offset = start + len(raw) - len(stripped)
        text = stripped.rstrip(b" \t|\r\n").decode("utf-8", "replace").replace("\\|", "|")
        line, column = self.pos.at(offset)
        return Cell(text.strip(), line, column)

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

    def _code(
        self, tag: Any, start: int, end: int, line: int, end_line: int, inner: list[Any]
    ) -> None:
        fenced = isinstance(tag, dict) and "Fenced" in tag
        info = tag["Fenced"] if fenced else ""
        content = "".join(e["Text"] for e, _ in inner if _is(e, "Text"))
        node = CodeBlock(info.strip(), content, line, end_line, fenced)
        self._add(Block("code", line, end_line, text=content, node=node))
        if inner:
            content_start = inner[0][1]["start"]
            content_end = inner[-1][1]["end"]
            self._placeholders(content_start, content_end, [], in_code=True)

    # -- inline content ------------------------------------------------------------

    def _inline(self, start: int, end: int, inner: list[Any]) -> None:
        """Collect links, comments and placeholders inside a block's inline content."""
        excluded: list[tuple[int, int]] = []
        link_stack: list[tuple[str, int, list[str]]] = []
        for event, span in inner:
            if isinstance(event, dict):
                if "Start" in event:
                    tag = event["Start"]
                    if isinstance(tag, dict) and ("Link" in tag or "Image" in tag):
                        target = str(
                            (tag.get("Link") or tag.get("Image") or {}).get("dest_url", "")
                        )
                        link_stack.append((target, span["start"], []))
                        excluded.append((span["start"], span["end"]))
                elif "End" in event:
                    if event["End"] in ("Link", "Image") and link_stack:
                        target, link_start, parts = link_stack.pop()
                        line, column = self.pos.at(link_start)
                        self.links.append(Link("".join(parts), target, line, column))
                elif "Text" in event:
                    if link_stack:
                        link_stack[-1][2].append(event["Text"])
                elif "InlineHtml" in event or "Html" in event:
                    excluded.append((span["start"], span["end"]))
                    self._comments(span["start"], span["end"])
                else:  # Code, TaskListMarker, FootnoteReference, math
                    excluded.append((span["start"], span["end"]))
        self._placeholders(start, end, excluded, in_code=False)

    def _placeholders(
        self, start: int, end: int, excluded: list[tuple[int, int]], *, in_code: bool
    ) -> None:
        data = self.data
        for match in _BRACKETS.finditer(data, start, end):
            left, right = match.span()
            if match["inner"].strip() in _TASK_BOX or match["inner"].startswith(b"^"):
                continue
            if not in_code:
                if left > 0 and data[left - 1 : left] in (b"\\", b"]", b"!"):
                    continue
                if data[right : right + 1] in (b"(", b"[", b":"):
                    continue
                if any(a < right and left < b for a, b in excluded):
                    continue
            line, column = self.pos.at(left)
            end_column = self.pos.at(right)[1]
            text = match[0].decode("utf-8", "replace")
            self.placeholders.append(Placeholder(text, line, column, end_column, in_code))

    def _comments(self, start: int, end: int) -> None:
        for match in _COMMENT.finditer(self.data, start, end):
            line, column = self.pos.at(match.start())
            end_line = self.pos.line(match.end() - 1)
            text = match[1].decode("utf-8", "replace").strip()
            self.comments.append(Comment(text, line, column, end_line))

    # -- helpers ---------------------------------------------------------------------

    def _add(self, block: Block, label: str | None = None) -> None:
        """Append a block to the open section (or the preamble before any heading).

        ``label`` is the text of a bold-only paragraph: it names the table right after it.
        """
        self.pending_label = label
        (self.stack[-1].blocks if self.stack else self.preamble).append(block)

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


def _top_level(evs: list[Any]) -> list[tuple[int, int]]:
    """``(start, end)`` event indexes of each top-level block, in one pass."""
    blocks: list[tuple[int, int]] = []
    depth = 0
    first = 0
    for index, (event, _) in enumerate(evs):
        if isinstance(event, dict):
            if "Start" in event:
                if depth == 0:
                    first = index
                depth += 1
                continue
            if "End" in event:
                depth -= 1
                if depth == 0:
                    blocks.append((first, index))
                continue
        if depth == 0:
            blocks.append((index, index))
    if depth > 0:  # unbalanced stream: keep what was opened
        blocks.append((first, len(evs)))
    return blocks


def _is(event: Any, key: str) -> bool:
    return isinstance(event, dict) and key in event


def _plain(inner: list[Any]) -> str:
    parts = []
    for event, _ in inner:
        if isinstance(event, dict):
            text = event.get("Text") or event.get("Code")
            if text:
                parts.append(text)
        elif event in ("SoftBreak", "HardBreak"):
            parts.append(" ")
    return "".join(parts)


def _first_inline(inner: list[Any], default: int) -> int:
    for _, span in inner:
        return int(span["start"])
    return default


def _is_bold_only(inner: list[Any]) -> bool:
    """True for a paragraph that is one strong span, such as ``**Document History**``."""
    if len(inner) < 3:
        return False
    first, last = inner[0][0], inner[-1][0]
    if first != {"Start": "Strong"} or last != {"End": "Strong"}:
        return False
    return all(not _is(e, "Start") and not _is(e, "End") for e, _ in inner[1:-1])
