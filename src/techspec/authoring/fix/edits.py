"""Text edits at exact offsets, and the lines of a text as the parser splits them."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate, pairwise, repeat
from operator import add

from techspec.document.model import Block, Section, Table

_EOL = re.compile(r"\r\n|\r|\n")
_CONTINUATION = re.compile(rb"[\x80-\xbf]")


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` with ``new``; offsets index the whole text, BOM included.
    Safe repairs only insert (``start == end``)."""

    start: int
    end: int
    new: str


class SourceLines:
    """The text's lines, split at CR LF, CR or LF as the parser splits them; 1-based."""

    def __init__(self, text: str, parsed: tuple[bytes, list[int]] | None = None) -> None:
        """``parsed`` is the UTF-8 body and its line starts in bytes, as the parser found
        them (:func:`techspec.document.parser.parsed_lines`): then each line's offsets are worked
        out only when asked for, rather than splitting the whole text."""
        self.text = text
        self.origin = origin = 1 if text.startswith("\ufeff") else 0
        self.eol = "\n"
        self._starts: list[int] | None = None
        self._stops: list[int] | None = None
        self._bytes: list[int] = []
        self._wide: list[int] = []
        self._end = len(text) - 1 if text.endswith("\n") else len(text)
        if parsed is not None and "\r" not in text:
            data, self._bytes = parsed
            self._wide = _continuations(data, 0, len(data))
            self.count = len(self._bytes) - (1 if self._bytes[-1] == len(data) else 0)
            return
        if "\r" in text:
            breaks = [match.span() for match in _EOL.finditer(text, origin)]
            starts = [origin] + [end for _, end in breaks]
            stops = [start for start, _ in breaks] + [len(text)]
            self.eol = text[breaks[0][0] : breaks[0][1]] if breaks else "\n"
        else:  # computed in C: each line starts after the last one's "\n"
            ends = list(accumulate(map(len, text[origin:].split("\n"))))
            stops = list(map(add, ends, range(origin, origin + len(ends))))
            starts = [origin, *map(add, stops[:-1], repeat(1))]
        if starts[-1] == len(text):  # nothing after the last line ending
            starts.pop()
            stops.pop()
        self._starts, self._stops = starts, stops
        self.count = len(starts)

    @property
    def starts(self) -> list[int]:
        """Where each line starts (an offset into the text, BOM included)."""
        if self._starts is None:
            self._starts = [self.start(line) for line in range(1, self.count + 1)]
        return self._starts

    @property
    def stops(self) -> list[int]:
        """Where each line's content ends, before its line ending."""
        if self._stops is None:
            self._stops = [self._stop(line) for line in range(1, self.count + 1)]
        return self._stops

    def _stop(self, line: int) -> int:
        if self._stops is not None:
            return self._stops[line - 1]
        return self.start(line + 1) - 1 if line < self.count else self._end

    def content(self, line: int) -> str:
        if 1 <= line <= self.count:
            return self.text[self.start(line) : self._stop(line)]
        return ""

    def blank(self, line: int) -> bool:
        return 1 <= line <= self.count and not self.content(line).strip()

    def start(self, line: int) -> int:
        if line < 1:
            return self.origin
        if line > self.count:
            return len(self.text)
        if self._starts is not None:
            return self._starts[line - 1]
        offset = self._bytes[line - 1]  # in bytes: less one per continuation byte before it
        return offset - bisect_left(self._wide, offset) + self.origin

    def length(self, line: int) -> int:
        """The characters of ``line``'s content (0 outside the text), without a copy of it."""
        return max(0, self._stop(line) - self.start(line)) if 1 <= line <= self.count else 0

    def content_end(self, line: int) -> int:
        return self.start(line) + self.length(line)

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based ``(line, character column)`` of an offset."""
        line = max(1, bisect_right(self.starts, offset))
        return line, offset - self.start(line) + 1

    def after(self, line: int, lines: list[str]) -> Edit:
        """Insert whole lines after ``line`` (0: at the top)."""
        body = "".join(text + self.eol for text in lines)
        if line < self.count:
            at = self.start(line + 1)
            return Edit(at, at, body)
        ended = self.count == 0 or self._stop(self.count) < len(self.text)
        return Edit(len(self.text), len(self.text), ("" if ended else self.eol) + body)

    def block_after(self, line: int, lines: list[str]) -> Edit:
        """Insert a block after content line ``line``, a blank line either side."""
        if self.blank(line + 1):
            edit = self.after(line + 1, lines)
            follows = line + 2 <= self.count and not self.blank(line + 2)
        else:
            edit = self.after(line, ([""] if line >= 1 else []) + lines)
            follows = line + 1 <= self.count
        return Edit(edit.start, edit.end, edit.new + (self.eol if follows else ""))


def _continuations(data: bytes, start: int, end: int) -> list[int]:
    """Offsets of UTF-8 continuation bytes in ``data[start:end]``, found by halving: a
    text with a few non-ASCII characters is mostly skipped at C speed."""
    if data[start:end].isascii():
        return []
    if end - start <= 64:
        return [match.start() for match in _CONTINUATION.finditer(data, start, end)]
    middle = (start + end) // 2
    return _continuations(data, start, middle) + _continuations(data, middle, end)


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply edits computed against ``text``; edits at one offset keep their order."""
    parts: list[str] = []
    position = 0
    for edit in sorted(edits, key=lambda e: e.start):
        if edit.start < position:
            continue  # overlaps an edit already applied
        parts += [text[position : edit.start], edit.new]
        position = edit.end
    return "".join([*parts, text[position:]])


