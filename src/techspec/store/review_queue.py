"""What waits for a reviewer: specs in Review that need a decision they may give.

Exact at any size: the most recently updated are listed and every one is counted, so
nothing is missed because it sits deep in a long Review queue.  The count comes from
indexes (``current_approvals``, kept by database triggers, holds each spec's currently
approved roles with its status), not from a walk over every spec in Review.  The rules
applied (which sign-off roles a user holds on which template, what its Review state is
called) come from the application layer as :class:`Seat` values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection

from techspec.store import authors, counts
from techspec.store.engine import Store
from techspec.store.revisions import CONTENT_KINDS
from techspec.store.schema import current_approvals, revisions, specs
from techspec.store.search import LISTED_COLUMNS, Listed, listed_rows
from techspec.store.users import User

_CHUNK = 5000
"""Spec ids per ``IN`` list (SQLite takes at most 32,766 parameters)."""


@dataclass(frozen=True, slots=True)
class Seat:
    """What a reviewer may decide on specs of one template: the template's Review state
    and the sign-off roles they hold, spelled as the template spells them (as the
    approvals record them)."""

    template_sha256: str
    review: str
    roles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Waiting:
    item: Listed
    roles: list[str]
    """The roles the reviewer holds that have no current approval yet."""


@dataclass(frozen=True, slots=True)
class Queue:
    items: list[Waiting]
    total: int
    """Every spec that waits, not only those in ``items``."""


def waiting_for(store: Store, reviewer: User, seats: Sequence[Seat], *, limit: int) -> Queue:
    """Specs in their template's Review state where a role of ``seats`` has no current
    approval (the latest decision for it on the spec's current content is not an
    approval), unless the reviewer is one of its authors (see
    :func:`~techspec.store.workflow.authorship`: authors may not approve).  The ``limit``
    most recently updated come first, with their waiting roles."""
    seats = [seat for seat in seats if seat.roles]
    if not seats:
        return Queue([], 0)
    pending = [
        (role, sa.and_(specs.c.template_sha256 == seat.template_sha256, _approved([role]) == 0))
        for seat in seats
        for role in seat.roles
    ]
    where = sa.and_(
        specs.c.deleted == sa.false(),
        sa.or_(*(sa.and_(_in_review(seat), ~_all_approved(seat)) for seat in seats)),
        ~_wrote(reviewer.id),
    )
    flags = [condition.label(f"waits_{n}") for n, (_role, condition) in enumerate(pending)]
    with store.read() as connection:
        named = _named(connection, reviewer, seats)
        listing = (
            sa.select(*LISTED_COLUMNS, *flags)
            .where(where)
            .order_by(specs.c.updated_at.desc(), specs.c.id.desc())
            .limit(limit + len(named))
        )
        rows = [row for row in connection.execute(listing) if row.id not in named][:limit]
        written = _written(connection, reviewer.id, seats)
        total = sum(_count(connection, seat, written) for seat in seats)
    total -= len(named.difference(written))
    roles = [role for role, _condition in pending]
    items = [
        Waiting(item, _roles(row, roles)) for item, row in zip(listed_rows(rows), rows, strict=True)
    ]
    return Queue(items, total)


def _named(connection: Connection, reviewer: User, seats: Sequence[Seat]) -> set[int]:
    """Specs that would wait but whose Author field names the reviewer (an index probe
    into the names each Author field lists)."""
    query = sa.select(specs.c.id).where(
        specs.c.id.in_(authors.naming(reviewer.name)),
        sa.or_(*(sa.and_(_in_review(seat), ~_all_approved(seat)) for seat in seats)),
    )
    return set(connection.execute(query).scalars().all())


def _count(connection: Connection, seat: Seat, written: list[int]) -> int:
    """The specs of one seat that wait for a reviewer not named in any Author field,
    from index-served counts: every spec in Review, less those whose every role of the
    seat is approved, less those the reviewer wrote (``written``) that are not."""
    total = counts.in_status(connection, seat.template_sha256, seat.review)
    if total == 0:
        return 0  # a template no spec in Review uses: nothing to look up
    approved = counts.approved(connection, seat.template_sha256, seat.review, seat.roles)
    total -= approved if approved is not None else _all_roles_approved(connection, seat)
    for first in range(0, len(written), _CHUNK):
        wrote, among = _specs_of(connection, written[first : first + _CHUNK])
        waiting = sa.select(sa.func.count()).select_from(wrote).where(among)
        total -= connection.execute(
            waiting.where(_in_review(seat), ~_all_approved(seat))
        ).scalar_one()
    return int(total)


def _all_roles_approved(connection: Connection, seat: Seat) -> int:
    """Specs of the seat's Review state approved for every one of its roles."""
    approved = (
        sa.select(current_approvals.c.spec_id)
        .where(
            current_approvals.c.status == seat.review,
            current_approvals.c.template_sha256 == seat.template_sha256,
            current_approvals.c.role.in_(seat.roles),
        )
        .group_by(current_approvals.c.spec_id)
        .having(sa.func.count() == len(seat.roles))
        .subquery()
    )
    return int(connection.execute(sa.select(sa.func.count()).select_from(approved)).scalar_one())


