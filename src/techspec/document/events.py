"""Reading pulldown-cmark's event stream, one block at a time, as it comes.

The events are those of :func:`techspec.document.markdown.events`: ``({"Start": tag},
span)``, ``({"Text": str}, span)``, ``("SoftBreak", span)``, ...  The reader of a block
takes its events from the stream up to the block's end (:func:`rest` keeps them,
:func:`scan` reads them in one pass and keeps only what the model needs), so the events of
a whole document are never all held at once: on 1 MiB of table rows, holding them (three
Python objects each) cost as much as making them.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import Any

Stream = Iterator[tuple[Any, Any]]
"""The events after a block's start: a reader takes them up to the block's end."""

_STRONG = ({"Start": "Strong"}, {"End": "Strong"})


def rest(stream: Stream) -> list[tuple[Any, Any]]:
    """The events of a block whose start was just read, up to (not with) its end."""
    inner: list[tuple[Any, Any]] = []
    depth = 1
    for item in stream:
        event = item[0]
        if type(event) is dict:
            if "Start" in event:
                depth += 1
            elif "End" in event:
                depth -= 1
                if not depth:
                    break
        inner.append(item)
    return inner


class Scan:
    """What one pass over a block's inner events finds (:func:`scan`).

    ``parts`` joined is the plain text (markup left out, line breaks read as spaces);
    ``excluded`` are the byte spans of links, images, code, HTML, task boxes and footnote
    references, where a bracket is no placeholder; ``links`` are ``(text, target, start)``;
    ``html`` the spans of inline HTML (where comments can be); ``cells`` the spans of a
    table's cells (``{"start": ..., "end": ...}``) and ``rows`` how many cells came before
    each row after the header.
    """

    __slots__ = ("bold_only", "cells", "excluded", "first", "html", "links", "parts", "rows")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.excluded: list[tuple[int, int]] = []
        self.links: list[tuple[str, str, int]] = []
        self.html: list[tuple[int, int]] = []
        self.cells: list[Any] = []
        self.rows: list[int] = []
        self.first: int | None = None
        """Where the first inner event begins (None: there is none)."""
        self.bold_only = False
        """The block is one strong span and nothing else (``**Document History**``)."""

    @property
    def text(self) -> str:
        return "".join(self.parts)


def scan(stream: Stream) -> Scan:
    """Read a block's events, up to its end, in one pass (see :class:`Scan`)."""
    found = Scan()
    parts, excluded, cells, rows = found.parts, found.excluded, found.cells, found.rows
    head = next(stream, None)
    if head is None or (type(head[0]) is dict and "End" in head[0]):
        return found  # an empty block (or the stream ended before it did)
    if type(head[0]) is dict and "Text" in head[0]:  # a heading, a sentence: one text
        after = next(stream, None)
        if after is None or (type(after[0]) is dict and "End" in after[0]):
            parts.append(head[0]["Text"])
            found.first = head[1]["start"]
            return found
        stream = chain((head, after), stream)
    else:
        stream = chain((head,), stream)
    open_links: list[tuple[str, int, list[str]]] = []
    depth = 1
    count = marks = 0
    last: Any = None
    for item in stream:
        event = item[0]
        if type(event) is dict:
            if "Text" in event:
                text = event["Text"]
                parts.append(text)
                if open_links:
                    open_links[-1][2].append(text)
            elif "Start" in event:
                depth += 1
                marks += 1
                tag = event["Start"]
                if type(tag) is str:
                    if tag == "TableCell":
                        cells.append(item[1])
                    elif tag == "TableRow":
                        rows.append(len(cells))
                elif "Link" in tag or "Image" in tag:
                    span = item[1]
                    target = str((tag.get("Link") or tag.get("Image") or {}).get("dest_url", ""))
                    open_links.append((target, span["start"], []))
                    excluded.append((span["start"], span["end"]))
            elif "End" in event:
                depth -= 1
                if not depth:
                    break
                marks += 1
                if open_links and event["End"] in ("Link", "Image"):
                    target, start, text_parts = open_links.pop()
                    found.links.append(("".join(text_parts), target, start))
            else:
                span = item[1]
                excluded.append((span["start"], span["end"]))
                if "Code" in event:
                    parts.append(event["Code"])
                elif "InlineHtml" in event or "Html" in event:
                    found.html.append((span["start"], span["end"]))
                # else: a task box, a footnote reference, math
        elif event == "SoftBreak" or event == "HardBreak":
            parts.append(" ")
        count += 1
        last = event
    found.first = head[1]["start"]
    found.bold_only = count >= 3 and marks == 2 and (head[0], last) == _STRONG
    return found