def unified_diff(path: str, before: str, after: str) -> str:
    """A diff of one file that ``git apply`` takes."""
    import difflib  # only ``--diff`` needs it: loading it costs every ``fix`` run

    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}"
    )
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n" for line in lines)


# -- Markdown line shapes ---------------------------------------------------------------

HASHES = re.compile(r"^( {0,3})(#{1,6})")
BREAK = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
COMMENT_LINE = re.compile(r"^[ \t]*<!--.*-->[ \t]*$")
TASK = re.compile(
    r"^(?P<indent>[ \t]*)(?:(?P<bullet>[-+*])|(?P<number>\d{1,9})(?P<delim>[.)]))(?P<gap>[ \t]+)\["
)
PIPE = re.compile(r"(?<!\\)(?:\\\\)*\|")


def level(hashes: str, shift: int) -> int:
    return min(6, max(1, len(hashes) + shift))


def extent(section: Section) -> int:
    """The last line of a template section's own text, without the ``---`` and labelled
    tables (Document History) that close the template after it."""
    if section.children:
        return extent(section.children[-1])
    kept = section.blocks[: closing(section.blocks)]
    return kept[-1].end_line if kept else section.line


def closing(blocks: list[Block]) -> int:
    """Index of the first block of the closing run: ``---`` rules and labelled tables,
    each with the bold label paragraph above it."""
    index = len(blocks)
    while index > 0:
        node = blocks[index - 1].node
        if blocks[index - 1].kind == "rule":
            index -= 1
        elif isinstance(node, Table) and node.label is not None:
            index -= 2 if index > 1 and blocks[index - 2].kind == "paragraph" else 1
        else:
            break
    return index


def closing_start(sections: list[Section], line_count: int) -> int:
    """The first line of the closing run of the document, when it ends with a labelled
    table (a missing last section goes above it); else past the end.  ``sections`` are
    the top-level ones."""
    last = sections[-1] if sections else None
    while last is not None and last.children:  # the last section in document order
        last = last.children[-1]
    blocks = last.blocks if last is not None else []
    node = blocks[-1].node if blocks else None
    if not isinstance(node, Table) or node.label is None:
        return line_count + 1
    return blocks[closing(blocks)].line


def break_token(line: str) -> str:
    if line.rstrip().endswith("\\"):
        return "\\"
    return "  " if line.endswith("  ") else ""


def has_break(line: str, token: str) -> bool:
    return line.rstrip().endswith("\\") if token == "\\" else line.endswith(token)


def cell_insert(content: str, index: int, text: str) -> tuple[int, str]:
    """Where (column offset) and what to insert so that ``text`` becomes cell ``index``."""
    pipes = [match.end() - 1 for match in PIPE.finditer(content)]
    lead = bool(pipes) and pipes[0] == len(content) - len(content.lstrip())
    trail = bool(pipes) and pipes[-1] == len(content.rstrip()) - 1 and len(pipes) > int(lead)
    cells = len(pipes) + 1 - lead - trail
    if index < cells:
        if lead:
            return pipes[index] + 1, f" {text} |"
        if index == 0:
            return len(content) - len(content.lstrip()), f"{text} | "
        return pipes[index - 1] + 1, f" {text} |"
    if trail:
        return pipes[-1] + 1, f" {text} |"
    return len(content.rstrip()), f" | {text}"


def cell_widths(content: str) -> tuple[list[int], bool]:
    """The inner width of each header cell, and whether the row has outer pipes."""
    pipes = [match.end() - 1 for match in PIPE.finditer(content)]
    lead = bool(pipes) and pipes[0] == len(content) - len(content.lstrip())
    bounds = (
        ([] if lead else [-1]) + pipes + ([] if content.rstrip().endswith("|") else [len(content)])
    )
    return [max(0, b - a - 3) for a, b in pairwise(bounds)], lead


