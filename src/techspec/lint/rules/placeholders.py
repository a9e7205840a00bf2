"""Placeholders: template text the author has not replaced yet."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from techspec.document.outline import skipped_lines
from techspec.lint.findings import Finding
from techspec.lint.rules.checks import rule
from techspec.lint.template.styles import (
    has_any_placeholder,
    has_square_placeholder,
    is_optional_label,
    styled,
)

if TYPE_CHECKING:
    from techspec.lint.rules.context import LintContext


@rule(
    code="TS205",
    name="placeholder",
    summary="Template text such as [Author Name] or 'High/Medium/Low' is still in the spec.",
    explanation=(
        "In a template that writes its blanks in square brackets, bracketed text is a "
        "placeholder, never a link [a](b), a reference [a][1], a task box [ ], a footnote "
        "[^1] or an [Optional] label; inside code only the template's own code "
        "placeholders ([endpoint]) count. The template's own {curly}, <angle> (or \\<angle>) "
        "and NNNN placeholders count wherever they are left. An enumeration or a field "
        "value left as the template wrote it (Draft | Review | ..., '(fill me in)') is a "
        "placeholder too. Sign-off cells are left to the approval gate (TS402). "
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
    square = "square" in ctx.template.placeholder_styles
    for found in ctx.spec.placeholders if square else ():
        if found.in_code and found.text not in code_placeholders:
            continue
        if is_optional_label(found.text) or found.text.startswith("[!"):
            continue  # an [Optional] label, a GitHub alert's [!NOTE]
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
    yield from _styled_placeholders(ctx)
    yield from _unchanged_enumerations(ctx)


def _styled_placeholders(ctx: LintContext) -> Iterator[Finding]:
    """The template's own ``{...}``, ``<...>`` and ``NNNN`` placeholders left in (only
    its own: other braces and angle brackets in a document are prose or markup)."""
    own = ctx.template.placeholders
    if not own:
        return
    for found in styled(ctx.spec.text.lstrip("\ufeff"), skip=skipped_lines(ctx.spec)):
        if found.style != "square" and found.key in own:
            yield ctx.finding(
                "TS205",
                f"placeholder '{found.text}' left in",
                found.line,
                found.column,
                found.line,
                found.end_column,
            )


def _unchanged_enumerations(ctx: LintContext) -> Iterator[Finding]:
    square = "square" in ctx.template.placeholder_styles
    for field_rule in ctx.template.fields:
        found = ctx.field(field_rule.key)
        if found is None or not field_rule.rule.is_unchanged(found.value):
            continue
        if field_rule.rule.kind == "enum":
            message = f"{found.key}: pick one of {', '.join(field_rule.rule.values)}"
        elif square and has_square_placeholder(found.value):
            continue  # reported as the placeholder it holds
        elif found.source != "front-matter" and has_any_placeholder(found.value):
            continue  # reported by the scan of the text
        else:
            message = f"{found.key}: the template's '{found.value}' left in"
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
                cell_text = row[index].text if index < len(row) else ""
                if column_rule.kind == "enum" and column_rule.is_unchanged(cell_text):
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
