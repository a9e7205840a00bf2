"""Editing a spec in the browser: live lint of unsaved text, and a save that names the
revision it was based on.

A save based on a revision that is no longer current is never applied: the service
merges it with what was saved meanwhile (:mod:`techspec.service.merges`).  A clean merge
becomes a :class:`Merged` view, the merged text in the editor based on the current
revision, to be reviewed and saved; sections changed on both sides become a
:class:`Conflicted` view, each side by side with a choice (mine, theirs, or text of
one's own).  The choices are posted with the revision they were made against; the
page keeps the editor based on the old revision, so any save from it merges again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from techspec.authoring.diff import SpecDiff, diff_specs
from techspec.authoring.merge import Pick, SectionConflict
from techspec.service import specs
from techspec.service.merges import MergeConflict, MergeReady
from techspec.store import revisions
from techspec.store.engine import Store
from techspec.store.records import Revision, Saved
from techspec.store.users import User

MAX_MESSAGE = 500
MAX_PICKS = 200
"""Conflicting sections one form may resolve."""
Choice = Literal["mine", "theirs", "edit"]
CHOICES: tuple[Choice, ...] = ("mine", "theirs", "edit")


@dataclass(frozen=True, slots=True)
class Choices:
    """What a person chose on the conflict page, by section path, and the revision the
    sections were shown against (choices count only against that one)."""

    against: int | None = None
    chosen: dict[str, Choice] = field(default_factory=dict)
    edits: dict[str, str] = field(default_factory=dict)

    def picks(self) -> dict[str, Pick]:
        found: dict[str, Pick] = {}
        for path, choice in self.chosen.items():
            if choice == "edit":
                found[path] = Pick("mine", self.edits.get(path, ""))
            else:
                found[path] = Pick(choice)
        return found


@dataclass(frozen=True, slots=True)
class Merged:
    """An edit of ``base`` merged cleanly with revisions up to ``current``."""

    base: Revision
    current: Revision
    meanwhile: SpecDiff
    text: str
    mine: list[str]
    theirs: list[str]


@dataclass(frozen=True, slots=True)
class Conflicted:
    base: Revision
    current: Revision
    meanwhile: SpecDiff
    """From the revision the edit was based on to the current one."""
    text: str
    """The text the author submitted, kept for them."""
    sections: list[SectionConflict] = field(default_factory=list)
    choices: Choices = field(default_factory=Choices)
    """The choices already made, shown again while some are missing."""
    missing: bool = False
    """True when this conflict was shown before and the form came back without a choice
    for every section."""


def browser_text(submitted: str, original: str) -> str:
    """The submitted text with the line endings of ``original``.

    Browsers send a textarea's lines ending in CRLF whatever the document used; a
    document written with LF keeps LF, so an unchanged text stays byte for byte the same.
    """
    if "\r\n" in original:
        return submitted
    return submitted.replace("\r\n", "\n")


def choices(form: Mapping[str, str], against: int | None) -> Choices:
    """The choices of a posted conflict form: ``conflict-N`` names a section, ``pick-N``
    is ``mine``, ``theirs`` or ``edit`` and ``edit-N`` the text of one's own."""
    chosen: dict[str, Choice] = {}
    edits: dict[str, str] = {}
    for index in range(MAX_PICKS):
        path = form.get(f"conflict-{index}")
        if path is None:
            break
        pick = form.get(f"pick-{index}")
        for choice in CHOICES:
            if pick == choice:
                chosen[path] = choice
        edits[path] = form.get(f"edit-{index}", "")
    return Choices(against, chosen, edits)


def save(
    store: Store,
    user: User,
    slug: str,
    submitted: str,
    base: int,
    message: str = "",
    chosen: Choices | None = None,
) -> Saved:
    """Save the edit as a new revision after ``base``; when ``base`` is stale nothing is
    saved: :class:`MergeReady` or :class:`MergeConflict` (or :class:`Conflict` when
    ``base`` is no earlier revision)."""
    current = revisions.get_revision(store, slug)
    text = browser_text(submitted, current.text)
    chosen = chosen or Choices()
    return specs.save(
        store,
        user,
        slug,
        text,
        base=base,
        message=message.strip()[:MAX_MESSAGE],
        merge=True,
        picks=chosen.picks(),
        against=chosen.against,
    )


def merged(store: Store, slug: str, ready: MergeReady) -> Merged:
    """The view of an edit that merged cleanly."""
    base, current = _revisions(store, slug, ready.base, ready.current)
    meanwhile = diff_specs(base.text, current.text)
    return Merged(base, current, meanwhile, ready.text, ready.mine, ready.theirs)


def conflict(
    store: Store, slug: str, submitted: str, clash: MergeConflict, chosen: Choices
) -> Conflicted:
    """The view of an edit whose sections clash with what was saved meanwhile."""
    base, current = _revisions(store, slug, clash.base, clash.current)
    text = browser_text(submitted, current.text)
    seen = chosen.against == current.number
    kept = chosen if seen else Choices()
    meanwhile = diff_specs(base.text, current.text)
    return Conflicted(base, current, meanwhile, text, clash.sections, kept, seen)


def _revisions(store: Store, slug: str, base: int, current: int) -> tuple[Revision, Revision]:
    return revisions.get_revision(store, slug, base), revisions.get_revision(store, slug, current)