# -- the document's own style, and places no repair writes in ---------------------------

_FIELD_SHAPE = re.compile(r"^(?P<prefix>[ \t]*(?:[-*+][ \t]+)?)(?P<bold>\*\*|__)?")


def field_line(model: str, key: str, value: str) -> str:
    """``key`` and ``value`` written as the field line ``model`` is: ``**Key**: value``,
    ``**Key:** value``, ``- **Key:** value`` or ``- Key: value``."""
    match = _FIELD_SHAPE.match(model)
    assert match is not None  # every part of the pattern is optional
    prefix, bold = match["prefix"], match["bold"]
    if not bold:
        return f"{prefix}{key}: {value}"
    rest = model[match.end() :]
    close = rest.find(bold)
    if close > 0 and rest[close - 1] == ":":
        return f"{prefix}{bold}{key}:{bold} {value}"
    return f"{prefix}{bold}{key}{bold}: {value}"


def is_bullet(line: str) -> bool:
    match = _FIELD_SHAPE.match(line)
    return match is not None and match["prefix"].strip() != ""


_COMMENT_ONLY = re.compile(r"^[ \t]*<!--(?P<inner>.*?)-->[ \t]*$")
_STARTS = ("start", "begin")


def protected_ranges(lines: SourceLines) -> list[tuple[int, int]]:
    """``(first, last)`` line of each span no repair writes inside: an HTML comment over
    several lines, and a generated block between a marker comment and its end marker
    (``<!-- toc -->`` ... ``<!-- tocstop -->``, ``<!-- START doctoc -->`` ... ``<!-- END
    doctoc -->``, ``<!-- x -->`` ... ``<!-- /x -->``).  One pass over the lines, with a
    dictionary of the end markers still open: linear in the text."""
    ranges: list[tuple[int, int]] = []
    waiting: dict[str, int] = {}  # an end marker -> the line of the earliest opener
    opened: int | None = None  # the first line of a comment not yet closed
    for number in range(1, lines.count + 1):
        text = lines.content(number)
        if opened is not None:
            if "-->" in text:
                ranges.append((opened, number))
                opened = None
            continue
        marker = _COMMENT_ONLY.match(text)
        if marker is None:
            start = text.rfind("<!--")
            if start >= 0 and "-->" not in text[start:]:
                opened = number
            continue
        name = " ".join(marker["inner"].split()).casefold()
        if name in waiting:
            ranges.append((waiting.pop(name), number))
            continue
        for closer in _closers(name):
            waiting.setdefault(closer, number)
    return ranges


def _closers(name: str) -> list[str]:
    if not name:
        return []
    found = [f"{name}stop", f"{name} stop", f"{name}-stop", f"/{name}", f"end {name}"]
    found += [f"{name} end", f"{name}:end", f"{name}-end", f"end-{name}", f"{name}end"]
    for start in _STARTS:
        if name.startswith(start):
            found.append("end" + name[len(start) :])
        if name.endswith(start):
            found.append(name[: -len(start)] + "end")
    return found


def outside(line: int, ranges: list[tuple[int, int]]) -> int:
    """``line`` or, when inserting after it would land inside a protected span, the
    span's last line (the insertion goes after the span)."""
    for first, last in ranges:
        if first <= line < last:
            return last
    return line


_DEFINITION = re.compile(r"^ {0,3}\[(?P<label>[^\[\]\n]+)\]:[ \t]*\S")
_REFERENCE = re.compile(r"(?<!\\)\[(?P<text>[^\[\]\n]*)\](?:\[(?P<label>[^\[\]\n]*)\])?(?![(:])")


def definitions(lines: SourceLines) -> dict[str, int]:
    """Link reference definitions (``[label]: url``) by normalized label -> their line."""
    found: dict[str, int] = {}
    for number in range(1, lines.count + 1):
        match = _DEFINITION.match(lines.content(number))
        if match:
            found.setdefault(label_key(match["label"]), number)
    return found


def references(text: str) -> list[str]:
    """The labels that reference links in ``text`` use (``[text]``, ``[text][label]``),
    normalized."""
    found: list[str] = []
    for match in _REFERENCE.finditer(text):
        label = match["label"] or match["text"]
        if label.strip():
            found.append(label_key(label))
    return found


def label_key(label: str) -> str:
    return " ".join(label.split()).casefold()


def without_link_markup(text: str) -> str:
    """``Docs in [website]`` and ``Docs in [the site][website]`` -> ``Docs in website``
    (``the site``): an item whose reference is undefined reads as its words."""
    return _REFERENCE.sub(lambda m: m["text"], text)
