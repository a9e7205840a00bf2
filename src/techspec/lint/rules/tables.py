"""Rules about tables: required columns, fixed rows and empty cells."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from techspec.lint.findings import Finding
from techspec.lint.rules.checks import rule

if TYPE_CHECKING:
    from techspec.lint.rules.context import LintContext


@rule(
    code="TS301",
    name="missing-column",
    summary="A table lacks a column of the template's header.",
    explanation=(
        "A table's header columns in the template are required (extra columns are fine), "
        "so that tools can read risks, owners and sign-offs by column name."
    ),
    failing="| Risk | Impact | Mitigation |",
    passing="| Risk | Probability | Impact | Mitigation |",
    severity="error",
    fixable=True,
)
def check_columns(ctx: LintContext) -> Iterator[Finding]:
    for pair in ctx.table_pairs():
        if pair.table is None:
            continue
        header = pair.table.header
        for name in pair.rule.columns:
            if pair.table.column_index(name) is None:
                column = header[0].column if header else 1
                message = f"table is missing column '{name}'"
                yield ctx.finding("TS301", message, pair.table.line, column)


@rule(
    code="TS302",
    name="missing-row",
    summary="A table lacks a fixed row of the template (such as a Sign-off role).",
    explanation=(
        "A template row whose first cell is literal text (Technical Lead, Product Owner, "
        "Security Lead) is fixed: every spec keeps it."
    ),
    failing="| Role | Name | Date | Signature |\n|---|---|---|---|\n| Technical Lead | | | |",
    passing=(
        "| Role | Name | Date | Signature |\n|---|---|---|---|\n| Technical Lead | | | |\n"
        "| Product Owner | | | |\n| Security Lead | | | |"
    ),
    severity="error",
    fixable=True,
)
def check_fixed_rows(ctx: LintContext) -> Iterator[Finding]:
    for pair in ctx.table_pairs():
        if pair.table is None:
            continue
        present = {row[0].text.casefold() for row in pair.table.rows if row}
        for fixed in pair.rule.fixed_rows:
            if fixed.key.casefold() not in present:
                message = f"table is missing row '{fixed.key}'"
                yield ctx.finding("TS302", message, pair.table.end_line, 1)


@rule(
    code="TS303",
    name="empty-cell",
    summary="A cell of a required column is empty.",
    explanation=(
        "Each row fills every column the template has (sign-off cells are left to the "
        "approval gate, TS402). Warning in Draft, error from Review on."
    ),
    failing="| Component | Purpose | Technology | Owner |\n|---|---|---|---|\n| Ledger | | Go | |",
    passing=(
        "| Component | Purpose | Technology | Owner |\n|---|---|---|---|\n"
        "| Ledger | Books entries | Go | Payments |"
    ),
    severity="status",
)
def check_empty_cells(ctx: LintContext) -> Iterator[Finding]:
    for pair in ctx.table_pairs():
        table = pair.table
        if table is None:
            continue
        fixed = {f.key.casefold() for f in pair.rule.fixed_rows if f.fill}
        indexes = [(name, table.column_index(name)) for name in pair.rule.columns]
        for row in table.rows:
            if row and row[0].text.casefold() in fixed:
                continue
            for name, index in indexes:
                if index is not None and index < len(row) and not row[index].text:
                    cell = row[index]
                    message = f"empty cell in column '{name}'"
                    yield ctx.finding("TS303", message, cell.line, cell.column)
