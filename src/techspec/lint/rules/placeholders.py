"""Placeholders: template text the author has not replaced yet."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from techspec.lint.findings import Finding
from techspec.lint.rules.checks import rule

if TYPE_CHECKING:
    from techspec.lint.rules.context import LintContext


@rule(
    code="TS205",
    name="placeholder",
    summary="Template text such as [Author Name] or 'High/Medium/Low' is still in the spec.",
    explanation=(
        "Bracketed text is the template's placeholder, never a link [a](b), a reference "
        "[a][1], a task box [ ] or a footnote [^1]; inside code only the template's own code "
        "placeholders ([endpoint]) count. An enumeration left as written (Draft | Review | "
        "...) is a placeholder too. Sign-off cells are left to the approval gate (TS402). "
        "Warning in Draft, error from Review on."
    ),
    failing="**Author**: [Author Name]",
    passing="**Author**: Ada Lovelace",
    severity="status",
)
def check_placeholders(ctx: LintContext) -> Iterator[Finding]:
    signoff_cells: dict[int, list[tuple[int, int]]] = {}  # by line: each row is one line
    for line, first, last in _signoff_cells(ctx):
        signoff_cells.setdefault(line, []).append((first, last))
    code_placeholders = ctx.template.code_placeholders
    for found in ctx.spec.placeholders:
        if found.in_code and found.text not in code_placeholders:
            continue
        cells = signoff_cells.get(found.line)
        if cells and any(first <= found.column < last for first, last in cells):
            continue
        yield ctx.finding(
            "TS205",
            f"placeholder '{found.text}' left in",
            found.line,
            found.column,
            found.line,
            found.end_column,
        )
    yield from _unchanged_enumerations(ctx)


def _unchanged_enumerations(ctx: LintContext) -> Iterator[Finding]:
    for field_rule in ctx.template.fields:
        found = ctx.spec.field(field_rule.key)
        if found is not None and field_rule.rule.is_unchanged(found.value):
            message = f"{found.key}: pick one of {', '.join(field_rule.rule.values)}"
            end = found.value_column + len(found.value)
            yield ctx.finding("TS205", message, found.line, found.value_column, found.line, end)
    for pair in ctx.table_pairs():
        if pair.table is None:
            continue
        for column_rule, name in zip(pair.rule.column_rules, pair.rule.columns, strict=True):
            index = pair.table.column_index(name)
            if index is None:
                continue
            for row in pair.table.rows:
                if index < len(row) and column_rule.is_unchanged(row[index].text):
                    cell = row[index]
                    message = f"{name}: pick one of {', '.join(column_rule.values)}"
                    end = cell.column + len(cell.text)
                    yield ctx.finding("TS205", message, cell.line, cell.column, cell.line, end)


def _signoff_cells(ctx: LintContext) -> list[tuple[int, int, int]]:
    """``(line, first column, last column)`` of sign-off cells to be filled at approval
    (TS402 judges those instead)."""
    cells: list[tuple[int, int, int]] = []
    for pair in ctx.table_pairs():
        if pair.table is None or not pair.rule.is_signoff:
            continue
        keys = {fixed.key.casefold() for fixed in pair.rule.fixed_rows}
        indexes = [pair.table.column_index(name) for name in pair.rule.fill_columns]
        for row in pair.table.rows:
            if not row or row[0].text.casefold() not in keys:
                continue
            for index in indexes:
                if index is not None and index < len(row):
                    cell = row[index]
                    cells.append((cell.line, cell.column, cell.column + len(cell.text)))
    return cells
