"""Byte offsets in a UTF-8 text, read as 1-based lines and character columns.

pulldown-cmark reports where each event starts and ends in bytes; findings and the
model speak of lines and characters.  :class:`Positions` turns one into the other, in
time linear in the text however many offsets are asked for (a table of 100,000 cells on
one line included).
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from collections.abc import Callable
from typing import Generic, TypeVar

LINE_END = re.compile(rb"\r\n?|\n")
_CONTINUATION = bytes(range(0x80, 0xC0))
STRIDE = 256
"""Items (bytes, characters) between the checkpoints of a long line's count."""
Text = TypeVar("Text", str, bytes)


class LongLines(Generic[Text]):
    """A count (characters, code units) of the start of a line, for many positions on
    long lines: a line is counted once, into checkpoints every :data:`STRIDE` items, and
    each position from the checkpoint before it.  A table row or a paragraph on one long
    line holds many cells, placeholders or findings, and counting each from the line
    start would be quadratic."""

    def __init__(self, text: Text, counter: Callable[[Text], int]) -> None:
        self.text: Text = text
        self.counter: Callable[[Text], int] = counter
        self._marks: dict[int, list[int]] = {}

    def count(self, line: int, start: int, end: int, offset: int) -> int:
        """``counter(text[start:offset])``, where ``line`` spans ``text[start:end]``."""
        text, counter = self.text, self.counter
        if offset - start <= STRIDE:
            return counter(text[start:offset])
        marks = self._marks.get(line)
        if marks is None:
            marks = [0]
            for base in range(start, end - STRIDE + 1, STRIDE):
                marks.append(marks[-1] + counter(text[base : base + STRIDE]))
            self._marks[line] = marks
        step = min((offset - start) // STRIDE, len(marks) - 1)
        return marks[step] + counter(text[start + step * STRIDE : offset])


class Positions:
    """Maps UTF-8 byte offsets to 1-based (line, character column) pairs.

    ``first_line`` numbers the first line of ``data``: a slice of a document that starts at
    a line start keeps the document's line numbers.
    """

    def __init__(self, data: bytes, first_line: int = 1) -> None:
        self.data = data
        self.starts = [0] + [m.end() for m in LINE_END.finditer(data)]
        self.ascii = data.isascii()
        self.shift = first_line - 1
        self._long = LongLines(data, _characters)
        # The line of the last offset asked for (its index and bounds), and on it the
        # characters before that offset: consecutive offsets mostly fall on one line, in
        # order, and are counted from there.
        self._index = 0
        self._low = 0
        self._high = -1
        self._cursor = 0
        self._counted = 0

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, offset) + self.shift

    def places(self, offsets: list[int]) -> tuple[list[int], list[int]]:
        """The lines and the columns of ``offsets``, as :meth:`at` gives each (a table's
        cells, a paragraph's placeholders: many at once, mostly several on a line, in
        order: the line of the last one is tried first)."""
        if not self.ascii:
            at = self.at
            places = [at(offset) for offset in offsets]
            return [line for line, _ in places], [column for _, column in places]
        starts, shift, count = self.starts, self.shift, len(self.starts)
        lines: list[int] = []
        columns: list[int] = []
        index, low, high = 0, 0, -1
        for offset in offsets:
            if not low <= offset < high:
                index = bisect_right(starts, offset)
                low = starts[index - 1]
                high = starts[index] if index < count else sys.maxsize
            lines.append(index + shift)
            columns.append(offset - low + 1)
        return lines, columns

    def at(self, offset: int) -> tuple[int, int]:
        if self._low <= offset < self._high:
            index = self._index
        else:
            starts = self.starts
            self._index = index = bisect_right(starts, offset)
            self._low = self._cursor = starts[index - 1]
            self._high = starts[index] if index < len(starts) else sys.maxsize
            self._counted = 0
        if self.ascii:
            return index + self.shift, offset - self._low + 1
        cursor = self._cursor
        if cursor <= offset <= cursor + STRIDE:
            counted = self._counted + _characters(self.data[cursor:offset])
        else:
            counted = self._characters(index, self._low, offset)
        self._cursor, self._counted = offset, counted
        return index + self.shift, counted + 1

    def _characters(self, index: int, start: int, offset: int) -> int:
        """The characters in ``data[start:offset]``, where line ``index`` starts at ``start``
        (a long line's from its checkpoints, see :class:`LongLines`)."""
        end = self.starts[index] if index < len(self.starts) else len(self.data)
        return self._long.count(index, start, end, offset)

    def lines(self, start: int, end: int) -> tuple[int, int]:
        """The line of ``start`` and the line of the last character in ``[start, end)``
        (a trailing newline aside), with one search for a block on one line (most are)."""
        data, starts = self.data, self.starts
        while end > start and data[end - 1] in b"\r\n":
            end -= 1
        index = bisect_right(starts, start)
        last = max(start, end - 1)
        if index < len(starts) and last >= starts[index]:
            return index + self.shift, bisect_right(starts, last) + self.shift
        return index + self.shift, index + self.shift


def _characters(data: bytes) -> int:
    """The characters in UTF-8 ``data``: its bytes less its continuation bytes.  Equal to
    ``len(data.decode("utf-8", "replace"))`` for a slice that starts at a character, and,
    unlike it, additive over slices that start anywhere."""
    return len(data.translate(None, _CONTINUATION))
