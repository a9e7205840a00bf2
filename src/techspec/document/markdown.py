"""The one place that knows which Markdown parser techspec stands on.

techspec uses pyromark (pulldown-cmark, CommonMark + GFM tables and task lists, in Rust):
on the 500-spec benchmark corpus it tokenizes about ten times faster than markdown-it-py,
and its events carry exact byte ranges into the source.  The rest of techspec sees only
:func:`stream` (and :func:`events`, the same as a list): ``(event, span)`` pairs in
pulldown-cmark's shape, with UTF-8 byte offsets.  Swapping the parser means re-implementing
these.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pyromark

_OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_TASKLISTS
    | pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_YAML_STYLE_METADATA_BLOCKS
)

Event = Any
"""``{"Start": tag}``, ``{"End": tag}``, ``{"Text": str}``, ``"SoftBreak"``, ...
(pulldown-cmark's event shapes)."""


Span = Any
"""``{"start": int, "end": int}``: a ``[start, end)`` range of UTF-8 byte offsets."""


MAX_NESTING = 32
"""Block quotes and list items nested deeper than this on one line are read as text.

A line of ``- - - ...`` or ``>>>...`` nests one container per two bytes or one: a MiB of
it is half a million containers, four events each, and seconds of work for a structure
no document has.  Past this depth the next marker is read as an escaped character, so the
rest of the line is a paragraph's text, and every byte keeps its offset."""

_MARKER = r"(?:>|(?:[-+*]|[0-9]{1,9}[.)])(?=[ \t]))"
_TOO_DEEP = re.compile(rf"^[ \t]*+(?>{_MARKER}[ \t]*+){{{MAX_NESTING}}}(?={_MARKER})", re.M)
"""A line's first :data:`MAX_NESTING` container markers, before one more.  Atomic groups
and possessive runs: each byte is read once, whatever follows."""


def events(text: str) -> list[tuple[Event, Span]]:
    """Parse ``text`` into pulldown-cmark events, each with its source byte range (all of
    them at once: :func:`stream` gives them as they come)."""
    return list(stream(text))


def stream(text: str) -> Iterator[tuple[Event, Span]]:
    """The events of :func:`events`, as they come: the parser reads them one block at a
    time (:mod:`techspec.document.events`), and holding every event of a large text at
    once cost as much as making them.

    Adjacent text events come merged into one, whose range runs from the first one's start
    to the last one's end: the text is the same, and a line of ``[[[[...`` or ``*a_*a_...``
    is one event rather than one per character (a Python object each, most of the cost of
    a parse of such a line).  Nothing reads the range of a text event but its start (the
    first of a run), and the end of a code block's last one."""
    return pyromark.events_with_range(_shallow(text), options=_OPTIONS, merge_text=True)


def _shallow(text: str) -> str:
    """``text`` with the marker after :data:`MAX_NESTING` on any line escaped: one ASCII
    character for another, so UTF-8 offsets into ``text`` stay right."""
    cuts = [match.end() for match in _TOO_DEEP.finditer(text)]
    if not cuts:
        return text
    parts, last = [], 0
    for cut in cuts:
        parts += [text[last:cut], "\\"]
        last = cut + 1
    parts.append(text[last:])
    return "".join(parts)
