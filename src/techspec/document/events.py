"""Reading pulldown-cmark's event stream: where each top-level block begins and ends,
and the plain text of a run of inline events.  The events are those of
:func:`techspec.document.markdown.events`: ``({"Start": tag}, span)``,
``({"Text": str}, span)``, ...
"""

from __future__ import annotations

from typing import Any


def top_level(evs: list[Any]) -> list[tuple[int, int]]:
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


def is_event(event: Any, key: str) -> bool:
    """True for an event of one kind (``"Text"``, ``"Start"``, ...)."""
    return isinstance(event, dict) and key in event


def plain_text(inner: list[Any]) -> str:
    """The text of inline events, markup left out and line breaks read as spaces."""
    parts = []
    for event, _ in inner:
        if isinstance(event, dict):
            text = event.get("Text") or event.get("Code")
            if text:
                parts.append(text)
        elif event in ("SoftBreak", "HardBreak"):
            parts.append(" ")
    return "".join(parts)


def first_inline(inner: list[Any], default: int) -> int:
    """Where the first inline event begins (``default`` when there is none)."""
    for _, span in inner:
        return int(span["start"])
    return default


def is_bold_only(inner: list[Any]) -> bool:
    """True for a paragraph that is one strong span, such as ``**Document History**``."""
    if len(inner) < 3:
        return False
    first, last = inner[0][0], inner[-1][0]
    if first != {"Start": "Strong"} or last != {"End": "Strong"}:
        return False
    return all(not is_event(e, "Start") and not is_event(e, "End") for e, _ in inner[1:-1])
