"""The conventions of published templates, read off the template's own text.

Each test compiles a few lines in one convention and shows what the compiler made of
it, or lints a document against it.  The five full templates and their documents are in
``tests/fixtures/templates`` (``test_template_fixtures.py``).
"""

from __future__ import annotations

import pytest

from conftest_cli import run_cli
from techspec.errors import TemplateError
from techspec.lint.linter import lint_text
from techspec.lint.template import Template


def compile_(text: str) -> Template:
    return Template.from_markdown(text, "template.md")


def findings(template: str, document: str) -> list[tuple[str, int, str]]:
    found = lint_text(document, "doc.md", compile_(template))
    return [(f.rule, f.line, f.message) for f in found]


def codes(template: str, document: str) -> list[str]:
    return [rule for rule, _, _ in findings(template, document)]


# -- 1. placeholder styles and titles ---------------------------------------------------


@pytest.mark.parametrize(
    ("title", "kind", "filled", "not_filled"),
    [
        (
            "KEP-NNNN: Your short, descriptive title",
            "pattern",
            "KEP-1234: Faster pulls",
            "Faster pulls",
        ),
        ("{short title, representative of the solution}", "any", "Use PostgreSQL", None),
        ("\\<Project name>: design", "pattern", "Ledger: design", "Ledger"),
        ("Feature name", "any", "Resumable uploads", None),
        ("Replace this with your title", "any", "Resumable uploads", None),
        ("Design Review", "literal", "Design Review", "Design"),
        ("Technical Specification: [Feature Name]", "pattern", "Technical Specification: X", "X"),
    ],
)
def test_a_title_with_a_placeholder_part_matches_any_filled_title(
    title: str, kind: str, filled: str, not_filled: str | None
) -> None:
    template = compile_(f"# {title}\n\n## Summary\n\n[What it is]\n")
    assert template.title_kind == kind
    assert template.title_matches(filled)
    if not_filled is not None:
        assert not template.title_matches(not_filled)


def test_an_empty_h1_accepts_any_title_or_none() -> None:
    template = compile_("# \n\n# Introduction\n\n*\\<goals>*\n\n# Glossary\n\n*\\<terms>*\n")
    assert template.title_kind == "optional"
    assert [rule.title for rule in template.sections] == ["Introduction", "Glossary"]
    assert codes(template.text, "# Introduction\n\nGoals.\n\n# Glossary\n\nTerms.\n") == []
    assert (
        codes(template.text, "# Ledger\n\n# Introduction\n\nGoals.\n\n# Glossary\n\nTerms.\n") == []
    )


def test_the_styles_a_template_uses_are_read_off_its_text() -> None:
    template = compile_(
        "# {title}\n\n## Context\n\n{Describe the context.}\n\n## People\n\n"
        "| Role | Contact |\n|---|---|\n| *\\<Role-1>* | *\\<Contact-1>* |\n\n"
        "## Issue\n\nTracked as ISSUE-NNNN.\n"
    )
    assert template.placeholder_styles == {"curly", "angle", "token"}
    assert {"{describe the context.}", "<role-1>", "nnnn"} <= template.placeholders


def test_html_tags_autolinks_and_code_are_not_angle_or_curly_placeholders() -> None:
    template = compile_(
        '# {title}\n\n## Context\n\n<div class="note">\n\nSee <https://example.org>.\n\n'
        '</div>\n\n```json\n{"id": "{id}"}\n```\n\n{Describe it.}\n'
    )
    assert template.placeholders == {"{title}", "{describe it.}"}


def test_only_the_templates_own_curly_and_angle_placeholders_are_findings() -> None:
    template = "# {title}\n\n## Context\n\n{Describe the context.}\n"
    document = (
        "# Use Postgres\n\n## Context\n\nWe keep {Describe the context.} and also "
        "{our own braces} and <b>bold</b> and [bracketed prose].\n"
    )
    assert findings(template, document) == [
        ("TS205", 5, "placeholder '{Describe the context.}' left in")
    ]


def test_an_optional_label_and_a_github_alert_are_never_square_placeholders() -> None:
    template = "# Design: [Name]\n\n## Alternatives [Optional]\n\n[Other designs]\n"
    document = "# Design: Ledger\n\n## Alternatives [Optional]\n\n> [!NOTE]\n> None yet.\n"
    assert codes(template, document) == []
    assert codes(template, "# Design: Ledger\n\n## Alternatives\n\n[Other designs]\n") == ["TS205"]


# -- 2. optional and repeatable parts, choices ------------------------------------------


KEP_LIKE = """\
# PROP-NNNN: Your short, descriptive title

## Summary

<!-- Write one paragraph that a busy reader understands. -->

## Proposal

### User Stories (Optional)

#### Story 1

#### Story 2

### Risks

<!-- optional: leave out when there are none -->

<!-- This is an optional element. Feel free to remove. -->
### Rollback

### Migration if applicable

## Monitoring

###### How can an operator tell that it works?

- [ ] Events
  - Event reason:
- [ ] Metrics
- [ ] Other (describe)
"""


