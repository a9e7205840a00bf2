"""Document History: the table that records each version of the spec."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from techspec.document.model import Table
from techspec.lint.findings import Finding
from techspec.lint.rules.checks import rule
from techspec.lint.rules.values import is_iso_date, is_version, version_key

if TYPE_CHECKING:
    from techspec.lint.rules.context import LintContext


def _history(ctx: LintContext) -> tuple[Table, int, int] | None:
    """The spec's history table with its Version and Date column indexes."""
    for pair in ctx.table_pairs():
        if pair.table is None or not pair.rule.is_history:
            continue
        kinds = {r.kind: n for r, n in zip(pair.rule.column_rules, pair.rule.columns, strict=True)}
        version = pair.table.column_index(kinds["version"])
        when = pair.table.column_index(kinds["date"])
        if version is not None and when is not None:
            return pair.table, version, when
    return None


def _document_version(ctx: LintContext) -> str | None:
    for field_rule in ctx.template.fields:
        if field_rule.rule.kind == "version":
            found = ctx.spec.field(field_rule.key)
            return found.value if found is not None else None
    return None


@rule(
    code="TS501",
    name="history-missing-version",
    summary="The Document History has no row for the current Document Version.",
    explanation=(
        "Each version of the spec gets a history row; the current one must be there, so "
        "readers see what changed in the version they are reading."
    ),
    failing="**Document Version**: 1.1\n...\n| 1.0 | 2026-01-05 | Ada | Initial version |",
    passing=(
        "**Document Version**: 1.1\n...\n| 1.0 | 2026-01-05 | Ada | Initial version |\n"
        "| 1.1 | 2026-02-01 | Ada | Added phase 3 |"
    ),
    severity="error",
    fixable=True,
)
def check_current_version(ctx: LintContext) -> Iterator[Finding]:
    found = _history(ctx)
    current = _document_version(ctx)
    if found is None or current is None or not is_version(current):
        return
    table, version, _ = found
    versions = [row[version].text.strip() for row in table.rows if version < len(row)]
    if current.strip() not in versions:
        message = f"Document History has no row for version {current.strip()}"
        yield ctx.finding("TS501", message, table.end_line, 1)


@rule(
    code="TS502",
    name="history-order",
    summary="Document History versions go back, or its dates do.",
    explanation=(
        "History reads oldest first: no row's version is lower than the row above, and "
        "no date earlier. Rows may repeat a version: the workflow records each submit and "
        "approval in a row of the current Document Version."
    ),
    failing="| 1.1 | 2026-02-01 | Ada | ... |\n| 1.0 | 2026-01-05 | Ada | ... |",
    passing=(
        "| 1.0 | 2026-01-05 | Ada | ... |\n| 1.1 | 2026-02-01 | Ada | ... |\n"
        "| 1.1 | 2026-02-03 | Ada | Submitted for review by Ada |"
    ),
    severity="warning",
)
def check_history_order(ctx: LintContext) -> Iterator[Finding]:
    found = _history(ctx)
    if found is None:
        return
    table, version, when = found
    previous_version: tuple[int, ...] | None = None
    previous_date: str | None = None
    for row in table.rows:
        if version < len(row) and is_version(row[version].text):
            key = version_key(row[version].text)
            if previous_version is not None and key < previous_version:
                cell = row[version]
                message = f"version {cell.text} is lower than the row above's"
                yield ctx.finding("TS502", message, cell.line, cell.column)
            previous_version = key
        if when < len(row) and is_iso_date(row[when].text):
            day = row[when].text.strip()
            if previous_date is not None and day < previous_date:
                cell = row[when]
                message = f"date {day} is earlier than the row above ({previous_date})"
                yield ctx.finding("TS502", message, cell.line, cell.column)
            previous_date = day
