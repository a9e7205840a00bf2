"""Containers nested deeper than any document nests them are read as text, so a line of
``- - - ...`` or ``>>>...`` costs what a paragraph does (issue 14), and every position
reported on such a line is still the position in the file."""

from __future__ import annotations

import pytest

from techspec.document.markdown import MAX_NESTING, events
from techspec.document.parser import parse

HEAD = "# Technical Specification: Ledger\n\n**Status**: Draft\n\n"


@pytest.mark.parametrize("marker", ["- ", "> ", ">", "* ", "1. ", "12) "])
def test_a_line_nested_past_the_limit_makes_as_many_events_however_deep_it_goes(
    marker: str,
) -> None:
    counts = {len(events(marker * depth + "a\n")) for depth in (MAX_NESTING + 1, 1_000, 50_000)}
    assert len(counts) == 1


def test_nesting_up_to_the_limit_is_read_as_markdown_reads_it() -> None:
    shallow = events("- " * MAX_NESTING + "a\n")
    starts = [e for e, _span in shallow if isinstance(e, dict) and "Start" in e]
    assert sum(1 for e in starts if e["Start"] == "Item") == MAX_NESTING


def test_a_placeholder_after_deep_nesting_keeps_its_line_and_column() -> None:
    prefix = "> " * 200
    spec = parse(HEAD + prefix + "[Describe the ledger]\n")
    (placeholder,) = spec.placeholders
    assert (placeholder.line, placeholder.column) == (5, len(prefix) + 1)
    assert spec.text.endswith(prefix + "[Describe the ledger]\n")  # the text is untouched


def test_markers_on_other_lines_and_in_text_are_left_alone() -> None:
    text = HEAD + "- a\n  - b\n\nA dash - in text > and 1. there.\n"
    items = [e for e, _span in events(text) if e == {"Start": "Item"}]
    assert len(items) == 2
