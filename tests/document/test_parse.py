"""The parser: a structured, position-exact, lossless view of a spec."""

from __future__ import annotations

from pathlib import Path

from techspec import parse
from techspec.document.model import CodeBlock, Spec

FIXTURE = (Path(__file__).parents[1] / "fixtures" / "approved.md").read_text("utf-8")

SMALL = """\
# Technical Specification: Ledger

**Document Version**: 1.2\\
**Author**: Ada Lovelace\\
**Status**: Review

## Technical Design

### API Design

#### Endpoints

```http
GET /api/v1/entries
```

## Dependencies & Risks

| Risk | Probability | Note |
| ---- | ----------- | ---- |
| Outage | High | a \\| b |

- [ ] open task
- [x] done task with [a link](https://example.com)
"""


def small() -> Spec:
    return parse(SMALL, "small.md")


def test_title_and_metadata_fields_carry_their_lines_and_value_columns() -> None:
    spec = small()
    assert spec.title == "Technical Specification: Ledger"
    assert [(f.key, f.value, f.line) for f in spec.metadata] == [
        ("Document Version", "1.2", 3),
        ("Author", "Ada Lovelace", 4),
        ("Status", "Review", 5),
    ]
    author = spec.metadata[1]
    assert SMALL.splitlines()[author.line - 1][author.value_column - 1 :] == "Ada Lovelace\\"
    assert spec.status == "Review"


def test_sections_form_a_tree_with_paths_and_line_spans() -> None:
    spec = small()
    paths = [s.path for s in spec.walk()]
    assert paths == [
        "Technical Design",
        "Technical Design/API Design",
        "Technical Design/API Design/Endpoints",
        "Dependencies & Risks",
    ]
    design = spec.section("Technical Design")
    assert design is not None
    assert (design.line, design.end_line, design.level) == (7, 15, 2)
    endpoints = spec.section("Technical Design/API Design/Endpoints")
    assert endpoints is not None and endpoints.level == 4


def test_code_blocks_keep_info_string_content_and_lines() -> None:
    endpoints = small().section("Technical Design/API Design/Endpoints")
    assert endpoints is not None
    [code] = endpoints.code_blocks
    assert isinstance(code, CodeBlock)
    assert (code.info, code.content, code.line, code.end_line) == (
        "http",
        "GET /api/v1/entries\n",
        13,
        15,
    )


def test_table_cells_have_line_and_column_and_unescape_pipes() -> None:
    [table] = small().tables
    assert table.columns == ["Risk", "Probability", "Note"]
    outage, high, note = table.rows[0]
    assert (outage.text, outage.line, outage.column) == ("Outage", 21, 3)
    assert (high.text, high.column) == ("High", 12)
    assert note.text == "a | b"


def test_checklists_know_their_state_and_position() -> None:
    items = small().checklist
    assert [(i.text, i.checked, i.line, i.column) for i in items] == [
        ("open task", False, 23, 7),
        ("done task with a link", True, 24, 7),
    ]


def test_links_are_collected_with_target_and_position() -> None:
    [link] = small().links
    assert (link.text, link.target, link.line, link.column) == (
        "a link",
        "https://example.com",
        24,
        22,
    )


def test_the_original_text_is_kept_byte_for_byte() -> None:
    text = "\ufeff# Technical Specification: X\r\n\r\n**Status**: Draft\r\n"
    assert parse(text).text is text


def test_crlf_line_endings_give_the_same_lines_as_lf() -> None:
    crlf = parse(SMALL.replace("\n", "\r\n"))
    lf = small()
    assert [(s.path, s.line, s.end_line) for s in crlf.walk()] == [
        (s.path, s.line, s.end_line) for s in lf.walk()
    ]
    assert crlf.metadata[1].value == "Ada Lovelace"
    assert crlf.tables[0].rows[0][2].text == "a | b"


