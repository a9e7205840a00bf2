"""The mail outbox: mails to send, written in the transaction of what they tell of.

An immediate mail's row is written with its inbox item (:func:`techspec.store.inbox.
fan_out`); a daily digest's by :func:`queue_digests`.  Sending follows the webhook
outbox's pattern (:mod:`techspec.store.leases`): a process leases a due row so that one
sender at a time has it across server processes, and records the attempt: sent, due
again after a backoff, or failed for good after the last attempt.  What a mail says is
read when it is sent (:func:`letter`), from the inbox items it carries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa

from techspec.store import leases
from techspec.store.clock import now
from techspec.store.engine import Store
from techspec.store.inbox import Item, items_by_id
from techspec.store.inbox_schema import inbox_items, mail_outbox, user_profiles
from techspec.store.leases import due
from techspec.store.schema import users

DIGEST_EVERY = timedelta(days=1)
DIGEST_MOST = 200
"""Items one digest lists at most (the inbox has the rest)."""
Outcome = Literal["sent", "retry", "failed"]


@dataclass(frozen=True, slots=True)
class Pending:
    """An outbox row leased for one sending attempt, until ``lease_until``."""

    id: int
    user_id: int
    kind: str
    item_ids: list[int]
    attempts: int
    lease_until: datetime


@dataclass(frozen=True, slots=True)
class Letter:
    """What one mail tells, read when it is sent."""

    outbox_id: int
    kind: str
    to: str
    user: str
    display_name: str | None
    items: list[Item]


def claim(
    store: Store, *, lease_seconds: float, limit: int = 20, at: datetime | None = None
) -> list[Pending]:
    """Lease up to ``limit`` due rows, oldest first (see :func:`techspec.store.leases.lease`)."""
    at = at or now()
    query = (
        sa.select(mail_outbox.c.id)
        .where(*due(mail_outbox, at))
        .order_by(mail_outbox.c.next_attempt_at, mail_outbox.c.id)
        .limit(limit)
    )
    rows, until = leases.claim(
        store,
        mail_outbox,
        query,
        lambda taken: (
            sa.select(mail_outbox).where(mail_outbox.c.id.in_(taken)).order_by(mail_outbox.c.id)
        ),
        at=at,
        lease_seconds=lease_seconds,
    )
    return [_pending(row, until) for row in rows]


def _pending(row: Any, until: datetime) -> Pending:
    ids = [row.inbox_item_id] if row.inbox_item_id is not None else json.loads(row.items)
    return Pending(row.id, row.user_id, row.kind, [int(i) for i in ids], row.attempts, until)


def letter(store: Store, pending: Pending) -> Letter | None:
    """The mail of a leased row; None when its user has no address or wants no mail now."""
    with store.read() as connection:
        who = connection.execute(
            sa.select(
                users.c.name,
                user_profiles.c.email,
                user_profiles.c.display_name,
                user_profiles.c.mail,
            )
            .join(user_profiles, user_profiles.c.user_id == users.c.id)
            .where(users.c.id == pending.user_id)
        ).first()
        if who is None or not who.email or who.mail == "none":
            return None
        found = items_by_id(connection, pending.item_ids)
    return Letter(pending.id, pending.kind, who.email, who.name, who.display_name, found)


def record(
    store: Store,
    pending: Pending,
    *,
    error: str,
    max_attempts: int,
    backoff_seconds: float,
    at: datetime | None = None,
) -> Outcome:
    """Log one attempt (``error`` empty: sent) while its lease holds; a lease that ran
    out and was taken by another process keeps that process's state."""
    at = at or now()
    attempt = pending.attempts + 1
    step, values = leases.settle(
        succeeded=not error,
        done="sent",
        attempt=attempt,
        at=at,
        max_attempts=max_attempts,
        backoff_seconds=backoff_seconds,
    )
    outcome: Outcome = "sent" if step == "done" else step
    with store.write() as connection:
        leases.release(
            connection,
            mail_outbox,
            pending.id,
            pending.lease_until,
            attempts=attempt,
            last_error=error[:500],
            **values,
        )
    return outcome


def drop(store: Store, pending: Pending, reason: str) -> None:
    """Give up on a row that has no one to go to (the address was removed meanwhile)."""
    with store.write() as connection:
        leases.release(
            connection,
            mail_outbox,
            pending.id,
            pending.lease_until,
            state="dropped",
            last_error=reason[:500],
        )


def queue_digests(store: Store, *, at: datetime | None = None) -> int:
    """Queue the daily digest of each digest user with an address whose last one was a
    day or more ago: their unread items since then (none: no mail).  Of several processes,
    one queues a user's digest: the stamp is a conditional update.  Returns digests queued."""
    at = at or now()
    candidates = sa.select(user_profiles.c.user_id, user_profiles.c.digest_at).where(
        user_profiles.c.mail == "digest",
        user_profiles.c.email.is_not(None),
        sa.or_(user_profiles.c.digest_at.is_(None), user_profiles.c.digest_at <= at - DIGEST_EVERY),
    )
    with store.read() as connection:
        due_users = connection.execute(candidates).all()
    queued = 0
    for user_id, last in due_users:
        with store.write() as connection:
            stamped = connection.execute(
                sa.update(user_profiles)
                .where(
                    user_profiles.c.user_id == user_id,
                    sa.or_(
                        user_profiles.c.digest_at.is_(None),
                        user_profiles.c.digest_at <= at - DIGEST_EVERY,
                    ),
                )
                .values(digest_at=at)
            )
            if stamped.rowcount != 1:
                continue
            since = last if last is not None else at - DIGEST_EVERY
            ids = list(
                connection.execute(
                    sa.select(inbox_items.c.id)
                    .where(
                        inbox_items.c.user_id == user_id,
                        inbox_items.c.read_at.is_(None),
                        inbox_items.c.created_at > since,
                        inbox_items.c.created_at <= at,
                    )
                    .order_by(inbox_items.c.id)
                    .limit(DIGEST_MOST)
                ).scalars()
            )
            if not ids:
                continue
            connection.execute(
                sa.insert(mail_outbox).values(
                    user_id=user_id,
                    kind="digest",
                    items=json.dumps(ids),
                    state="pending",
                    attempts=0,
                    next_attempt_at=at,
                    created_at=at,
                )
            )
            queued += 1
    return queued


def states(store: Store) -> dict[str, int]:
    """Rows per state (for tests and the metrics an operator reads)."""
    query = sa.select(mail_outbox.c.state, sa.func.count()).group_by(mail_outbox.c.state)
    with store.read() as connection:
        return {row[0]: int(row[1]) for row in connection.execute(query)}
