"""Rules about checklists: the template's fixed items."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from techspec.lint.findings import Finding
from techspec.lint.rules.checks import rule

if TYPE_CHECKING:
    from techspec.lint.rules.context import LintContext


def squash(text: str) -> str:
    return " ".join(text.split()).casefold()


@rule(
    code="TS304",
    name="missing-checklist-item",
    summary="A checklist lacks a fixed item of the template (such as a review step).",
    explanation=(
        "Checklist items the template writes as literal text ('Architecture review "
        "completed') are fixed: every spec keeps them, checked or not."
    ),
    failing="### Technical Review\n\n- [ ] Architecture review completed",
    passing=(
        "### Technical Review\n\n- [ ] Architecture review completed\n"
        "- [ ] Security review completed\n- [ ] Performance review completed"
    ),
    severity="error",
    fixable=True,
)
def check_fixed_items(ctx: LintContext) -> Iterator[Finding]:
    for match in ctx.matches:
        if not match.rule.fixed_items:
            continue
        present = {squash(item.text) for item in match.section.checklist}
        for item in match.rule.fixed_items:
            if squash(item) not in present:
                message = f"checklist is missing item '{item}'"
                yield ctx.finding("TS304", message, match.section.end_line, 1)