def test_optional_parts_are_read_from_marks_notes_and_comments() -> None:
    sections = {rule.title: rule for rule in compile_(KEP_LIKE).all_sections()}
    assert sections["User Stories (Optional)"].optional
    assert sections["Risks"].optional  # its first block is an "optional" comment
    assert sections["Rollback"].optional  # the "optional element" comment right above it
    assert sections["Migration if applicable"].optional
    assert not sections["Summary"].optional and not sections["Proposal"].optional


def test_numbered_examples_are_one_optional_numbered_pattern() -> None:
    stories = compile_(KEP_LIKE).sections[1].children[0].children
    assert len(stories) == 1  # Story 1 and Story 2: one rule
    story = stories[0]
    assert story.repeatable and story.numbered and story.optional
    assert story.matches("Story 7") and story.matches("Story 3: a CI runner")
    assert story.number("Story 12") == 12


def test_a_pick_one_checklist_is_choices_not_fixed_items() -> None:
    question = compile_(KEP_LIKE).sections[2].children[0]
    assert question.choices == ("Events", "Metrics", "Other (describe)")
    assert question.fixed_items == ()


def test_a_document_leaving_out_optional_parts_and_picking_one_choice_is_clean() -> None:
    document = (
        "# PROP-12: Quiet logs\n\n## Summary\n\nFewer lines.\n\n## Proposal\n\n"
        "### User Stories\n\n#### Story 1\n\nAn operator.\n\n#### Story 2\n\nA developer.\n\n"
        "#### Story 3\n\nA runner.\n\n"
        "## Monitoring\n\n###### How can an operator tell that it works?\n\n- [x] Metrics\n"
    )
    assert codes(KEP_LIKE, document) == []


def test_placeholder_headings_are_optional_wildcards_and_examples_collapse() -> None:
    template = compile_(
        "# {title}\n\n## Options\n\n### {title of option 1}\n\n* Good, because {a}\n\n"
        "### {title of other option}\n\n* Good, because {b}\n\n# Runtime\n\n"
        "## \\<Scenario 1>\n\n- *\\<steps>*\n\n## \\<Scenario 2>\n\n## …\n\n## \\<Scenario n>\n"
    )
    options, runtime = template.sections
    assert len(options.children) == 1 and len(runtime.children) == 1
    for rule in (options.children[0], runtime.children[0]):
        assert rule.repeatable and rule.optional
        assert rule.matches("PostgreSQL") and rule.matches("Card payment")


def test_placeholder_rows_are_examples_not_fixed_rows() -> None:
    template = compile_(
        "# {title}\n\n## Stakeholders\n\n| Role | Contact |\n|---|---|\n"
        "| *\\<Role-1>* | *\\<Contact-1>* |\n| *\\<Role-2>* | *\\<Contact-2>* |\n"
        "| Security | *\\<Contact>* |\n"
    )
    table = template.sections[0].tables[0]
    assert table.example_rows == 2
    assert [row.key for row in table.fixed_rows] == ["Security"]


# -- 3. heading matching ----------------------------------------------------------------


NUMBERED = (
    "# Design: [Name]\n\n## Executive Summary\n\n[Text]\n\n## Motivation\n\n[Text]\n\n"
    "### Goals\n\n[Text]\n\n## Appendix (Optional)\n\n[Text]\n"
)


@pytest.mark.parametrize(
    "headings",
    [
        ("## 1. Executive Summary", "## 2. Motivation", "### 2.1 Goals"),
        ("## A. Executive Summary", "## B. Motivation", "### B.1. Goals"),
        ("## Executive Summary", "## Motivation: completion handlers are slow", "### Goals"),
    ],
)
def test_headings_match_through_numbering_and_a_suffix_after_a_colon(
    headings: tuple[str, str, str],
) -> None:
    summary, motivation, goals = headings
    document = (
        f"# Design: Ledger\n\n{summary}\n\nText.\n\n{motivation}\n\nText.\n\n{goals}\n\nText.\n"
    )
    assert codes(NUMBERED, document) == []


def test_a_dropped_optional_mark_still_matches() -> None:
    document = (
        "# Design: Ledger\n\n## Executive Summary\n\nText.\n\n## Motivation\n\nText.\n\n"
        "### Goals\n\nText.\n\n## Appendix\n\nText.\n"
    )
    assert codes(NUMBERED, document) == []


def test_a_heading_at_the_wrong_level_is_reported_as_that_alone() -> None:
    document = (
        "# Design: Ledger\n\n## Executive Summary\n\nText.\n\n## Motivation\n\nText.\n\n"
        "## Goals\n\nText.\n"
    )
    assert findings(NUMBERED, document) == [
        (
            "TS108",
            11,
            "section 'Goals' is a level-2 heading; the template has '### Goals' under 'Motivation'",
        )
    ]


# -- 4. template shapes -----------------------------------------------------------------


