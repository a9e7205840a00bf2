"""``fix`` writes the way the document writes and never where it must not: fields in the
document's own style, nothing inside comments or generated blocks, no second copy of an
item that only differs in link markup, no broken link references, no example rows in a
filled table."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from techspec.authoring.fix import SourceLines, fix_text
from techspec.authoring.fix.edits import definitions, protected_ranges, references
from techspec.lint.linter import lint_text
from techspec.lint.template import Template
from test_linear_time import CEILING, slowdown

CLEAN = (Path(__file__).parents[1] / "fixtures" / "approved.md").read_text("utf-8")
DAY = date(2026, 4, 1)


def fixed(text: str, template: Template | None = None) -> str:
    return fix_text(text, template, today=DAY).text


# -- the document's own field style ----------------------------------------------------------


def test_a_document_writing_the_colon_inside_the_bold_gets_its_missing_field_that_way() -> None:
    colon_inside = CLEAN
    for key in ("Document Version", "Date", "Status", "Reviewers"):
        colon_inside = colon_inside.replace(f"**{key}**:", f"**{key}:**", 1)
    damaged = colon_inside.replace("**Author**: Ada Lovelace\\\n", "", 1)
    text = fixed(damaged)
    assert "**Document Version:** 1.0\\\n**Author:** [Author Name]\\\n**Date:** 2026-03-02" in text
    assert "**Author**:" not in text


def test_a_document_writing_the_colon_outside_keeps_that_style() -> None:
    damaged = CLEAN.replace("**Author**: Ada Lovelace\\\n", "", 1)
    assert "**Document Version**: 1.0\\\n**Author**: [Author Name]\\\n" in fixed(damaged)


# -- comments and generated blocks -----------------------------------------------------------

TOC = """<!-- toc -->

