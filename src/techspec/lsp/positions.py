"""Positions: techspec counts 1-based lines and characters; the protocol counts 0-based
lines and code units of the encoding agreed at start-up (UTF-16 unless the client offers
UTF-8 or UTF-32)."""

from __future__ import annotations

from collections.abc import Callable

from lsprotocol import types

from techspec.authoring.fix import Edit, SourceLines
from techspec.document.offsets import LongLines


def _utf16(text: str) -> int:
    """Code units: two for a character beyond the BMP, one for any other (a lone surrogate
    too), counted by the codec rather than a loop over the characters."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _utf8(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


_UNITS: dict[str, Callable[[str], int]] = {"utf-8": _utf8, "utf-16": _utf16, "utf-32": len}


class Positions:
    """One document's text, for converting positions both ways."""

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        self.lines = SourceLines(text)
        self.units = _UNITS.get(str(encoding), _utf16)
        self.bom = "\ufeff" if self.lines.origin else ""
        self._long = LongLines(self.lines.text, self.units)

    def _prefix(self, line: int) -> str:
        """What the client counts before techspec's column 1 (the BOM, on line 1)."""
        return self.bom if line == 1 else ""

    def to_lsp(self, line: int, column: int) -> types.Position:
        """A 1-based line and character column as a protocol position."""
        if line > self.lines.count:
            return self.end()
        number = max(1, line)
        width = min(max(0, column - 1), self.lines.length(number))
        units = self.units(self._prefix(line)) + self._units(number, width)
        return types.Position(max(0, line - 1), units)

    def _units(self, line: int, width: int) -> int:
        """The units of the first ``width`` characters of ``line`` (a long line's from its
        checkpoints: many findings on one long line were quadratic)."""
        start = self.lines.start(line)
        return self._long.count(line, start, start + self.lines.length(line), start + width)

    def end_of_line(self, line: int) -> types.Position:
        return self.to_lsp(line, self.lines.length(line) + 1)

    def end(self) -> types.Position:
        count = self.lines.count
        if count == 0:
            return types.Position(0, self.units(self.bom))
        if self.lines.stops[-1] < len(self.lines.text):
            return types.Position(count, 0)
        return self.end_of_line(count)

    def from_lsp(self, position: types.Position) -> tuple[int, int]:
        """A protocol position as a 1-based (line, character column)."""
        line = position.line + 1
        text = self._prefix(line) + self.lines.content(line)
        units = 0
        index = 0
        while index < len(text) and units < position.character:
            units += self.units(text[index])
            index += 1
        return line, max(1, index - len(self._prefix(line)) + 1)

    def offset_to_lsp(self, offset: int) -> types.Position:
        line, column = self.lines.position(offset)
        if line <= self.lines.count and offset > self.lines.content_end(line):
            return types.Position(line, 0)  # past the line ending: the next line's start
        return self.to_lsp(line, column) if line <= self.lines.count else self.end()

    def range(self, line: int, column: int, end_line: int, end_column: int) -> types.Range:
        return types.Range(self.to_lsp(line, column), self.to_lsp(end_line, end_column))

    def text_edit(self, edit: Edit) -> types.TextEdit:
        start, end = self.offset_to_lsp(edit.start), self.offset_to_lsp(edit.end)
        return types.TextEdit(types.Range(start, end), edit.new)
