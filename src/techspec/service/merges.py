"""Merging a save based on an older revision with what was saved meanwhile.

Nothing here writes: a merge answers with :class:`MergeReady` (the merged text, to be
reviewed and then saved based on the current revision) or :class:`MergeConflict` (the
sections both sides changed, each to be chosen), so no save is ever applied over a
change its author has not seen.  :func:`techspec.service.specs.save` and
``save_if_match`` call it when asked to merge.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa

from techspec.authoring import merge as merging
from techspec.authoring.merge import Merge, Pick, SectionConflict
from techspec.store import revisions
from techspec.store.engine import Store
from techspec.store.errors import Conflict
from techspec.store.records import Revision, SpecRecord
from techspec.store.schema import revisions as revisions_table

MAX_TAGS = 20
"""``If-Match`` tags looked up as a base revision."""


class MergeReady(Conflict):
    """An edit of revision ``base`` merged cleanly with what was saved up to revision
    ``current``: nothing was saved; ``text`` is to be reviewed and saved based on
    ``current`` (``etag`` is its sha256)."""

    def __init__(self, spec: SpecRecord, base: int, current: Revision, merged: Merge) -> None:
        assert merged.text is not None
        self.slug = spec.slug
        self.base = base
        self.current = current.number
        self.etag = current.sha256
        self.text = merged.text
        self.mine, self.theirs = merged.mine, merged.theirs
        super().__init__(
            f"spec '{spec.slug}' has changed since revision {base} (it is at revision "
            f"{current.number}); your edit merged with those changes without a conflict: "
            f"review the merged text and save it based on revision {current.number}"
        )


class MergeConflict(Conflict):
    """An edit of revision ``base`` and the revisions saved up to ``current`` changed
    the same sections: nothing was saved; ``sections`` need a person's choice."""

    def __init__(
        self, spec: SpecRecord, base: int, current: Revision, sections: list[SectionConflict]
    ) -> None:
        self.slug = spec.slug
        self.base = base
        self.current = current.number
        self.etag = current.sha256
        self.sections = sections
        names = ", ".join(f"'{section.path}'" for section in sections)
        super().__init__(
            f"spec '{spec.slug}' has changed since revision {base} (it is at revision "
            f"{current.number}) and both changed {names}: choose for each, then save"
        )


def merge_edit(
    store: Store,
    spec: SpecRecord,
    base: int,
    text: str,
    picks: Mapping[str, Pick] | None = None,
    against: int | None = None,
) -> None:
    """Raise :class:`MergeReady` or :class:`MergeConflict` for an edit of ``base``
    (returns when ``base`` is no revision before the current one)."""
    with store.read() as connection:
        latest = revisions.resolve(connection, f"#{spec.id}")
        if not 1 <= base < latest.current_revision:
            return
        older = revisions.revision_row(connection, latest, base)
        current = revisions.revision_row(connection, latest)
    chosen = picks if against == current.number else None
    merged = merging.merge(older.text, text, current.text, chosen)
    if merged.text is None:
        raise MergeConflict(latest, base, current, merged.conflicts)
    raise MergeReady(latest, base, current, merged)


def tagged(store: Store, spec: SpecRecord, tags: list[str]) -> int | None:
    """The latest revision of ``spec`` whose sha256 is one of ``tags``."""
    query = sa.select(sa.func.max(revisions_table.c.number)).where(
        revisions_table.c.spec_id == spec.id, revisions_table.c.sha256.in_(tags[:MAX_TAGS])
    )
    with store.read() as connection:
        found = connection.execute(query).scalar()
    return int(found) if found is not None else None
