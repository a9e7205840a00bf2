"""Review requests: who owes a review of which spec, since when, and whether it is done
(:mod:`techspec.store.review_asks` makes them).

A request closes when its reviewer approves or requests changes (a role holder's request
also when another holder decides for that role), and every open request of a spec closes
when its status changes, so a spec sent back to Draft owes nobody a review until it is
submitted again.  These follow from the audit events themselves (:func:`on_event`), in the
transaction that records them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from techspec.store.clock import as_utc, now
from techspec.store.engine import Store
from techspec.store.inbox_schema import review_requests
from techspec.store.schema import specs, users


@dataclass(frozen=True, slots=True)
class Request:
    id: int
    spec_id: int
    slug: str
    title: str | None
    reviewer: str
    role: str | None
    requested_by: str | None
    requested_at: datetime
    revision: int
    due: date | None
    closed_at: datetime | None
    outcome: str | None

    @property
    def open(self) -> bool:
        return self.closed_at is None

    def age(self, at: datetime | None = None) -> timedelta:
        return ((at or now()) if self.closed_at is None else self.closed_at) - self.requested_at


def on_event(
    connection: Connection,
    *,
    action: str,
    actor: str | None,
    spec_id: int | None,
    revision: int | None,
    details: dict[str, Any],
) -> None:
    """Close the requests an audit event settles (see the module's docstring)."""
    if spec_id is None:
        return
    still_open = sa.and_(
        review_requests.c.spec_id == spec_id, review_requests.c.closed_at.is_(None)
    )
    if action.startswith("approval.") and actor is not None:
        reviewer = connection.execute(sa.select(users.c.id).where(users.c.name == actor)).scalar()
        role = str(details.get("role") or "")
        mine = review_requests.c.reviewer_id == reviewer
        same_role = sa.func.lower(review_requests.c.role) == role.casefold()
        closing = sa.and_(still_open, sa.or_(mine, same_role) if role.isascii() else mine)
        outcome = action.removeprefix("approval.")
    elif action == "status.changed":
        closing, outcome = still_open, f"status {details.get('to', '')}"[:30]
    else:
        return
    connection.execute(
        sa.update(review_requests)
        .where(closing)
        .values(closed_at=now(), closed_revision=revision, outcome=outcome)
    )


def reviewer_ids(connection: Connection, spec_id: int) -> set[int]:
    """Everyone ever asked to review the spec."""
    query = sa.select(review_requests.c.reviewer_id).where(review_requests.c.spec_id == spec_id)
    return set(connection.execute(query.distinct()).scalars().all())


def _query() -> sa.Select[Any]:
    return sa.select(
        review_requests,
        specs.c.slug,
        specs.c.title,
        users.c.name.label("reviewer"),
    ).select_from(
        review_requests.join(specs, specs.c.id == review_requests.c.spec_id).join(
            users, users.c.id == review_requests.c.reviewer_id
        )
    )


def _request(row: Any) -> Request:
    return Request(
        row.id,
        row.spec_id,
        row.slug,
        row.title,
        row.reviewer,
        row.role,
        row.requested_by,
        as_utc(row.requested_at),
        row.revision,
        row.due,
        as_utc(row.closed_at) if row.closed_at is not None else None,
        row.outcome,
    )


def for_spec(store: Store, spec_id: int, *, limit: int = 50) -> list[Request]:
    """The spec's latest requests, open ones first, oldest open first."""
    query = (
        _query()
        .where(review_requests.c.spec_id == spec_id)
        .order_by(
            review_requests.c.closed_at.is_not(None),
            review_requests.c.id.desc(),
        )
        .limit(limit)
    )
    with store.read() as connection:
        return [_request(row) for row in connection.execute(query)]


def outstanding(store: Store, *, limit: int, reviewer_id: int | None = None) -> list[Request]:
    """Open requests on live specs, the oldest first (the ones most overdue)."""
    query = _query().where(review_requests.c.closed_at.is_(None), specs.c.deleted == sa.false())
    if reviewer_id is not None:
        query = query.where(review_requests.c.reviewer_id == reviewer_id)
    query = query.order_by(review_requests.c.requested_at, review_requests.c.id).limit(limit)
    with store.read() as connection:
        return [_request(row) for row in connection.execute(query)]


def count_outstanding(store: Store) -> int:
    query = (
        sa.select(sa.func.count())
        .select_from(review_requests.join(specs, specs.c.id == review_requests.c.spec_id))
        .where(review_requests.c.closed_at.is_(None), specs.c.deleted == sa.false())
    )
    with store.read() as connection:
        return int(connection.execute(query).scalar_one())
