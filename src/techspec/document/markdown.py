"""The one place that knows which Markdown parser techspec stands on.

techspec uses pyromark (pulldown-cmark, CommonMark + GFM tables and task lists, in Rust):
on the 500-spec benchmark corpus it tokenizes about ten times faster than markdown-it-py,
and its events carry exact byte ranges into the source.  The rest of techspec sees only
:func:`events`: a flat list of ``(event, start, end)`` triples in pulldown-cmark's shape,
with UTF-8 byte offsets.  Swapping the parser means re-implementing this one function.
"""

from __future__ import annotations

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


def events(text: str) -> list[tuple[Event, Span]]:
    """Parse ``text`` into pulldown-cmark events, each with its source byte range."""
    return list(pyromark.events_with_range(text, options=_OPTIONS))
