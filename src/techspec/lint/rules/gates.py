"""Status gates: what Approved and Implemented promise must be true of the document."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from techspec.lint.findings import Finding
from techspec.lint.rules.checks import rule
from techspec.lint.rules.values import is_iso_date, unfilled

if TYPE_CHECKING:
    from techspec.lint.rules.context import LintContext


@rule(
    code="TS401",
    name="review-incomplete",
    summary="Status says Approved (or later) but a review checklist item is unchecked.",
    explanation=(
        "Checklists made of the template's fixed items (Technical Review, Stakeholder "
        "Approval) record the review. From the third lifecycle state (Approved) on, every "
        "one of them must be checked."
    ),
    failing="**Status**: Approved\n...\n- [ ] Security review completed",
    passing="**Status**: Approved\n...\n- [x] Security review completed",
    severity="error",
)
def check_review(ctx: LintContext) -> Iterator[Finding]:
    if not ctx.needs_signoff:
        return
    status = ctx.spec.status
    for match in ctx.matches:
        if not match.rule.fixed_items:
            continue
        for item in match.section.checklist:
            if not item.checked:
                message = f"'{item.text}' must be checked when Status is {status}"
                yield ctx.finding("TS401", message, item.line, item.column)


@rule(
    code="TS402",
    name="signoff-incomplete",
    summary="Status says Approved (or later) but a sign-off row is not filled in.",
    explanation=(
        "Rows of the template's fixed-row table whose cells are placeholders (Sign-off: "
        "Name, Date, Signature) are signed at approval. From Approved on, each needs a "
        "name, an ISO date and a signature."
    ),
    failing="**Status**: Approved\n...\n| Security Lead | | | |",
    passing="**Status**: Approved\n...\n| Security Lead | Grace Hopper | 2026-03-01 | approved |",
    severity="error",
)
def check_signoff(ctx: LintContext) -> Iterator[Finding]:
    if not ctx.needs_signoff:
        return
    status = ctx.spec.status
    for pair in ctx.table_pairs():
        table = pair.table
        if table is None or not pair.rule.is_signoff:
            continue
        signed = {f.key.casefold() for f in pair.rule.fixed_rows if f.fill}
        columns = [  # looked up once per table, not per row: a header can be wide
            (name, table.column_index(name), pair.rule.column_rules[pair.rule.columns.index(name)])
            for name in pair.rule.fill_columns
        ]
        for row in table.rows:
            if not row or row[0].text.casefold() not in signed:
                continue
            for name, index, column_rule in columns:
                if index is None or index >= len(row):
                    continue
                cell = row[index]
                date_column = column_rule.kind == "date"
                if unfilled(cell.text):
                    message = (
                        f"sign-off '{row[0].text}': {name} is required when Status is {status}"
                    )
                elif date_column and not is_iso_date(cell.text):
                    message = f"sign-off '{row[0].text}': {name} '{cell.text}' is not an ISO date"
                else:
                    continue
                yield ctx.finding("TS402", message, cell.line, cell.column)


@rule(
    code="TS403",
    name="tasks-incomplete",
    summary="Status says Implemented but a task or success criterion is unchecked.",
    explanation=(
        "Checklists whose template items are placeholders (Success Criteria, phase tasks, "
        "documentation) are the work. In the last lifecycle state (Implemented) every item "
        "must be checked, or the status is not true."
    ),
    failing="**Status**: Implemented\n...\n- [ ] p99 latency under 50 ms",
    passing="**Status**: Implemented\n...\n- [x] p99 latency under 50 ms",
    severity="error",
)
def check_tasks(ctx: LintContext) -> Iterator[Finding]:
    if not ctx.needs_done:
        return
    status = ctx.spec.status
    for match in ctx.matches:
        if not match.rule.work_items:
            continue
        for item in match.section.checklist:
            if not item.checked:
                message = f"'{item.text}' must be checked when Status is {status}"
                yield ctx.finding("TS403", message, item.line, item.column)
