"""Signatures: a sign-off that cites a content hash must cite this document's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from techspec.lint.findings import Finding
from techspec.lint.rules.checks import rule
from techspec.lint.rules.managed import content_hash, signoff_rows

if TYPE_CHECKING:
    from techspec.lint.rules.context import LintContext

_CITED = re.compile(r"sha256:([0-9a-fA-F]{64})(?![0-9a-fA-F])")
"""A cited content hash: exactly 64 hex digits (a bounded match at each ``sha256:``)."""


@rule(
    code="TS404",
    name="stale-signature",
    summary="A sign-off row cites a content hash that is not the document's.",
    explanation=(
        "techspec signs a sign-off row with the content hash its reviewer approved "
        "('approved sha256:...'). The hash leaves out only what the workflow writes "
        "(Status, sign-off cells, review ticks, its own history rows), so when it is not "
        "this document's content hash, the text changed after that approval and the "
        "signature no longer counts: in a file in git as much as in the store."
    ),
    failing=(
        "## Executive Summary\n\nEdited after the approval.\n...\n"
        "| Security Lead | Grace | 2026-03-01 | approved sha256:0f3a...e91c |"
    ),
    passing=(
        "## Executive Summary\n\nThe text Grace approved.\n...\n"
        "| Security Lead | Grace | 2026-03-01 | approved sha256:0f3a...e91c |"
    ),
    severity="error",
)
def check_signatures(ctx: LintContext) -> Iterator[Finding]:
    cited = [
        (row, match, column)
        for row in signoff_rows(ctx)
        for column, _kind, text in row.cells
        for match in [_CITED.search(text)]
        if match is not None
    ]
    if not cited:
        return
    actual = content_hash(ctx.spec.text, ctx.template, parsed=ctx)
    for row, match, column in cited:
        if match[1].lower() == actual:
            continue
        message = (
            f"sign-off '{row.role}': {column} cites content sha256:{match[1][:12]}..., "
            f"but this document's content hash is sha256:{actual[:12]}...: the text "
            "changed after that approval"
        )
        yield ctx.finding("TS404", message, row.line, 1)
