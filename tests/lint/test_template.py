"""Template as schema: the rules are read off the template, never hard-coded."""

from __future__ import annotations

import pytest

from techspec.errors import TemplateError
from techspec.lint.linter import lint_text
from techspec.lint.template import Template, builtin_template

ADR = """\
# ADR: [Decision Title]

**Status**: Proposed | Accepted | Superseded\\
**Decided**: [YYYY-MM-DD]\\
**Revision**: 1.0

## Context

[What forces are at play?]

## Options

| Option | Cost | Risk |
| ------ | ---- | ---- |
| [Option] | [Cost] | Low/High |

### Option 1: [Name]

[Description]

## Decision

- [ ] Recorded in the decision log
- [ ] [Follow-up]
"""


def test_every_heading_is_a_required_section_in_order() -> None:
    template = Template.from_markdown(ADR)
    assert [rule.title for rule in template.sections] == ["Context", "Options", "Decision"]
    assert [rule.title for rule in template.sections[1].children] == ["Option 1: [Name]"]


def test_a_heading_with_a_placeholder_is_a_numbered_repeatable_pattern() -> None:
    option = Template.from_markdown(ADR).sections[1].children[0]
    assert option.repeatable and option.numbered
    assert option.matches("Option 2: Buy it") and option.matches("Option 7")
    assert not option.matches("Optional extras")
    assert option.number("Option 12: Build") == 12


def test_repeated_pattern_headings_in_the_template_collapse_into_one_rule() -> None:
    implementation = next(
        r for r in builtin_template().sections if r.title == "Implementation Plan"
    )
    assert [r.title for r in implementation.children] == [
        "Phase 1: [Phase Name]",
        "Deployment Strategy",
    ]


def test_field_values_are_inferred_as_enumerations_dates_and_versions() -> None:
    fields = {f.key: f.rule for f in Template.from_markdown(ADR).fields}
    assert fields["Status"].kind == "enum"
    assert fields["Status"].values == ("Proposed", "Accepted", "Superseded")
    assert fields["Decided"].kind == "date"
    assert fields["Revision"].kind == "version"


def test_table_columns_enumerations_and_fixed_rows_are_inferred() -> None:
    template = builtin_template()
    signoff = next(r for r in template.all_sections() if r.title == "Sign-off").tables[0]
    assert signoff.columns == ("Role", "Name", "Date", "Signature")
    assert [row.key for row in signoff.fixed_rows] == [
        "Technical Lead",
        "Product Owner",
        "Security Lead",
    ]
    assert signoff.is_signoff and signoff.column_rules[2].kind == "date"
    risks = next(r for r in template.all_sections() if r.title == "Risks & Mitigations").tables[0]
    assert risks.column_rules[1].values == ("High", "Medium", "Low")
    assert risks.fixed_rows == ()


def test_literal_checklist_items_are_fixed_and_placeholder_items_are_work() -> None:
    sections = {r.title: r for r in builtin_template().all_sections()}
    assert sections["Technical Review"].fixed_items == (
        "Architecture review completed",
        "Security review completed",
        "Performance review completed",
    )
    assert sections["Success Criteria"].work_items
    assert not sections["Technical Review"].work_items


def test_sections_expect_the_kind_of_block_their_template_holds() -> None:
    sections = {r.title: r for r in builtin_template().all_sections()}
    assert sections["Success Criteria"].expects == {"checklist"}
    assert sections["Endpoints"].expects == {"code"}
    assert sections["Threat Model"].expects == {"table"}
    assert sections["Executive Summary"].expects == frozenset()


def test_only_the_templates_own_code_placeholders_count_in_code() -> None:
    assert builtin_template().code_placeholders >= {"[endpoint]", "[table_name]", "[field_name]"}
    spec = (
        "# Technical Specification: X\n\n## Technical Design\n\n### API Design\n\n"
        "#### Endpoints\n\n"
        "```http\nGET /api/v1/[endpoint]\nGET /items?filter=[a]\n```\n"
    )
    placeholders = [f.message for f in lint_text(spec) if f.rule == "TS205"]
    assert "placeholder '[endpoint]' left in" in placeholders
    assert not any("[a]" in m for m in placeholders)


def test_a_custom_template_lints_specs_written_from_it() -> None:
    template = Template.from_markdown(ADR, "adr.md")
    spec = ADR.replace("Proposed | Accepted | Superseded", "Accepted").replace(
        "## Options", "## Choices"
    )
    findings = {f.rule for f in lint_text(spec, "0001.md", template)}
    assert "TS101" in findings  # Options is missing
    assert "TS105" in findings  # Choices is extra
    assert "TS202" not in findings


def test_a_text_without_headings_is_not_a_template() -> None:
    with pytest.raises(TemplateError, match="no '# Title' heading"):
        Template.from_markdown("just some words\n", "words.md")
    with pytest.raises(TemplateError, match="no '## Section' headings"):
        Template.from_markdown("# Title only\n", "title.md")


def test_compiled_templates_are_cached_by_content_hash() -> None:
    assert Template.from_markdown(ADR) is Template.from_markdown(ADR)
    assert Template.from_markdown(ADR) is not Template.from_markdown(ADR + "\n## More\n")


def test_the_title_pattern_fills_the_placeholder_with_any_name() -> None:
    template = builtin_template()
    assert template.title_matches("Technical Specification: Payments Ledger")
    assert template.title_matches("technical specification:  Ledger")
    assert not template.title_matches("Technical Specification:")
    assert not template.title_matches("Payments Ledger")
