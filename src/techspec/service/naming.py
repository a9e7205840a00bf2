"""Naming a new spec: one ``NNNN-slug`` numbering, and the specs that already carry
its title.

One numbering for specs, wherever they are made: ``NNNN-slug``.

``techspec new`` names a file ``0007-payments-ledger.md`` (the next number in its
directory) and ``techspec import`` keeps that stem as the slug; the demo's specs are
numbered the same way.  A spec made in the web UI (or the API) from a template gets the
next number the store has seen, so the store reads in one order whichever door made a
spec.  Numbers of deleted specs are not reused.
"""

from __future__ import annotations

import sqlalchemy as sa

from techspec.authoring.scaffold import NUMBERED, slugify
from techspec.store.engine import Store
from techspec.store.errors import Conflict
from techspec.store.records import SpecRecord, spec_record
from techspec.store.schema import specs

_LOOK_AT = 200
"""Slugs read from the top of the numbered range to find the highest ``NNNN-`` one."""


def next_number(store: Store) -> int:
    """One more than the highest ``NNNN-`` prefix of any spec (deleted ones too)."""
    # Slugs starting with a digit sort between '0' and ':' (the unique index on slug
    # reads them in order); the highest four-digit number is among the last few (a slug
    # like '12ab' sorts there too, and is skipped).
    query = (
        sa.select(specs.c.slug)
        .where(specs.c.slug >= "0", specs.c.slug < ":")
        .order_by(specs.c.slug.desc())
        .limit(_LOOK_AT)
    )
    with store.read() as connection:
        found = [m for slug in connection.execute(query).scalars() if (m := NUMBERED.match(slug))]
    return max((int(m.group(1)) for m in found), default=0) + 1


def numbered_slug(number: int, title: str) -> str:
    """``0012-rate-limiter`` (:func:`~techspec.authoring.scaffold.slugify` transliterates)."""
    return f"{number:04d}-{slugify(title)}"


def with_title(store: Store, title: str, *, limit: int = 5) -> list[SpecRecord]:
    """Live specs whose title is ``title`` (any case; the template's title prefix, as in
    ``Technical Specification: Rate Limiter``, is part of both), oldest first."""
    wanted = sa.func.lower(sa.literal(" ".join(title.split())))  # one lower() for both sides
    query = (
        sa.select(specs)
        .where(specs.c.deleted == sa.false(), sa.func.lower(specs.c.title) == wanted)
        .order_by(specs.c.id)
        .limit(limit)
    )
    with store.read() as connection:
        return [spec_record(row) for row in connection.execute(query)]


class SameTitle(Conflict):
    """A new spec would carry the title of ``existing`` specs: said before it is made, so
    the person can open the one that exists (or make another on purpose)."""

    def __init__(self, title: str, existing: list[SpecRecord]) -> None:
        self.title = title
        self.existing = existing
        names = ", ".join(f"'{spec.slug}'" for spec in existing)
        super().__init__(f"a spec titled '{title}' already exists: {names}")
