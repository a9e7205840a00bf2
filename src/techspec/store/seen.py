"""What a person saw when they decided: the revision a decision is bound to.

A reviewer reads one revision and approves it; if the content changed since (a save by
anyone, not a workflow write-back, which keeps the content hash), the decision is
refused rather than recorded for text they never read.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from techspec.store.errors import ChangedSinceSeen, NotFound
from techspec.store.records import Revision, SpecRecord
from techspec.store.schema import revisions


@dataclass(frozen=True, slots=True)
class Seen:
    """A revision by its number (a form, ``--revision``) or by one of the sha256s of an
    ``If-Match`` (the API's ETags)."""

    number: int | None = None
    sha256s: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if (self.number is None) == (not self.sha256s):
            raise ValueError("name the revision seen by its number or by its sha256")


def check(connection: Connection, spec: SpecRecord, current: Revision, seen: Seen) -> None:
    """Refuse with :class:`ChangedSinceSeen` when the content of the revision ``seen``
    is not the current content."""
    query = sa.select(revisions.c.number, revisions.c.content_hash).where(
        revisions.c.spec_id == spec.id
    )
    if seen.number is not None:
        query = query.where(revisions.c.number == seen.number)
    else:
        query = query.where(revisions.c.sha256.in_(seen.sha256s)).order_by(
            revisions.c.number.desc()
        )
    row = connection.execute(query.limit(1)).first()
    if row is None and seen.number is not None:
        raise NotFound(
            f"spec '{spec.slug}' has no revision {seen.number} (it has 1 to {current.number})"
        )
    if row is None or row.content_hash != current.content_hash:
        number = None if row is None else int(row.number)
        raise ChangedSinceSeen(spec.slug, number, current.number, etag=current.sha256)
