"""The parser reads pulldown-cmark's events in one pass per block, as they come, with text
events merged, cells and placeholders in bulk (issue 14: 1 MiB of hostile text parsed and
linted in under a second).  Each shortcut must read exactly what the plain reading read:
these tests hold it to that plain reading, written out here as the reference, on the
template's own lines mixed with hostile fragments."""

from __future__ import annotations

import random
import re
from bisect import bisect_left
from itertools import accumulate
from pathlib import Path
from typing import Any

import pyromark
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from techspec.document import markdown
from techspec.document.events import rest, scan
from techspec.document.model import Cell, Table
from techspec.document.offsets import Positions
from techspec.document.parser import encode_body, parse
from techspec.document.pieces import _BRACKETS, _CODE_BRACKETS, read_pieces

TEMPLATE = (Path(__file__).parents[2] / "src/techspec/templates/technical-spec.md").read_text()
FRAGMENTS = [line + "\n" for line in TEMPLATE.splitlines()] + [
    "| a \\| b | [c] | `d|e` |\n",
    "|---|---|---|\n",
    "| x | [y](z) | ![i](j) |\n",
    "| short |\n",
    "**Document History**\n",
    "**bold** only\n",
    "*a_*a_[[[",
    "[x] [ x ] [X] [^1] [^note]: n [!NOTE] \\[esc] ![img] [a][b] [c]: /u [d](e)",
    "[\t] [ ]",
    "<!-- c --> <b>[in html]</b> `[in code]` $[m]$",
    "- [ ] task\n- [x] done\n  - nested [n]\n",
    "> quote [q]\n",
    "```\n[code] [x]\n```\n",
    "    [indented] code\n",
    "Zoë ☃ 𝄞 [é]\n",
    "# H [h]\n",
    "Setext [s]\n===\n",
    "a  \nb\\\nc\n",
    "\r\n",
    "\r",
    "\n\n",
    "[",
    "]",
    "|",
    "\\",
]

markdownish = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=50
).map("".join)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- the reference: the plain reading the one-pass reading replaced ----------------------


def top_level(evs: list[Any]) -> list[tuple[int, int]]:
    blocks, depth, first = [], 0, 0
    for index, (event, _) in enumerate(evs):
        if isinstance(event, dict) and "Start" in event:
            first = index if depth == 0 else first
            depth += 1
        elif isinstance(event, dict) and "End" in event:
            depth -= 1
            if depth == 0:
                blocks.append((first, index))
        elif depth == 0:
            blocks.append((index, index))
    return blocks


def plain_text(inner: list[Any]) -> str:
    parts = []
    for event, _ in inner:
        if isinstance(event, dict):
            text = event.get("Text") or event.get("Code")
            if text:
                parts.append(text)
        elif event in ("SoftBreak", "HardBreak"):
            parts.append(" ")
    return "".join(parts)


def is_bold_only(inner: list[Any]) -> bool:
    if len(inner) < 3 or inner[0][0] != {"Start": "Strong"} or inner[-1][0] != {"End": "Strong"}:
        return False
    return all(not (isinstance(e, dict) and ("Start" in e or "End" in e)) for e, _ in inner[1:-1])


Spans = list[tuple[int, int]]


def inline(inner: list[Any]) -> tuple[Spans, list[tuple[str, str, int]], Spans]:
    excluded: list[tuple[int, int]] = []
    links: list[tuple[str, str, int]] = []
    html: list[tuple[int, int]] = []
    stack: list[tuple[str, int, list[str]]] = []
    for event, span in inner:
        if not isinstance(event, dict):
            continue
        if "Start" in event:
            tag = event["Start"]
            if isinstance(tag, dict) and ("Link" in tag or "Image" in tag):
                target = str((tag.get("Link") or tag.get("Image") or {}).get("dest_url", ""))
                stack.append((target, span["start"], []))
                excluded.append((span["start"], span["end"]))
        elif "End" in event:
            if event["End"] in ("Link", "Image") and stack:
                target, start, parts = stack.pop()
                links.append(("".join(parts), target, start))
        elif "Text" in event:
            if stack:
                stack[-1][2].append(event["Text"])
        else:
            excluded.append((span["start"], span["end"]))
            if "InlineHtml" in event or "Html" in event:
                html.append((span["start"], span["end"]))
    return excluded, links, html


def table_cells(data: bytes, pos: Positions, inner: list[Any]) -> list[list[Cell]]:
    rows: list[list[Cell]] = [[]]
    for event, span in inner:
        if not isinstance(event, dict) or "Start" not in event:
            continue
        if event["Start"] == "TableRow":
            rows.append([])
        elif event["Start"] == "TableCell":
            raw = data[span["start"] : span["end"]]
            stripped = raw.lstrip(b" \t|")
            text = stripped.rstrip(b" \t|\r\n").decode("utf-8", "replace").replace("\\|", "|")
            line, column = Positions(data).at(span["start"] + len(raw) - len(stripped))
            rows[-1].append(Cell(text.strip(), line, column))
    return rows


