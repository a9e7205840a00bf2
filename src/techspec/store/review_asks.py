"""Asking for reviews and reminding reviewers (see :mod:`techspec.store.review_requests`
for what a request is and when it closes).

Submitting a spec for review asks each user its ``**Reviewers**`` field names (by user
name or display name) and, for each sign-off role none of them holds, every user who
holds that role (except the spec's authors, who may not approve it).  A name that matches
no user is reported back to the submitter, never dropped in silence.  Each request is a
``review.requested`` audit event written in the submit's own transaction, from which the
inbox items and mails are made.  Reminders are ``review.reminded`` events, at most one a
day per reviewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from techspec.store import audit
from techspec.store.clock import iso, now
from techspec.store.engine import Store
from techspec.store.inbox_schema import review_requests, user_profiles
from techspec.store.names import names_in
from techspec.store.people import ensure, users_named
from techspec.store.review_requests import Request, outstanding
from techspec.store.schema import user_roles, users

REMIND_EVERY = timedelta(days=1)
"""A reviewer is reminded at most this often."""


@dataclass(frozen=True, slots=True)
class Asked:
    """Whom a submit asked for a review, and the names that matched nobody."""

    reviewers: list[tuple[str, str | None]]
    unknown: list[str]

    def notes(self) -> list[str]:
        found = []
        if self.reviewers:
            names = ", ".join(
                name + (f" ({role})" if role else "") for name, role in self.reviewers
            )
            found.append(f"Review requested from {names}.")
        for name in self.unknown:
            found.append(
                f"Reviewers field: no user is called '{name}', so no review was requested "
                "from them (add the user or fix the name)."
            )
        return found


def request_reviews(
    connection: Connection,
    *,
    spec_id: int,
    revision: int,
    reviewers_field: str | None,
    roles: list[str],
    authors: set[int],
    requested_by: str | None,
    due: date | None,
) -> Asked:
    """Ask the named reviewers and the holders of each uncovered sign-off role; one
    ``review.requested`` event per request.  ``authors``: users never asked."""
    named = names_in(reviewers_field)
    matched = users_named(connection, named)
    unknown = [name for name in named if name.casefold() not in matched]
    holders = _holders(connection)
    asked: dict[int, str | None] = {}
    for name in named:
        user_id = matched.get(name.casefold())
        if user_id is not None and user_id not in authors:
            asked.setdefault(user_id, None)
    for role in roles:
        wanted = role.strip().casefold()
        if any(wanted in holders.get(user_id, set()) for user_id in asked):
            continue  # a named reviewer speaks for this role
        for user_id, held in sorted(holders.items()):
            if wanted in held and user_id not in authors:
                asked.setdefault(user_id, role)
    already = set(
        connection.execute(
            sa.select(review_requests.c.reviewer_id).where(
                review_requests.c.spec_id == spec_id, review_requests.c.closed_at.is_(None)
            )
        ).scalars()
    )
    names = {row.id: row.name for row in connection.execute(sa.select(users.c.id, users.c.name))}
    at = now()
    made: list[tuple[str, str | None]] = []
    for user_id, asked_role in asked.items():
        if user_id in already:
            continue
        connection.execute(
            sa.insert(review_requests).values(
                spec_id=spec_id,
                reviewer_id=user_id,
                role=asked_role,
                requested_by=requested_by,
                requested_at=at,
                revision=revision,
                due=due,
            )
        )
        details = {"reviewer": names[user_id], "role": asked_role, "requested_by": requested_by}
        details["due"] = due.isoformat() if due else None
        audit.record(
            connection,
            actor=requested_by,
            action="review.requested",
            spec_id=spec_id,
            revision=revision,
            details=details,
        )
        made.append((names[user_id], asked_role))
    return Asked(made, unknown)


def _holders(connection: Connection) -> dict[int, set[str]]:
    holders: dict[int, set[str]] = {}
    for user_id, role in connection.execute(sa.select(user_roles.c.user_id, user_roles.c.role)):
        holders.setdefault(user_id, set()).add(role.strip().casefold())
    return holders


def remind(store: Store, *, at: datetime, older_than: timedelta) -> int:
    """Remind each reviewer who owes a review requested before ``at - older_than`` (one
    ``review.reminded`` event listing them), unless they were reminded in the last day;
    returns the reviewers reminded.  Of several processes doing this at once, one
    reminds a reviewer: the stamp on their profile is set by a conditional update."""
    old = [r for r in outstanding(store, limit=10_000) if r.requested_at <= at - older_than]
    by_reviewer: dict[str, list[Request]] = {}
    for request in old:
        by_reviewer.setdefault(request.reviewer, []).append(request)
    reminded = 0
    for reviewer, owed in by_reviewer.items():
        if _remind_one(store, reviewer, owed, at):
            reminded += 1
    return reminded


def _remind_one(store: Store, reviewer: str, owed: list[Request], at: datetime) -> bool:
    with store.write() as connection:
        user_id = connection.execute(sa.select(users.c.id).where(users.c.name == reviewer)).scalar()
        if user_id is None:
            return False
        ensure(connection, user_id)
        stamped = connection.execute(
            sa.update(user_profiles)
            .where(
                user_profiles.c.user_id == user_id,
                sa.or_(
                    user_profiles.c.reminded_at.is_(None),
                    user_profiles.c.reminded_at <= at - REMIND_EVERY,
                ),
            )
            .values(reminded_at=at)
        )
        if stamped.rowcount != 1:
            return False
        requests = [
            {
                "spec_id": r.spec_id,
                "slug": r.slug,
                "title": r.title,
                "role": r.role,
                "since": iso(r.requested_at),
                "due": r.due.isoformat() if r.due else None,
            }
            for r in owed
        ]
        audit.record(
            connection,
            actor=None,
            action="review.reminded",
            details={"reviewer": reviewer, "requests": requests},
        )
        return True
