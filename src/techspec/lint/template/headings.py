"""How a template heading is matched: its key, and the pattern of a repeatable heading.

A heading's *key* is what a document's heading must equal to answer it: the words, case
ignored, without the numbering a team may add (``1.``, ``2.1``, ``A.``) and without an
``(Optional)`` mark (the document drops it).  A heading holding a placeholder of any style
(``Phase 1: [Phase Name]``, ``{title of option 1}``, ``<Runtime Scenario 1>``) or ending in
the number 1 (``Story 1``, a numbered example) is a repeatable *pattern* instead.
"""

from __future__ import annotations

import re

from techspec.lint.patterns import HeadingMatcher
from techspec.lint.template.styles import first_bracketed, squash

_NUMBERING = re.compile(r"(?:\d+(?:\.\d+)*\.?|[A-Za-z](?:\.\d+)*\.|[IVXivx]+\.)[ \t]+(?=\S)")
_SEPARATORS = ":-–—."
_NUMBER = re.compile(r"\d+")
_FIRST_EXAMPLE = re.compile(r"(?<=\s)1$")
_OPTIONAL_MARKS = ("(optional)", "[optional]")
_ELLIPSIS = frozenset({"…", "...", "⋯"})

HeadingPattern = tuple[re.Pattern[str] | None, bool, HeadingMatcher | None]
"""The pattern, whether it is numbered, and the matcher that decides it in linear time."""


def strip_optional(title: str) -> tuple[str, bool]:
    """``User Stories (Optional)`` -> ``("User Stories", True)``."""
    text = title.rstrip()
    lowered = text.casefold()
    for mark in _OPTIONAL_MARKS:
        if lowered.endswith(mark):
            return text[: -len(mark)].rstrip(), True
    return text, False


def heading_key(title: str) -> str:
    """The key a heading is matched by: numbering and an ``(Optional)`` mark dropped."""
    text = title.strip()
    numbered = _NUMBERING.match(text)
    if numbered is not None:
        text = text[numbered.end() :]
    if text.endswith((")", "]")):  # what an (Optional) mark ends with, case folded or not
        text = strip_optional(text)[0]
    return squash(text)


def stem_key(title: str) -> str | None:
    """The key of what comes before a colon (``Motivation: Completion handlers are
    suboptimal`` answers ``Motivation``); None without a colon."""
    head, colon, _ = title.partition(":")
    return heading_key(head) if colon and head.strip() else None


def is_ellipsis(title: str) -> bool:
    """``## …``: the template's "and so on" after repeated examples, not a section."""
    return title.strip() in _ELLIPSIS


def is_wildcard(title: str) -> bool:
    """A heading that is one placeholder and nothing else (``{title of option 1}``)."""
    match = first_bracketed(title.strip())
    return match is not None and match.span() == (0, len(title.strip()))


def heading_pattern(title: str) -> HeadingPattern:
    """``Phase 1: [Phase Name]`` -> ``^Phase\\s+(?P<number>\\d+)(?:\\s*:\\s*(.+))?$``, with
    the matcher that decides the same in linear time; ``Story 1`` (a numbered example) ->
    ``^Story\\s+(?P<number>\\d+)(?:\\s*:\\s*(.+))?$``; no pattern for a literal heading."""
    title = strip_optional(title)[0]
    match = first_bracketed(title)
    if match is None:
        if _FIRST_EXAMPLE.search(title) is None:
            return None, False, None
        head, tail, sep = title, "", ":"  # Story 1 and Story 2: Rollback alike
    else:
        head, tail = title[: match.start()], title[match.end() :]
        sep = ""
    numbered = _NUMBER.search(head) is not None
    cut = len(head)  # the separator: the blanks and punctuation that end the head
    while cut and (head[cut - 1].isspace() or head[cut - 1] in _SEPARATORS):
        cut -= 1
    stem, found_sep = head[:cut], head[cut:]
    sep = sep or found_sep.strip()
    stem_pattern = _loose(stem)
    if numbered:
        stem_pattern = _last_number(stem_pattern) if match is None else _first_number(stem_pattern)
    placeholder = r"(?P<name>.+?)"
    if sep:
        body = rf"{stem_pattern}(?:\s*{re.escape(sep)}\s*{placeholder})?"
    else:
        body = rf"{stem_pattern}\s*{placeholder}"
    pattern = re.compile(rf"^{body}{_loose(tail)}\s*$", re.IGNORECASE)
    return pattern, numbered, HeadingMatcher(stem_pattern, sep, tail, numbered=numbered)


def _first_number(pattern: str) -> str:
    return _NUMBER.sub(lambda _: r"(?P<number>\d+)", pattern, count=1)


def _last_number(pattern: str) -> str:
    """The trailing ``1`` of a numbered example becomes the number."""
    found = list(_NUMBER.finditer(pattern))
    last = found[-1]
    return pattern[: last.start()] + r"(?P<number>\d+)" + pattern[last.end() :]


def _loose(text: str) -> str:
    return r"\s+".join(re.escape(word) for word in text.split())