def placeholders(
    data: bytes, start: int, end: int, excluded: list[tuple[int, int]], *, in_code: bool
) -> list[tuple[int, int]]:
    """The ``(start, end)`` byte spans of the placeholders, tested one candidate at a time."""
    candidates = re.compile(rb"\[(?=[^\[\]\r\n]*[^\[\]\s])(?P<inner>[^\[\]\r\n]*)\]")
    spans = sorted(excluded)
    starts = [a for a, _ in spans]
    reach = list(accumulate((b for _, b in spans), max))
    found = []
    for match in candidates.finditer(data, start, end):
        left, right = match.span()
        if match["inner"].strip() in {b"x", b"X", b" ", b""} or match["inner"].startswith(b"^"):
            continue
        if not in_code:
            if left > 0 and data[left - 1 : left] in (b"\\", b"]", b"!"):
                continue
            if data[right : right + 1] in (b"(", b"[", b":"):
                continue
            before = bisect_left(starts, right)
            if before and reach[before - 1] > left:
                continue
        found.append((left, right))
    return found


def opened(event: Any) -> str | None:
    """The name of the block a start event opens (``Table``, ``Paragraph``...), else None."""
    if not isinstance(event, dict) or "Start" not in event:
        return None
    tag = event["Start"]
    return tag if isinstance(tag, str) else next(iter(tag))


def blocks_of(text: str) -> tuple[bytes, list[Any]]:
    body, data, _ = encode_body(text)
    return data, markdown.events(body)


# -- the one-pass reading against it -----------------------------------------------------


@SETTINGS
@given(markdownish)
@example("**Document History**\n\n| a |\n|---|\n| [b] |\n\n**not** only\n\n**a** **b**\n")
@example("# [Title](u) `c` <!-- x -->\n\n**Status**: Draft\n\n- a [b](c)\n  - d\n")
def test_one_pass_over_a_block_finds_what_the_separate_passes_found(text: str) -> None:
    _, evs = blocks_of(text)
    stream = iter(evs)
    for first, last in top_level(evs):
        assert next(stream) is evs[first]  # the reader of the block before took all of its own
        if first == last:
            continue
        inner = evs[first + 1 : last]
        found = scan(stream)
        assert found.text == plain_text(inner)
        assert found.bold_only == is_bold_only(inner)
        assert found.first == (inner[0][1]["start"] if inner else None)
        assert (found.excluded, found.links, found.html) == inline(inner)
        assert found.cells == [s for e, s in inner if e == {"Start": "TableCell"}]
        cells_before = [
            sum(1 for e, _ in inner[:i] if e == {"Start": "TableCell"})
            for i, (e, _) in enumerate(inner)
            if e == {"Start": "TableRow"}
        ]
        assert found.rows == cells_before
    assert next(stream, None) is None


@SETTINGS
@given(markdownish)
def test_rest_takes_a_block_up_to_its_end(text: str) -> None:
    _, evs = blocks_of(text)
    stream = iter(evs)
    for first, last in top_level(evs):
        assert next(stream) is evs[first]
        if first != last:
            assert rest(stream) == evs[first + 1 : last]


@SETTINGS
@given(markdownish)
def test_merged_text_events_read_as_the_unmerged_ones(text: str) -> None:
    body, data, _ = encode_body(text)
    options = markdown._OPTIONS
    unmerged = pyromark.events_with_range(markdown._shallow(body), options=options)
    merged, split = (
        read_pieces(data, markdown.stream(body), Positions(data)),
        read_pieces(data, unmerged, Positions(data)),
    )
    assert merged.pieces == split.pieces
    assert (merged.links, merged.comments) == (split.links, split.comments)
    assert merged.placeholders == split.placeholders


@SETTINGS
@given(markdownish)
def test_tables_cells_are_the_ones_read_cell_by_cell(text: str) -> None:
    data, evs = blocks_of(text)
    pieces = read_pieces(data, iter(evs), Positions(data)).pieces
    tables = [p.block.node for p in pieces if p.block is not None and p.block.kind == "table"]
    references = [
        table_cells(data, Positions(data), evs[first + 1 : last])
        for first, last in top_level(evs)
        if opened(evs[first][0]) == "Table"
    ]
    assert len(tables) == len(references)
    for table, (header, *rows) in zip(tables, references, strict=True):
        assert isinstance(table, Table)
        assert (table.header, table.rows) == (header, rows)


