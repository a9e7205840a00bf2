"""Fields written the ways templates write them: bold lines, a list of ``Key: value``
items before the first section, and YAML front matter; and the outline that reads a
document in its template's shape (no title, or a setext title)."""

from __future__ import annotations

from techspec.document.outline import outline
from techspec.document.parser import parse
from techspec.document.reparse import reparse


def fields(text: str) -> list[tuple[str, str, int, int, int, str]]:
    return [
        (f.key, f.value, f.line, f.column, f.value_column, f.source) for f in parse(text).metadata
    ]


def test_a_list_of_key_value_items_before_the_first_section_is_metadata() -> None:
    text = (
        "- Feature Name: `reload`\n- **Author:** Ada\n- Tracking Issue: [#12](https://x/12)\n\n"
        "# Summary\n"
    )
    assert fields(text) == [
        ("Feature Name", "`reload`", 1, 3, 17, "list"),
        ("Author", "Ada", 2, 5, 15, "list"),
        ("Tracking Issue", "[#12](https://x/12)", 3, 3, 19, "list"),
    ]


def test_lists_that_are_not_all_fields_are_plain_lists() -> None:
    assert fields("- Feature Name: x\n- just an item\n") == []
    assert fields("- [ ] Events\n  - Event reason:\n- [ ] Other\n  - Details:\n") == []
    assert fields("- see https://example.org\n") == []
    assert fields("1. Step: one\n2. Step: two\n") == []


def test_a_list_of_fields_inside_a_section_is_not_a_section_field() -> None:
    spec = parse("# T\n\n## Requirements\n\n- **Business**: [link]\n")
    assert spec.sections[0].fields == [] and spec.metadata == []


def test_front_matter_key_value_lines_are_metadata_with_their_columns() -> None:
    text = '---\n# a comment\nstatus: "accepted"\ndate: 2026-02-11\nnested:\n  - x\n---\n\n# T\n'
    assert fields(text) == [
        ("status", "accepted", 3, 1, 10, "front-matter"),
        ("date", "2026-02-11", 4, 1, 7, "front-matter"),
        ("nested", "", 5, 1, 8, "front-matter"),
    ]


def test_bold_fields_keep_their_source() -> None:
    assert fields("# T\n\n**Status:** Draft\n")[0][-1] == "bold"


def test_a_reparse_keeps_list_and_front_matter_fields() -> None:
    text = (
        "---\nstatus: draft\n---\n\n- Feature Name: x\n- Start Date: 2026-01-01\n\n"
        "# Summary\n\nText.\n"
    )
    edited = text.replace("Text.", "More Text.")
    at = text.index("Text.")
    again = reparse(parse(text), [(at, "More ")])
    assert again.text == edited
    assert again.metadata == parse(edited).metadata
    moved = reparse(parse(text), [(text.index("- Feature"), "Intro.\n\n")], reuse=True)
    assert moved.metadata == parse(moved.text).metadata
    assert [f.source for f in moved.metadata] == ["front-matter", "list", "list"]


def test_outline_without_a_title_makes_the_first_h1_a_section() -> None:
    spec = parse(
        "- Feature Name: x\n\n# Summary\n\nOne line.\n\n## Detail\n\nMore.\n\n"
        "# Motivation\n\nWhy.\n"
    )
    shape = outline(spec, None)
    assert shape.title is None
    assert [s.title for s in shape.sections] == ["Summary", "Motivation"]
    summary = shape.sections[0]
    assert [b.text for b in summary.blocks] == ["One line."]
    assert [c.title for c in summary.children] == ["Detail"]
    assert [f.key for f in shape.metadata] == ["Feature Name"]


def test_outline_with_a_setext_title_at_level_two_takes_the_first_section() -> None:
    spec = parse("Ledger\n------\n\n**Author:** Ada\n\nOverview\n--------\n\nText.\n")
    shape = outline(spec, 2)
    assert (shape.title, shape.title_line) == ("Ledger", 1)
    assert [f.key for f in shape.metadata] == ["Author"]
    assert [s.title for s in shape.sections] == ["Overview"]


def test_outline_at_level_one_is_the_parsers_reading() -> None:
    spec = parse("# Title\n\n**Status**: Draft\n\n## A\n")
    shape = outline(spec, 1)
    assert shape.title == "Title" and shape.sections == spec.sections