def _specs_of(
    connection: Connection, ids: list[int]
) -> tuple[sa.FromClause, sa.ColumnElement[bool]]:
    """The specs with these ids, looked up one by one, as a FROM and a WHERE: on
    PostgreSQL a join with the unnested id array (one parameter; as ``id = ANY(...)``
    the planner would also walk the whole Review index and intersect), on SQLite an
    ``IN`` list."""
    if connection.dialect.name == "postgresql":
        wanted = sa.func.unnest(sa.literal(ids, ARRAY(sa.Integer)))
        unnested = wanted.table_valued("id").render_derived(name="wanted")
        return unnested.join(specs, specs.c.id == unnested.c.id), sa.true()
    return specs, specs.c.id.in_(ids)


def _written(connection: Connection, user_id: int, seats: Sequence[Seat]) -> list[int]:
    """The live specs in a Review state whose content the user wrote: a reviewer wrote
    few, and asking for them first lets each engine look those up by id instead of
    walking the Review queue."""
    wrote = (
        sa.select(revisions.c.spec_id)
        .where(revisions.c.author_id == user_id, revisions.c.kind.in_(CONTENT_KINDS))
        .distinct()
    )
    query = sa.select(specs.c.id).where(
        specs.c.id.in_(wrote),
        specs.c.deleted == sa.false(),
        specs.c.status.in_(sorted({seat.review for seat in seats})),
    )
    return list(connection.execute(query).scalars().all())


def _in_review(seat: Seat) -> sa.ColumnElement[bool]:
    return sa.and_(
        specs.c.deleted == sa.false(),
        specs.c.status == seat.review,
        specs.c.template_sha256 == seat.template_sha256,
    )


def _approved(roles: Sequence[str]) -> sa.ColumnElement[int]:
    """How many of ``roles`` the spec's latest decision on its current content approved.

    A correlated count rather than ``EXISTS``: inside an ``OR`` PostgreSQL would hash
    every current approval of the role first, where one index probe per spec is enough.
    """
    return (
        sa.select(sa.func.count())
        .where(current_approvals.c.spec_id == specs.c.id, current_approvals.c.role.in_(roles))
        .scalar_subquery()
    )


def _all_approved(seat: Seat) -> sa.ColumnElement[bool]:
    return _approved(seat.roles) == len(seat.roles)


def _wrote(user_id: int) -> sa.ColumnElement[bool]:
    """The user wrote content of the spec (workflow write-backs do not count)."""
    return sa.exists().where(
        revisions.c.author_id == user_id,
        revisions.c.spec_id == specs.c.id,
        revisions.c.kind.in_(CONTENT_KINDS),
    )


def _roles(row: Any, roles: list[str]) -> list[str]:
    found = [role for n, role in enumerate(roles) if getattr(row, f"waits_{n}")]
    return list(dict.fromkeys(found))
