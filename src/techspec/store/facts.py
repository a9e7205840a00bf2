"""What the store copies out of a document at save time, for listing and filtering.

Computed once per revision (outside any transaction, so locks stay short): the title
and metadata, lint counts at the document's own status, open tasks and High risks.
"""

from __future__ import annotations

from dataclasses import dataclass

from techspec.authoring.content_hash import content_hash, revision_sha256
from techspec.document.model import Spec, Table
from techspec.document.parser import parse
from techspec.lint.linter import LintContext, count_by_severity, lint
from techspec.lint.template import Template

RISK_COLUMNS = ("probability", "impact", "risk level", "risk")
"""Columns whose ``High`` marks a risk rated High (Risks & Mitigations, Dependencies)."""


@dataclass(frozen=True, slots=True)
class Facts:
    sha256: str
    content_hash: str
    title: str | None
    status: str | None
    version: str | None
    date: str | None
    author: str | None
    errors: int
    warnings: int
    infos: int
    open_tasks: int
    high_risks: int
    is_spec: bool


def facts(text: str, template: Template, parsed: LintContext | None = None) -> Facts:
    """Parse, lint and hash ``text`` once (``parsed``: already parsed and matched)."""
    context = parsed if parsed is not None else LintContext(parse(text), template)
    spec = context.spec
    counts = count_by_severity(lint(spec, template, context=context))
    return Facts(
        sha256=revision_sha256(text),
        content_hash=content_hash(text, template, parsed=context),
        title=_short(spec.title, 500),
        status=_short(spec.status, 100),
        version=_field(spec, "Document Version"),
        date=_field(spec, "Date"),
        author=_field(spec, "Author"),
        errors=counts["error"],
        warnings=counts["warning"],
        infos=counts["info"],
        open_tasks=open_tasks(context),
        high_risks=sum(_high_rows(table) for table in spec.tables),
        is_spec=context.is_spec,
    )


def open_tasks(context: LintContext) -> int:
    """Unchecked items of the work checklists (Success Criteria, phase tasks, docs)."""
    return sum(
        1
        for match in context.matches
        if match.rule.work_items
        for item in match.section.checklist
        if not item.checked
    )


def _high_rows(table: Table) -> int:
    columns = [i for i, name in enumerate(table.columns) if name.casefold() in RISK_COLUMNS]
    if not columns:
        return 0
    return sum(
        1
        for row in table.rows
        if any(i < len(row) and row[i].text.strip().casefold() == "high" for i in columns)
    )


def _field(spec: Spec, key: str) -> str | None:
    found = spec.field(key)
    return _short(found.value, 200) if found is not None else None


def _short(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value[: limit - 1] + "…" if len(value) > limit else value
