"""Editing a spec in the browser: live lint of unsaved text, and a save that names the
revision it was based on.

A save based on a revision that is no longer current is a :class:`Conflict` in the
store; here it becomes a :class:`Conflicted` view: what changed meanwhile (the section
diff from the base to the current revision) beside the author's own text, which is kept
so that nothing typed is lost and nothing saved by someone else is overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass

from techspec.authoring.diff import SpecDiff, diff_specs
from techspec.service import specs
from techspec.store import revisions
from techspec.store.engine import Store
from techspec.store.records import Revision, Saved
from techspec.store.users import User

MAX_MESSAGE = 500


@dataclass(frozen=True, slots=True)
class Conflicted:
    base: Revision
    current: Revision
    meanwhile: SpecDiff
    """From the revision the edit was based on to the current one."""
    text: str
    """The text the author submitted, kept for them."""


def browser_text(submitted: str, original: str) -> str:
    """The submitted text with the line endings of ``original``.

    Browsers send a textarea's lines ending in CRLF whatever the document used; a
    document written with LF keeps LF, so an unchanged text stays byte for byte the same.
    """
    if "\r\n" in original:
        return submitted
    return submitted.replace("\r\n", "\n")


def save(
    store: Store, user: User, slug: str, submitted: str, base: int, message: str = ""
) -> Saved:
    """Save the edit as a new revision after ``base``; :class:`Conflict` when stale."""
    current = revisions.get_revision(store, slug)
    text = browser_text(submitted, current.text)
    return specs.save(store, user, slug, text, base=base, message=message.strip()[:MAX_MESSAGE])


def conflict(store: Store, slug: str, base: int, submitted: str) -> Conflicted:
    """The view of a save whose ``base`` revision is no longer current."""
    current = revisions.get_revision(store, slug)
    older = revisions.get_revision(store, slug, min(base, current.number))
    text = browser_text(submitted, current.text)
    return Conflicted(older, current, diff_specs(older.text, current.text), text)