- [Executive Summary](#executive-summary)
- [Background & Context](#background--context)

<!-- tocstop -->

"""


def _with_block(block: str) -> tuple[str, str]:
    """The clean spec with ``block`` above its first section, and that section removed."""
    start = CLEAN.index("## Executive Summary")
    end = CLEAN.index("## Background & Context")
    return CLEAN[:start] + block + CLEAN[end:], block


def test_a_missing_first_section_goes_after_a_table_of_contents_not_inside_it() -> None:
    damaged, block = _with_block(TOC)
    text = fixed(damaged)
    assert block in text  # the generated block is untouched
    after = text.index("<!-- tocstop -->")
    assert text.index("## Executive Summary") > after
    assert "## Executive Summary" not in text[:after]


def test_a_doctoc_block_with_start_and_end_markers_is_left_whole() -> None:
    block = TOC.replace("<!-- toc -->", "<!-- START doctoc -->").replace(
        "<!-- tocstop -->", "<!-- END doctoc -->"
    )
    damaged, _ = _with_block(block)
    text = fixed(damaged)
    assert block in text
    assert text.index("## Executive Summary") > text.index("<!-- END doctoc -->")


def test_a_comment_over_several_lines_is_left_whole() -> None:
    block = "<!--\nReviewers: read the summary first.\n\n- then the scope\n-->\n\n"
    damaged, _ = _with_block(TOC + block)
    text = fixed(damaged)
    assert TOC + block in text


def test_a_marker_that_is_never_closed_protects_nothing() -> None:
    damaged, _ = _with_block("<!-- toc -->\n\n- [Scope](#scope)\n\n")
    text = fixed(damaged)
    assert "## Executive Summary" in text
    assert not {f.rule for f in lint_text(text)} & {"TS101"}


# -- link markup and references -----------------------------------------------------------

RELEASE = """\
# Release Plan: [Release Name]

**Status**: Draft | Review | Approved | Implemented

## Checklist

- [ ] Docs published on [website]
- [ ] Issue filed in [the tracker][issues]

## Notes

[Anything else]

[website]: https://docs.example.com
[issues]: https://issues.example.com
"""


def _release(checklist: str) -> str:
    return (
        "# Release Plan: 2.0\n\n**Status**: Draft\n\n## Checklist\n\n"
        f"{checklist}\n## Notes\n\nNothing else.\n"
    )


def test_an_item_whose_reference_is_undefined_gets_the_definition_not_a_second_copy() -> None:
    template = Template.from_markdown(RELEASE, "release")
    damaged = _release(
        "- [x] Docs published on [website]\n- [ ] Issue filed in [the tracker][issues]\n"
    )
    text = fixed(damaged, template)
    assert text.count("Docs published on") == 1
    assert text.count("Issue filed in") == 1
    assert text.endswith(
        "\n[website]: https://docs.example.com\n[issues]: https://issues.example.com\n"
    )
    assert lint_text(text, template=template) == []


def test_an_inserted_item_brings_the_definition_of_the_reference_it_uses() -> None:
    template = Template.from_markdown(RELEASE, "release")
    damaged = _release("- [x] Docs published on [website](https://docs.example.com)\n")
    text = fixed(damaged, template)
    assert "- [ ] Issue filed in [the tracker][issues]\n" in text
    assert text.count("Docs published on") == 1
    assert text.endswith("\n\n[issues]: https://issues.example.com\n")
    assert "[website]:" not in text  # that link was inline already
    assert lint_text(text, template=template) == []


def test_a_definition_the_document_has_is_not_added_again() -> None:
    template = Template.from_markdown(RELEASE, "release")
    damaged = _release("- [x] Docs published on [website]\n") + (
        "\n[issues]: https://elsewhere.example.com\n[website]: https://docs.example.com\n"
    )
    text = fixed(damaged, template)
    assert text.count("[issues]:") == 1 and text.count("[website]:") == 1


# -- example rows ----------------------------------------------------------------------

CONTACTS = """\
# Service Card: [Service]

**Status**: Draft | Review | Approved | Implemented

## Contacts

| Role | Contact |
| ---- | ------- |
| *<Role-1>* | *<Contact-1>* |
| *<Role-2>* | *<Contact-2>* |
"""


def test_example_rows_of_the_template_never_go_into_a_filled_table() -> None:
    template = Template.from_markdown(CONTACTS, "card")
    filled = (
        "# Service Card: Billing\n\n**Status**: Draft\n\n## Contacts\n\n"
        "| Role | Contact |\n| ---- | ------- |\n| On call | billing-oncall@example.com |\n"
    )
    assert fixed(filled, template) == filled


# -- hostile text ------------------------------------------------------------------------


def _read_all(text: str) -> object:
    lines = SourceLines(text)
    return protected_ranges(lines), definitions(lines), references(text)


def test_markers_comments_and_brackets_are_read_in_linear_time() -> None:
    makers = {
        "openers never closed": lambda n: "<!-- toc -->\n" * n,
        "distinct openers": lambda n: "".join(f"<!-- block {i} -->\n" for i in range(n)),
        "comment starts": lambda n: "<!--\n" * n,
        "brackets": lambda n: "[" * n + "\n",
        "references": lambda n: "[a][b]" * n + "\n",
        "open reference": lambda n: "[" + "a" * n + "\n",
        "definitions": lambda n: "[a]: x\n" * n,
    }
    for name, make in makers.items():
        assert slowdown(make, _read_all, 20_000) < CEILING, name


# -- fields kept as a list or in front matter ---------------------------------------------

LIST_FIELDS = """\
- Feature Name: [Feature Name]
- Start Date: [YYYY-MM-DD]
- Owner: [Team]

# Summary

[One paragraph]

# Motivation

[Why we do it]
"""


def _feature(fields: str) -> str:
    return f"{fields}\n# Summary\n\nFast lanes for small jobs.\n\n# Motivation\n\nQueues back up.\n"


def test_a_bulleted_field_block_gets_a_bullet() -> None:
    template = Template.from_markdown(LIST_FIELDS, "list-fields")
    damaged = _feature("- Feature Name: Fast lanes\n- Start Date: 2026-01-02\n")
    text = fixed(damaged, template)
    assert text.startswith(
        "- Feature Name: Fast lanes\n- Start Date: 2026-01-02\n- Owner: [Team]\n\n"
    )


def test_bold_keys_in_a_bulleted_block_keep_their_bold_and_colon() -> None:
    template = Template.from_markdown(LIST_FIELDS, "list-fields")
    damaged = _feature("- **Feature Name:** Fast lanes\n- **Owner:** Platform\n")
    text = fixed(damaged, template)
    assert text.startswith(
        "- **Feature Name:** Fast lanes\n- **Start Date:** [YYYY-MM-DD]\n- **Owner:** Platform\n\n"
    )


FRONT_MATTER = """\
---
status: {proposed | accepted}
date: {YYYY-MM-DD}
deciders: {everyone involved}
---

# {short title}

## Context

{Describe the context}

## Decision

{What we decided}
"""


def test_a_field_missing_from_front_matter_goes_into_the_front_matter() -> None:
    template = Template.from_markdown(FRONT_MATTER, "front-matter")
    damaged = (
        "---\nstatus: accepted\ndate: 2026-02-03\n---\n\n# Use queues\n\n"
        "## Context\n\nJobs wait.\n\n## Decision\n\nWe queue them.\n"
    )
    text = fixed(damaged, template)
    assert text.startswith(
        "---\nstatus: accepted\ndate: 2026-02-03\ndeciders: {everyone involved}\n---\n"
    )
