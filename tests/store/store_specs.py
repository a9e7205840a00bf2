"""Spec texts for the store suite (imported explicitly; not a conftest)."""

from __future__ import annotations

import re
from datetime import date

from techspec.authoring.scaffold import scaffold
from techspec.lint.template import builtin_template
from techspec.store import revisions
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
