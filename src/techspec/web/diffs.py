"""Diffs as the pages show them: a section-aware diff between two revisions (the core's
:func:`techspec.authoring.diff.diff_specs`) with each unified-diff line classified for colour."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from techspec.authoring.diff import SpecDiff, diff_specs
from techspec.store import revisions
from techspec.store.engine import Store
from techspec.store.records import Revision

LineKind = Literal["add", "del", "hunk", "context"]


@dataclass(frozen=True, slots=True)
class DiffLine:
    kind: LineKind
    text: str


@dataclass(frozen=True, slots=True)
class Comparison:
    old: Revision
    new: Revision
    diff: SpecDiff


def compare(store: Store, slug: str, old: int, new: int | None = None) -> Comparison:
    """Revision ``old`` against ``new`` (the current one by default)."""
    before = revisions.get_revision(store, slug, old)
    after = revisions.get_revision(store, slug, new)
    return Comparison(before, after, diff_specs(before.text, after.text))


def lines(unified: str) -> list[DiffLine]:
    """The lines of a unified diff without its file header, each with its kind."""
    found: list[DiffLine] = []
    for line in unified.splitlines():
        if not found and line.startswith(("--- ", "+++ ")):
            continue  # the file header, before the first hunk
        if line.startswith("@@"):
            found.append(DiffLine("hunk", line))
        elif line.startswith("+"):
            found.append(DiffLine("add", line[1:]))
        elif line.startswith("-"):
            found.append(DiffLine("del", line[1:]))
        else:
            found.append(DiffLine("context", line[1:] if line.startswith(" ") else line))
    return found