@SETTINGS
@given(markdownish)
def test_placeholders_found_by_one_search_are_the_ones_tested_one_by_one(text: str) -> None:
    body, data, _ = encode_body(text)
    evs = markdown.events(body)
    spans = [(e, s["start"], s["end"]) for e, s in evs]
    found = {(p.line, p.column, p.end_column) for p in parse(text).placeholders}
    pos = Positions(data)
    expected = set()
    for first, last in top_level(evs):
        event, start, end = spans[first]
        inner = evs[first + 1 : last]
        name = opened(event)
        in_code = name == "CodeBlock"
        if in_code:
            if not inner:
                continue
            start, end = inner[0][1]["start"], inner[-1][1]["end"]
        elif name in (None, "HtmlBlock") or (name == "MetadataBlock" and pos.line(start) == 1):
            continue  # no inline content, or front matter
        excluded = [] if in_code else inline(inner)[0]
        for left, right in placeholders(data, start, end, excluded, in_code=in_code):
            line, column = pos.at(left)
            expected.add((line, column, pos.at(right)[1]))
    assert found == expected


BRACKETS = ["[x]", "[ X ]", "[\tx\t]", "[^1]", "[ ^1]", "\\[a]", "![a]", "][a]", "[a](b)"]
BRACKETS += ["[a][b]", "[a]:", "[ ]", "[\x0b]", "[a\x0bx]", "[é]", "[[a]]", "[a] [b]", "[x ]y]"]


@pytest.mark.parametrize("text", BRACKETS)
def test_each_kind_of_bracket_is_a_placeholder_as_it_was(text: str) -> None:
    data = text.encode()
    for in_code in (False, True):
        pattern = _CODE_BRACKETS if in_code else _BRACKETS
        searched = [m.span() for m in pattern.finditer(data, 0, len(data))]
        if not in_code:  # the block's end is where the search ends: the caller looks past it
            searched = [(a, b) for a, b in searched if data[b : b + 1] not in (b"(", b"[", b":")]
        assert searched == placeholders(data, 0, len(data), [], in_code=in_code)


# -- positions ----------------------------------------------------------------------------


@SETTINGS
@given(markdownish, st.randoms(use_true_random=False))
def test_positions_asked_in_any_order_or_in_bulk_are_those_counted_from_the_line_start(
    text: str, rng: random.Random
) -> None:
    data = encode_body(text)[1]
    offsets = [rng.randrange(len(data) + 1) for _ in range(40)]
    offsets += sorted(rng.randrange(len(data) + 1) for _ in range(40))
    shared = Positions(data, first_line=3)
    for offset in offsets:
        fresh = Positions(data, first_line=3)  # nothing asked before: counts from the start
        line = fresh.line(offset)
        line_start = fresh.starts[line - 3]
        column = len(data[line_start:offset].translate(None, bytes(range(0x80, 0xC0)))) + 1
        assert shared.at(offset) == (line, column)
    lines, columns = Positions(data, first_line=3).places(offsets)
    assert list(zip(lines, columns, strict=True)) == [shared.at(o) for o in offsets]


@pytest.mark.parametrize("cell", ["x", "é"])
def test_the_positions_of_many_offsets_at_once_are_those_of_each(cell: str) -> None:
    data = (f"| {cell} | [y] |\n" * 3_000 + f"| {cell} " * 3_000 + "|\n").encode()
    rng = random.Random(14)
    offsets = sorted(rng.randrange(len(data) + 1) for _ in range(2_000))
    lines, columns = Positions(data).places(offsets)
    assert list(zip(lines, columns, strict=True)) == [Positions(data).at(o) for o in offsets]


def test_a_long_non_ascii_line_is_counted_by_checkpoints_and_from_the_last_offset() -> None:
    data = ("é [todo] " * 2_000 + "\n" + "ü" * 900).encode()
    rng = random.Random(14)
    offsets = [rng.randrange(len(data)) for _ in range(300)]
    shared = Positions(data)
    for offset in offsets + sorted(offsets):
        expected_line = data[:offset].count(b"\n") + 1
        line_start = data.rfind(b"\n", 0, offset) + 1
        characters = len(data[line_start:offset].translate(None, bytes(range(0x80, 0xC0))))
        assert shared.at(offset) == (expected_line, characters + 1)


def test_a_block_on_one_line_and_on_several_gets_its_first_and_last_lines() -> None:
    data = b"one\r\ntwo\nthree\rfour\n\n"
    pos = Positions(data)
    for start in range(len(data)):
        for end in range(start, len(data) + 1):
            last = end
            while last > start and data[last - 1] in b"\r\n":
                last -= 1
            assert pos.lines(start, end) == (pos.line(start), pos.line(max(start, last - 1)))
