"""Rules about bold-key fields: the metadata block and per-section fields (Duration)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from techspec.document.model import Field
from techspec.lint.findings import Finding
from techspec.lint.rules.checks import rule
from techspec.lint.rules.values import problem

if TYPE_CHECKING:
    from techspec.lint.rules.context import LintContext
    from techspec.lint.template import FieldRule


@rule(
    code="TS201",
    name="missing-field",
    summary="A metadata field (or a section's field) from the template is missing.",
    explanation=(
        "The bold-key lines under the title (**Status**: ...) are the spec's metadata; "
        "sections such as phases have their own (**Duration**: ...). Every key the "
        "template has must be present."
    ),
    failing="# Technical Specification: Ledger\n\n**Author**: Ada\\\n**Date**: 2026-01-05",
    passing=(
        "# Technical Specification: Ledger\n\n**Document Version**: 1.0\\\n**Author**: Ada\\\n"
        "**Date**: 2026-01-05\\\n**Status**: Draft\\\n**Reviewers**: Grace"
    ),
    severity="error",
    fixable=True,
)
def check_missing_fields(ctx: LintContext) -> Iterator[Finding]:
    metadata = ctx.outline.metadata
    after = metadata[-1].line + 1 if metadata else ctx.outline.title_line + 1
    for field_rule in ctx.template.fields:
        if not field_rule.optional and ctx.field(field_rule.key) is None:
            message = f"missing metadata field '{written(field_rule)}'"
            yield ctx.finding("TS201", message, after)
    for match in ctx.matches:
        section = match.section
        for field_rule in match.rule.fields:
            if not field_rule.optional and section.field(field_rule.key) is None:
                message = f"section '{section.title}' is missing field '**{field_rule.key}**'"
                yield ctx.finding("TS201", message, section.line + 1, section=section.path)


def written(field_rule: FieldRule) -> str:
    """The key as the template writes it: ``**Status**``, ``- Start Date:`` or ``status:``."""
    if field_rule.source == "list":
        return f"- {field_rule.key}:"
    if field_rule.source == "front-matter":
        return f"{field_rule.key}:"
    return f"**{field_rule.key}**"


def _field_pairs(ctx: LintContext) -> Iterator[tuple[FieldRule, Field]]:
    for field_rule in ctx.template.fields:
        found = ctx.field(field_rule.key)
        if found is not None:
            yield field_rule, found
    for match in ctx.matches:
        for field_rule in match.rule.fields:
            found = match.section.field(field_rule.key)
            if found is not None:
                yield field_rule, found


_ValueProblem = tuple[str, str, int, int, int]
"""``(rule code, message, line, first column, end column)``."""


def _value_problems(ctx: LintContext) -> list[_ValueProblem]:
    """Every enumeration, date and version problem, computed once for TS202-TS204."""
    cached = ctx.cache.get("value-problems")
    if cached is None:
        cached = list(_find_value_problems(ctx))
        ctx.cache["value-problems"] = cached
    return cached  # type: ignore[return-value]


def _find_value_problems(ctx: LintContext) -> Iterator[_ValueProblem]:
    for field_rule, found in _field_pairs(ctx):
        result = problem(field_rule.rule, found.value)
        if result is not None:
            end = found.value_column + len(found.value)
            yield result[0], f"{found.key}: {result[1]}", found.line, found.value_column, end
    for pair in ctx.table_pairs():
        if pair.table is None:
            continue
        columns = [
            (rule, name, pair.table.column_index(name))
            for rule, name in zip(pair.rule.column_rules, pair.rule.columns, strict=True)
            if rule.kind != "text"
        ]
        for row in pair.table.rows:
            for column_rule, name, index in columns:
                if index is None or index >= len(row):
                    continue
                cell = row[index]
                result = problem(column_rule, cell.text)
                if result is not None:
                    end = cell.column + len(cell.text)
                    yield result[0], f"{name}: {result[1]}", cell.line, cell.column, end


def _value_findings(ctx: LintContext, code: str) -> Iterator[Finding]:
    for rule_code, message, line, column, end in _value_problems(ctx):
        if rule_code == code:
            yield ctx.finding(code, message, line, column, line, end)


@rule(
    code="TS202",
    name="invalid-enum",
    summary="A value is not one of the template's enumeration (Status, High/Medium/Low).",
    explanation=(
        "'Draft | Review | Approved | Implemented' in a template field and "
        "'High/Medium/Low' in a template cell are enumerations: the spec picks one value."
    ),
    failing="**Status**: Done",
    passing="**Status**: Implemented",
    severity="error",
)
def check_enums(ctx: LintContext) -> Iterator[Finding]:
    yield from _value_findings(ctx, "TS202")


@rule(
    code="TS203",
    name="invalid-date",
    summary="A date is not a real ISO calendar date (YYYY-MM-DD).",
    explanation=(
        "A template value '[YYYY-MM-DD]', or a field or column named Date, holds an ISO "
        "date, so specs sort and filter by date. 2026-02-30 is not a date."
    ),
    failing="**Date**: 12/03/2026",
    passing="**Date**: 2026-03-12",
    severity="error",
)
def check_dates(ctx: LintContext) -> Iterator[Finding]:
    yield from _value_findings(ctx, "TS203")


@rule(
    code="TS204",
    name="invalid-version",
    summary="A version is not a dotted version number such as 1.0 or 2.3.1.",
    explanation="Where the template writes a literal version (1.0), the spec writes one too.",
    failing="**Document Version**: first draft",
    passing="**Document Version**: 0.3",
    severity="error",
)
def check_versions(ctx: LintContext) -> Iterator[Finding]:
    yield from _value_findings(ctx, "TS204")