def test_a_template_with_no_title_and_a_list_of_fields_has_h1_sections() -> None:
    template = compile_(
        "- Feature Name: (fill me in with a unique name)\n- Start Date: (today, YYYY-MM-DD)\n\n"
        "# Summary\n\nOne paragraph.\n\n# Motivation\n\nWhy are we doing this?\n"
    )
    assert template.title_kind == "none" and template.title_level is None
    assert [(f.key, f.source, f.rule.kind) for f in template.fields] == [
        ("Feature Name", "list", "text"),
        ("Start Date", "list", "date"),
    ]
    assert [rule.title for rule in template.sections] == ["Summary", "Motivation"]
    document = "- Feature Name: `reload`\n\n# Summary\n\nReload.\n\n# Motivation\n\nUptime.\n"
    assert findings(template.text, document) == [
        ("TS201", 2, "missing metadata field '- Start Date:'")
    ]


def test_a_template_with_no_h1_at_all_is_a_template() -> None:
    template = compile_("## Summary\n\n[What it is]\n\n## Risks\n\n[What can go wrong]\n")
    assert template.title_kind == "none"
    assert [rule.title for rule in template.sections] == ["Summary", "Risks"]


def test_a_setext_title_at_level_two_is_the_title() -> None:
    template = compile_(
        "Feature name\n------------\n\n**Author:** your name\n\nOverview\n--------\n\n"
        "Explain what you propose.\n"
    )
    assert (template.title_kind, template.title_level) == ("any", 2)
    assert [rule.title for rule in template.sections] == ["Overview"]
    assert [(f.key, f.source) for f in template.fields] == [("Author", "bold")]
    document = "Ledger shards\n-------------\n\n**Author:** Ada\n\nOverview\n--------\n\nShards.\n"
    assert codes(template.text, document) == []


def test_front_matter_fields_are_read_and_a_comment_can_make_them_optional() -> None:
    template = compile_(
        '---\n# These are optional metadata elements.\nstatus: "{proposed | accepted}"\n'
        "date: {YYYY-MM-DD when decided}\n---\n\n# {title}\n\n## Context\n\n{Describe it.}\n"
    )
    status, date = template.fields
    assert (status.key, status.source, status.optional) == ("status", "front-matter", True)
    assert status.rule.kind == "enum" and status.rule.values == ("proposed", "accepted")
    assert date.rule.kind == "date"
    assert codes(template.text, "# Use Postgres\n\n## Context\n\nACID.\n") == []
    document = "---\nstatus: done\ndate: 2026-02-30\n---\n\n# Use Postgres\n\n## Context\n\nACID.\n"
    assert codes(template.text, document) == ["TS202", "TS203"]


# -- 5. help text -----------------------------------------------------------------------


HELPFUL = """\
# {title}

<!-- toc -->
<!-- /toc -->

## Context

<!-- Explain the forces at play, in two or three sentences. -->

Describe the problem you are solving.

## Risks

> [!NOTE]
> List the risks in order of likelihood.

Items marked (R) are required before release.
"""


def test_the_templates_help_left_in_a_document_is_reported() -> None:
    document = HELPFUL.replace("{title}", "Ledger")
    assert [(rule, line) for rule, line, _ in findings(HELPFUL, document)] == [
        ("TS206", 8),
        ("TS206", 10),
        ("TS206", 14),
    ]


def test_markers_prescribed_text_and_the_writers_own_alerts_are_not_help() -> None:
    document = (
        "# Ledger\n\n<!-- toc -->\n<!-- /toc -->\n\n## Context\n\nNightly jobs lose entries.\n\n"
        "## Risks\n\n> [!NOTE]\n> A risk we accept: slower exports.\n\n"
        "Items marked (R) are required before release.\n"
    )
    assert codes(HELPFUL, document) == []


def test_an_unfilled_copy_of_any_template_is_never_clean() -> None:
    template = "# Feature name\n\n## Overview\n\n## Design\n"
    assert "TS206" in codes(template, template)


# -- bad input --------------------------------------------------------------------------


README = """\
# Ledger

A double-entry ledger for payments.

## Install

```sh
pip install ledger
```

## Usage

Run `ledger serve` and open the dashboard.
"""


def test_a_readme_is_not_a_template() -> None:
    with pytest.raises(TemplateError, match="not a template: it has no placeholder"):
        compile_(README)


def test_linting_against_a_readme_is_one_clear_line_and_exit_2(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    (tmp_path / "README.md").write_text(README, "utf-8")
    (tmp_path / "doc.md").write_text("# Ledger\n\n## Install\n\nText.\n", "utf-8")
    result = run_cli(["lint", "--template", str(tmp_path / "README.md"), str(tmp_path / "doc.md")])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "README.md" in lines[0] and "not a template" in lines[0]


def test_the_same_text_compiled_under_two_names_keeps_each_name() -> None:
    """Compiled templates are cached by content; a second name must not get the first."""
    text = "# Plan: [Name]\n\n## Scope\n\n[What is in scope]\n"
    first = Template.from_markdown(text, "/tmp/somewhere/plan.md")
    second = Template.from_markdown(text, "plan")
    assert (first.name, second.name) == ("/tmp/somewhere/plan.md", "plan")
    assert second.sha256 == first.sha256 and second.sections == first.sections
