"""Spec texts for the store suite (imported explicitly; not a conftest)."""

from __future__ import annotations

import re
from datetime import date

from techspec.authoring.scaffold import scaffold
from techspec.document.parser import parse
from techspec.lint.template import builtin_template
from techspec.store import approvals, revisions
from techspec.store.engine import Store
from techspec.store.seen import Seen

_SIGNOFF = re.compile(r"\| \[Name\]\s*\| \[Date\]\s*\| \[Approval\]\s*\|")
_PLACEHOLDER = re.compile(r"\[(?! \]|x\])([^\[\]\n]+)\]")


def raw_draft(title: str = "Payments Ledger", author: str = "Ada") -> str:
    """``techspec new`` output: placeholders everywhere, so it fails the Review gate."""
    return scaffold(builtin_template(), title, author, date.today())


def draft(title: str = "Payments Ledger", author: str = "Ada", *, words: str = "") -> str:
    """A Draft with every placeholder filled and sign-off rows left blank: it lints clean
    at Review, and its work checklists are open."""
    text = _SIGNOFF.sub("|  |  |  |", raw_draft(title, author))
    text = _PLACEHOLDER.sub(lambda m: re.sub(r"[^\w -]", "", m.group(1)).strip() or "x", text)
    text = text.replace("High/Medium/Low", "Medium")
    if words:
        text = text.replace("## Executive Summary\n\n", f"## Executive Summary\n\n{words}\n\n", 1)
    return text


def with_tasks_done(text: str) -> str:
    """Every work checklist item checked (Success Criteria, phase tasks, documentation)."""
    return text.replace("- [ ]", "- [x]")


def edited(text: str, words: str) -> str:
    """A content edit: a sentence added to the Executive Summary."""
    return text.replace("## Executive Summary\n\n", f"## Executive Summary\n\n{words}\n\n", 1)


def set_risk_high(text: str) -> str:
    return text.replace("| Risk description | Medium |", "| Risk description | High |", 1)


def seen(store: Store, ref: str) -> Seen:
    """The spec's current revision, as a reviewer who just read it names it."""
    return Seen(number=revisions.get_revision(store, ref).number)


def signed_rows(text: str) -> dict[str, tuple[str, str]]:
    """Role -> (Name, the Signature's ``approved sha256:<hash>``) of each filled sign-off
    row (the rest of a signed cell, its key's signature, is checked by ``techspec verify``
    and in tests/proofs)."""
    spec = parse(text)
    table = next(t for t in spec.tables if t.columns[:2] == ["Role", "Name"])
    return {
        row[0].text: (row[1].text, row[3].text.split(" spec:")[0])
        for row in table.rows
        if row[1].text
    }


def held(store: Store, slug: str = "ledger") -> dict[str, tuple[str, str]]:
    """Role -> (reviewer, signature) of each approval the store holds as current."""
    spec = revisions.get_spec(store, slug)
    latest = approvals.for_spec(store, spec.id, spec.content_hash)
    found: dict[str, tuple[str, str]] = {}
    for approval in latest:
        if approval.current:
            found.pop(approval.role, None)
            if approval.decision == "approve":
                found[approval.role] = (approval.reviewer, f"approved sha256:{spec.content_hash}")
    return found