def test_a_byte_order_mark_does_not_shift_columns() -> None:
    spec = parse("\ufeff# Technical Specification: X\n\n**Author**: [Name]\n")
    assert spec.title == "Technical Specification: X"
    assert (spec.placeholders[0].line, spec.placeholders[0].column) == (3, 13)


def test_columns_count_characters_not_bytes() -> None:
    spec = parse("# Tïtle\n\n**Autör**: Zoë [Name]\n")
    [placeholder] = spec.placeholders
    assert (placeholder.line, placeholder.column) == (3, 16)
    assert spec.metadata[0].value_column == 12


def test_tabs_count_as_one_column() -> None:
    spec = parse("# T\n\n| a\t| b |\n|---|---|\n|\tx | [y] |\n")
    row = spec.tables[0].rows[0]
    assert row[0].column == 3
    assert spec.placeholders[0].column == 7


def test_setext_headings_are_sections() -> None:
    spec = parse("Technical Specification: X\n===\n\nScope\n-----\n\ntext\n")
    assert spec.title == "Technical Specification: X"
    assert [(s.title, s.level, s.line) for s in spec.walk()] == [("Scope", 2, 4)]


def test_html_comments_are_comments_not_content() -> None:
    spec = parse("# T\n\n<!-- techspec-disable TS101 -->\n\ntext <!-- inline -->\n")
    assert [(c.text, c.line, c.column) for c in spec.comments] == [
        ("techspec-disable TS101", 3, 1),
        ("inline", 5, 6),
    ]


def test_front_matter_is_kept_apart_from_the_body() -> None:
    spec = parse("---\nowner: payments\n---\n\n# Technical Specification: X\n")
    assert spec.front_matter == "owner: payments\n"
    assert spec.title == "Technical Specification: X"
    assert spec.title_line == 5


def test_placeholders_exclude_links_task_boxes_footnotes_and_code_spans() -> None:
    text = (
        "# T\n\n[real](https://x) [ref][1] [^1] `[code]` \\[escaped] ![img](a.png) [Keep me]\n\n"
        "- [ ] task\n- [x] done\n\n[1]: https://example.com\n[^1]: note\n"
    )
    assert [p.text for p in parse(text).placeholders] == ["[Keep me]"]


def test_placeholders_inside_code_blocks_are_marked_as_in_code() -> None:
    spec = parse("# T\n\n```sql\nCREATE TABLE [table_name] ();\n```\n")
    [placeholder] = spec.placeholders
    assert placeholder.in_code and placeholder.text == "[table_name]"
    assert (placeholder.line, placeholder.column) == (4, 14)


def test_a_bold_paragraph_labels_the_table_under_it() -> None:
    spec = parse(FIXTURE)
    history = spec.table("Document History")
    assert history is not None
    assert history.columns == ["Version", "Date", "Author", "Changes"]


def test_section_fields_are_parsed_like_metadata() -> None:
    spec = parse(FIXTURE)
    phase = spec.section("Implementation Plan/Phase 1: Foundations")
    assert phase is not None
    duration = phase.field("Duration")
    assert duration is not None and duration.value == "Estimated time"


def test_the_whole_template_parses_into_its_outline() -> None:
    spec = parse(FIXTURE)
    tops = [s.title for s in spec.sections]
    assert tops[0] == "Executive Summary" and tops[-1] == "Appendices"
    assert len(list(spec.walk())) == 63
    assert spec.line_count == FIXTURE.count("\n")


def test_to_dict_is_json_ready() -> None:
    import json

    data = small().to_dict()
    assert json.loads(json.dumps(data))["sections"][0]["path"] == "Technical Design"
    assert data["metadata"][0]["key"] == "Document Version"


def test_nested_lists_keep_each_item_text_separate() -> None:
    spec = parse("# T\n\n## S\n\n- parent\n  - [x] child\n- sibling\n")
    items = spec.sections[0].lists[0].items
    assert [(i.text, i.depth, i.checked) for i in items] == [
        ("parent", 0, None),
        ("child", 1, True),
        ("sibling", 0, None),
    ]
