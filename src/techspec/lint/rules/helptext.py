"""Help text: the template's words to the writer, left in the document."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from techspec.document.model import Block
from techspec.lint.findings import Finding
from techspec.lint.rules.checks import rule
from techspec.lint.template.help import help_key
from techspec.lint.template.styles import bracketed_spans, squash

if TYPE_CHECKING:
    from techspec.lint.rules.context import LintContext

_SHOWN = 60
_QUOTE_MARK = re.compile(r"^[ \t]*>[ \t]?", re.MULTILINE)


@rule(
    code="TS206",
    name="help-text",
    summary="The template's help for the writer (an instruction, comment or help box) is left in.",
    explanation=(
        "Templates talk to the writer: instruction paragraphs ('Describe the context...', "
        "'Why are we doing this?'), help comments (<!-- ... -->) and help boxes "
        "(> [!NOTE]). A document that keeps one word for word was not finished there, and "
        "one that is the template unchanged is reported as such. Only the template's own "
        "help counts: an alert, comment or note the writer added is theirs, and one-word "
        "markers the template prescribes (<!-- toc -->) are kept. "
        "Warning in Draft, error from Review on."
    ),
    failing="## Context\n\nDescribe the context and the problem you are solving.",
    passing="## Context\n\nPayments are reconciled by hand each night.",
    severity="status",
)
def check_help_text(ctx: LintContext) -> Iterator[Finding]:
    template, spec = ctx.template, ctx.spec
    if "square" not in template.placeholder_styles and template.is_unfilled_copy(spec):
        yield ctx.finding("TS206", "the document is the template, not filled in", 1)
    title = ctx.outline.title
    if _is_templates_title(ctx, title):
        assert title is not None
        yield ctx.finding(
            "TS206",
            f"the title is the template's own: '{title.strip()}'",
            ctx.outline.title_line,
            ctx.outline.title_column,
        )
    help_texts = template.help_texts
    if not help_texts:
        return
    blocks: list[Block] = list(spec.preamble)
    for section in spec.walk():
        blocks += section.blocks
    for block in blocks:
        if block.kind in ("paragraph", "quote") and help_key(block.kind, block.text) in help_texts:
            shown = _QUOTE_MARK.sub("", block.text) if block.kind == "quote" else block.text
            yield ctx.finding("TS206", _message(shown), block.line, 1, block.end_line)
    for comment in spec.comments:
        if help_key("comment", comment.text) in help_texts:
            message = _message(comment.text, "comment")
            yield ctx.finding("TS206", message, comment.line, comment.column, comment.end_line)


def _is_templates_title(ctx: LintContext, title: str | None) -> bool:
    """The title left as the template's instruction (``Replace this with your title``);
    a title holding a placeholder is reported as that placeholder (TS205)."""
    template = ctx.template
    if template.title_kind not in ("any", "pattern") or title is None:
        return False
    return squash(title) == squash(template.title) and not bracketed_spans(template.title)


def _message(text: str, kind: str = "help text") -> str:
    words = " ".join(text.split())
    shown = words if len(words) <= _SHOWN else words[: _SHOWN - 1] + "…"
    return f"template {kind} left in: '{shown}'"
