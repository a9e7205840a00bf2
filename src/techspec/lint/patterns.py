"""Template titles and headings with a placeholder, matched in time linear in the title.

The template's title ``Technical Specification: [Feature Name]`` accepts any title with a
name filled in, and its heading ``Phase 1: [Phase Name]`` any heading of that shape.
:mod:`techspec.lint.template` writes each as a regular expression (the rule's ``pattern``),
whose lazy wildcard a backtracking engine retries at every place: a title that ends in a
long run of blanks, a long run of digits the number can give back, or a second wildcard
make it quadratic or worse in the length of the title, which the spec's author writes.

The matchers here decide exactly what those expressions decide (and the same ``number``)
with a few anchored matches and one pass over the title per literal part.  Titles are
matched stripped, as the rules always match them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

_FLAGS = re.IGNORECASE
_SPACE = re.compile(r"\s*")
_BREAK = re.compile("\n")
_ANY_BLANKS, _SOME_BLANKS = r"\s*", r"\s+"
_NAME = re.compile(r"\s*+[^\n]+|\s*[^\S\n]")
"""What ``\\s*(.+?)`` spans when the end is fixed: the blanks, then a name with no line
break in it, or (a name of blanks only) blanks ending in one that is not a line break."""

Span = tuple[int, int]
"""Inclusive ``(first, last)`` positions."""


def loose(text: str, blanks: str) -> str:
    """``text`` as a pattern whose words may be apart by ``blanks`` (``\\s*`` or ``\\s+``)."""
    return blanks.join(re.escape(word) for word in text.split())


class TitleMatcher:
    """``part0 [name] part1 [name] ... partN``: each part's words apart by any blanks, each
    name some text that starts with a non-blank and holds no line break (the pattern
    ``part0\\s*(\\S.*?)\\s*part1...partN$``).

    The positions a prefix of the pattern can reach are kept as intervals: from a place,
    a name and the blanks after it reach every position up to the blanks after the next
    line break, so the positions stay a few intervals and each part is looked for once,
    left to right, wherever such an interval lets it start."""

    def __init__(self, parts: list[str]) -> None:
        self.first = re.compile(loose(parts[0], _ANY_BLANKS), _FLAGS)
        self.rest = [
            re.compile(f"(?=({loose(part, _ANY_BLANKS)}))", _FLAGS) if part.split() else None
            for part in parts[1:]
        ]

    def match(self, title: str) -> bool:
        text = title.strip()
        start = self.first.match(text)
        if start is None:
            return False
        reach: list[Span] = [(start.end(), start.end())]
        breaks = _Breaks(text)
        for part in self.rest:
            reach = breaks.after_name(reach)
            if reach and part is not None:
                reach = _ends(part, text, reach)
            if not reach:
                return False
        return reach[-1][1] == len(text)


def _ends(part: re.Pattern[str], text: str, starts: list[Span]) -> list[Span]:
    """Where ``part`` (a lookahead capturing the literal) ends when it starts in ``starts``."""
    ends: list[Span] = []
    spans = iter(starts)
    first, last = next(spans)
    for found in part.finditer(text, starts[0][0]):
        at = found.start()
        while at > last:
            following = next(spans, None)
            if following is None:
                return ends
            first, last = following
        if at >= first:
            end = found.end(1)
            if ends and end <= ends[-1][1] + 1:
                ends[-1] = (ends[-1][0], max(end, ends[-1][1]))
            else:
                ends.append((end, end))
    return ends


class _Breaks:
    """Blanks and line breaks of one title, for the reach of ``\\s*(\\S.*?)\\s*``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.breaks = [match.start() for match in _BREAK.finditer(text)]

    def after_name(self, reach: list[Span]) -> list[Span]:
        """Where ``\\s*(\\S.*?)\\s*`` can end when it starts in ``reach``: from the first
        non-blank q at or after a start, one past q up to the blanks after the first line
        break after q (a name stops at a line break, the blanks after it do not).

        Those ends reach a non-blank (or the end), so every start up to there adds only
        its own reach: the starts in between are skipped by bisection, not visited."""
        firsts = [first for first, _ in reach]
        found: list[Span] = []
        index = 0
        while index < len(reach):
            low = self._non_blank(reach[index][0])
            if low >= len(self.text):
                break
            high = self._reach(reach[index][1])
            while (last := bisect_right(firsts, high) - 1) > index:
                index = last
                high = self._reach(reach[index][1])
            found.append((low + 1, high))
            index += 1
        return found

    def _reach(self, start: int) -> int:
        """How far a name from the first non-blank at or after ``start`` and the blanks
        after it reach: the first non-blank after the next line break."""
        return self._non_blank(self._break_after(self._non_blank(start)))

    def _non_blank(self, at: int) -> int:
        """The first position at or after ``at`` that is not blank (the end: none)."""
        match = _SPACE.match(self.text, at)
        return match.end() if match else len(self.text)

    def _break_after(self, at: int) -> int:
        """The first line break after ``at`` (the end of the text: none)."""
        index = bisect_right(self.breaks, at)
        return self.breaks[index] if index < len(self.breaks) else len(self.text)


