"""Rules about the section tree: presence, order, duplicates, numbering, content."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from techspec.document.model import Section
from techspec.lint.findings import Finding
from techspec.lint.rules.checks import rule
from techspec.lint.template import BlockExpectation

if TYPE_CHECKING:
    from techspec.lint.rules.context import LintContext


@rule(
    code="TS101",
    name="missing-section",
    summary="A section the template requires is missing.",
    explanation=(
        "Every heading of the template is a required section, nested as in the template, "
        "and so is a table under a bold label (**Document History**). "
        "The finding points at the line where the section should have been and names it. "
        "A heading with a placeholder, such as 'Phase 1: [Phase Name]', needs at least one "
        "instance."
    ),
    failing="## Scope\n\n### In Scope\n\n- Ledger API\n\n### Success Criteria\n\n- [ ] p99 < 50ms",
    passing=(
        "## Scope\n\n### In Scope\n\n- Ledger API\n\n### Out of Scope\n\n- Reporting\n\n"
        "### Success Criteria\n\n- [ ] p99 < 50ms"
    ),
    severity="error",
    fixable=True,
)
def check_missing(ctx: LintContext) -> Iterator[Finding]:
    for missing in ctx.missing:
        where = f" in '{missing.parent}'" if missing.parent else ""
        heading = "#" * missing.rule.level + " " + missing.rule.title
        message = f"missing section '{heading}'{where}"
        yield ctx.finding("TS101", message, missing.line, section=missing.parent)
    for pair in ctx.table_pairs():
        if pair.table is None and pair.rule.label is not None:
            message = f"missing '**{pair.rule.label}**' table"
            yield ctx.finding("TS101", message, ctx.spec.line_count, section=None)


@rule(
    code="TS102",
    name="section-order",
    summary="A section appears out of the template's order.",
    explanation="Readers find their way by the template's order; keep sections in it.",
    failing="## Scope\n...\n## Executive Summary\n...",
    passing="## Executive Summary\n...\n## Scope\n...",
    severity="warning",
)
def check_order(ctx: LintContext) -> Iterator[Finding]:
    for item in ctx.out_of_order:
        section = item.section
        message = f"section '{section.title}' should come before '{item.after}'"
        yield ctx.finding("TS102", message, section.line, section.column)


@rule(
    code="TS103",
    name="duplicate-section",
    summary="Two sibling sections have the same heading.",
    explanation="A repeated heading makes links and section paths ambiguous.",
    failing="### Risks\n...\n### Risks\n...",
    passing="### Risks\n...",
    severity="warning",
)
def check_duplicates(ctx: LintContext) -> Iterator[Finding]:
    for siblings in _sibling_groups(ctx.spec.sections):
        seen: dict[str, Section] = {}
        for section in siblings:
            key = " ".join(section.title.split()).casefold()
            first = seen.setdefault(key, section)
            if first is not section:
                message = f"duplicate section '{section.title}' (first at line {first.line})"
                yield ctx.finding("TS103", message, section.line, section.column)


def _sibling_groups(sections: list[Section]) -> Iterator[list[Section]]:
    yield sections
    for section in sections:
        if section.children:
            yield from _sibling_groups(section.children)


@rule(
    code="TS104",
    name="numbering-gap",
    summary="Numbered sections (Phase 1, Phase 2, ...) skip or repeat a number.",
    explanation=(
        "A template heading like 'Phase 1: [Phase Name]' is a numbered pattern: instances "
        "count 1, 2, 3 ... with no gap, so 'Phase 3' is not missing by accident."
    ),
    failing="### Phase 1: Build\n...\n### Phase 3: Launch",
    passing="### Phase 1: Build\n...\n### Phase 2: Launch",
    severity="warning",
)
def check_numbering(ctx: LintContext) -> Iterator[Finding]:
    for section_rule, sections in ctx.repeats:
        if not section_rule.numbered:
            continue
        expected = 1
        for section in sections:
            number = ctx.number(section_rule, section)
            if number is not None and number != expected:
                message = f"'{section.title}' should be number {expected}"
                yield ctx.finding("TS104", message, section.line, section.column)
            expected = (number if number is not None else expected) + 1


@rule(
    code="TS105",
    name="extra-section",
    summary="A section that the template does not have (fine, for information).",
    explanation=(
        "Teams add sections; that is allowed. This note helps spot a misspelt heading "
        "that was meant to be a template section."
    ),
    failing="## Glossary",
    passing="(any section of the template)",
    severity="info",
)
def check_extra(ctx: LintContext) -> Iterator[Finding]:
    for section in ctx.extra:
        message = f"section '{section.title}' is not in the template"
        yield ctx.finding("TS105", message, section.line, section.column)


@rule(
    code="TS106",
    name="empty-section",
    summary="A section that should have content is empty.",
    explanation=(
        "The template gives the section a body; an empty one was skipped, not decided. "
        "Warning in Draft, error from Review on."
    ),
    failing="### Current State\n\n### Requirements Source",
    passing="### Current State\n\nPayments are reconciled by hand each night.",
    severity="status",
)
def check_empty(ctx: LintContext) -> Iterator[Finding]:
    for match in ctx.matches:
        section = match.section
        if match.rule.has_body and not _has_content(section) and not section.children:
            yield ctx.finding(
                "TS106", f"section '{section.title}' is empty", section.line, section.column
            )


@rule(
    code="TS108",
    name="heading-level",
    summary="A section of the template is written at another heading level.",
    explanation=(
        "The template's heading levels nest its sections (### Goals under ## Motivation). "
        "A section found at another level is reported as that, once, rather than as a "
        "missing section plus an extra one; its content is checked as usual."
    ),
    failing="## Motivation\n\nWhy.\n\n## Goals\n\n- Fast",
    passing="## Motivation\n\nWhy.\n\n### Goals\n\n- Fast",
    severity="warning",
)
def check_levels(ctx: LintContext) -> Iterator[Finding]:
    for wrong in ctx.wrong_level:
        section, expected = wrong.section, wrong.rule.level
        where = f" under '{wrong.parent}'" if wrong.parent else ""
        message = (
            f"section '{section.title}' is a level-{section.level} heading; the template has "
            f"'{'#' * expected} {wrong.rule.title}'{where}"
        )
        yield ctx.finding("TS108", message, section.line, section.column)


_BLOCK_NAMES: dict[BlockExpectation, str] = {
    "checklist": "a checklist (- [ ] item)",
    "list": "a list",
    "table": "a table",
    "code": "a code block",
}


@rule(
    code="TS107",
    name="missing-block",
    summary="A section lacks the kind of block its template holds (checklist, list, table, code).",
    explanation=(
        "Where the template's section holds a checklist, list, table or code block, the "
        "spec's section must hold at least one of that kind, so tools can read it "
        "(progress, risks, endpoints). Warning in Draft, error from Review on."
    ),
    failing="### Success Criteria\n\nIt should be fast.",
    passing="### Success Criteria\n\n- [ ] p99 latency under 50 ms",
    severity="status",
)
def check_blocks(ctx: LintContext) -> Iterator[Finding]:
    for match in ctx.matches:
        section = match.section
        if not _has_content(section):
            continue  # reported as empty
        for kind in sorted(match.rule.expects):
            if not _holds(section, kind):
                message = f"section '{section.title}' should hold {_BLOCK_NAMES[kind]}"
                yield ctx.finding("TS107", message, section.line, section.column)


def _has_content(section: Section) -> bool:
    blocks = section.blocks
    return bool(blocks) and any(block.kind not in ("rule", "html") for block in blocks)


def _holds(section: Section, kind: BlockExpectation) -> bool:
    if kind == "checklist":
        return bool(section.checklist)
    if kind == "list":
        return bool(section.lists)
    if kind == "table":
        return any(table.label is None for table in section.tables)
    return bool(section.code_blocks)
