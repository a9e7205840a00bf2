"""Rules about the document as a whole: is it a spec, and is its title right."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from techspec.lint.findings import Finding
from techspec.lint.rules.checks import rule
from techspec.lint.rules.registry import document

if TYPE_CHECKING:
    from techspec.lint.rules.context import LintContext

document(
    code="TS001",
    name="not-a-spec",
    summary="The file is not written from the template at all.",
    explanation=(
        "A file is recognized as a spec by its title (the template's H1, such as "
        "'Technical Specification: <name>') or by carrying most of the template's metadata "
        "keys or top-level sections. Anything else gets this one finding instead of a "
        "flood of missing sections. Directories skip such files silently (named with -v)."
    ),
    failing="# Meeting notes\n\nWe talked about the roadmap.",
    passing="# Technical Specification: Payments Ledger\n\n**Status**: Draft",
    severity="error",
)


@rule(
    code="TS100",
    name="invalid-title",
    summary="The title is not the template's title with a name filled in.",
    explanation=(
        "The first '# ' heading names the spec in the template's form, e.g. "
        "'Technical Specification: Payments Ledger'. Tools find specs by this title."
    ),
    failing="# Payments Ledger",
    passing="# Technical Specification: Payments Ledger",
    severity="error",
)
def check_title(ctx: LintContext) -> Iterator[Finding]:
    template, title = ctx.template, ctx.outline.title
    if template.title_kind in ("none", "optional"):
        return  # no title to match: any title, or none
    if title is None or not title.strip():
        yield ctx.finding("TS100", f"missing title: expected '# {template.title}'", 1)
    elif not template.title_matches(title):
        yield ctx.finding(
            "TS100",
            f"title '{title}' does not match '{template.title}'",
            ctx.outline.title_line,
            ctx.outline.title_column,
        )


document(
    code="TS601",
    name="unused-suppression",
    summary="A techspec-disable comment suppressed nothing.",
    explanation=(
        "Suppressions are for findings that are known and accepted. One that silences "
        "nothing is stale and would hide a future problem; remove it."
    ),
    failing="<!-- techspec-disable-next-line TS205 -->\nAll text here is final.",
    passing="<!-- techspec-disable-next-line TS205 -->\nSee [TBD by legal].",
    severity="warning",
)

document(
    code="TS602",
    name="unknown-rule",
    summary="A suppression comment names a rule that does not exist.",
    explanation="Use a rule code (TS205) or name (placeholder) as listed by 'techspec rules'.",
    failing="<!-- techspec-disable TS999 -->",
    passing="<!-- techspec-disable TS205 -->",
    severity="warning",
)