@dataclass(frozen=True, slots=True)
class HeadingMatch:
    number: int | None


class HeadingMatcher:
    """``stem[ sep name]tail`` or ``stem name tail`` (``sep`` blank): the pattern
    ``^stem(?:\\s*sep\\s*(?P<name>.+?))?tail\\s*$`` or ``^stem\\s*(?P<name>.+?)tail\\s*$``,
    where the stem's words may hold ``(?P<number>\\d+)``.

    The tail must end the title, so it can start at one place only: the name is what lies
    between the stem and there.  Only a number that ends the stem can give digits back to
    the name (or to the tail), and then at most one shorter number can match, found by
    arithmetic rather than by trying each."""

    def __init__(self, stem: str, sep: str, tail: str, *, numbered: bool) -> None:
        """``stem`` is the stem's pattern, ``sep`` the separator (stripped, "" for none)
        and ``tail`` the text after the placeholder."""
        self.stem = re.compile(stem, _FLAGS)
        self.sep = re.compile(rf"\s*{re.escape(sep)}(?:{_NAME.pattern})", _FLAGS) if sep else None
        tail_pattern = loose(tail, _SOME_BLANKS)
        self.tail = re.compile(rf"{tail_pattern}\s*$", _FLAGS) if tail_pattern else None
        self.numbered = numbered
        self.number_last = numbered and stem.endswith(r"(?P<number>\d+)")

    def match(self, title: str) -> HeadingMatch | None:
        text = title.strip()
        stem = self.stem.match(text)
        if stem is None:
            return None
        if self.tail is None:
            tail_at = len(text)
        else:
            tail = self.tail.search(text)
            if tail is None:
                return None
            tail_at = tail.start()
        if self._rest(text, stem.end(), tail_at):
            return HeadingMatch(int(stem["number"]) if self.numbered else None)
        if not self.number_last:
            return None
        first, last = stem.span("number")
        digits = self._shorter(text, first, last, tail_at)
        return HeadingMatch(int(text[first : first + digits])) if digits else None

    def _rest(self, text: str, at: int, tail_at: int) -> bool:
        """Whether the part after the stem, from ``at``, reads as a name then the tail."""
        if tail_at < at:
            return False
        if self.sep is None:
            return _NAME.fullmatch(text, at, tail_at) is not None
        return tail_at == at or self.sep.fullmatch(text, at, tail_at) is not None

    def _shorter(self, text: str, first: int, last: int, tail_at: int) -> int:
        """The most digits short of all (``text[first:last]``) that let the rest match;
        0 when none does.  What follows a shorter number starts with a digit, so it is
        never a separator: with one, the tail must start right there; without, the name
        runs from there to the tail and must hold no line break."""
        if self.sep is not None:
            return tail_at - first if first < tail_at < last else 0
        if tail_at > last and "\n" in text[last:tail_at]:
            return 0
        digits = min(last - first - 1, tail_at - first - 1)
        return max(0, digits)
