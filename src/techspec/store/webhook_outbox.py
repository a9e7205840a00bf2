"""The webhook outbox: one row per event and subscribed receiver, leased for delivery.

Events come from the audit log, which every change writes in its own transaction: so
an event is durable exactly when its change is.  :func:`fan_out` copies new audit
events into the outbox and moves a cursor, in one transaction; :func:`claim` leases due
rows so that of several server processes exactly one sends a row at a time;
:func:`record` logs an attempt and schedules the next one with exponential backoff.
Delivery is at least once: a receiver deduplicates on ``X-Techspec-Delivery``.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from techspec.store import leases
from techspec.store.clock import as_utc, iso, now
from techspec.store.engine import Store
from techspec.store.leases import due
from techspec.store.schema import audit_events, audit_head, specs
from techspec.store.webhook_schema import (
    EVENTS,
    webhook_cursor,
    webhook_deliveries,
    webhook_outbox,
    webhooks,
)

Outcome = Literal["delivered", "retry", "failed"]


@dataclass(frozen=True, slots=True)
class Pending:
    """An outbox row leased for one delivery attempt, until ``lease_until``."""

    id: int
    webhook_id: int
    url: str
    secret: str
    event: str
    seq: int
    payload: str
    attempts: int
    lease_until: datetime


def fan_out(store: Store, base_url: str = "", *, batch: int = 500) -> int:
    """Copy audit events past the cursor into the outbox; returns rows added."""
    if not _behind(store):
        return 0  # nothing new: no write lock taken
    with store.write() as connection:
        cursor = connection.execute(
            sa.select(webhook_cursor.c.seq).where(webhook_cursor.c.id == 1).with_for_update()
        ).scalar_one()
        events = connection.execute(
            sa.select(audit_events)
            .where(audit_events.c.seq > cursor)
            .order_by(audit_events.c.seq)
            .limit(batch)
        ).all()
        if not events:
            return 0
        receivers = connection.execute(
            sa.select(webhooks).where(webhooks.c.active == sa.true())
        ).all()
        rows = [
            _outbox_row(connection, event, receiver, base_url)
            for event in events
            if event.action in EVENTS
            for receiver in receivers
            if EVENTS[event.action] in receiver.events.split(",") and receiver.since_seq < event.seq
        ]
        if rows:
            connection.execute(sa.insert(webhook_outbox), rows)
        connection.execute(
            sa.update(webhook_cursor).where(webhook_cursor.c.id == 1).values(seq=events[-1].seq)
        )
        return len(rows)


def subscribed(store: Store, event: str) -> bool:
    """Whether an active receiver listens for ``event`` (a cheap read, every round)."""
    query = sa.select(webhooks.c.events).where(webhooks.c.active == sa.true())
    with store.read() as connection:
        return any(event in found.split(",") for found in connection.execute(query).scalars())


def _behind(store: Store) -> bool:
    query = sa.select(
        sa.select(audit_head.c.seq).where(audit_head.c.id == 1).scalar_subquery()
        > sa.select(webhook_cursor.c.seq).where(webhook_cursor.c.id == 1).scalar_subquery()
    )
    with store.read() as connection:
        return bool(connection.execute(query).scalar())


def _outbox_row(connection: Connection, event: Any, receiver: Any, base_url: str) -> dict[str, Any]:
    slug = None
    if event.spec_id is not None:
        slug = connection.execute(
            sa.select(specs.c.slug).where(specs.c.id == event.spec_id)
        ).scalar()
    payload = {
        "event": EVENTS[event.action],
        "action": event.action,
        "seq": event.seq,
        "at": iso(as_utc(event.at)),
        "actor": event.actor,
        "spec": None
        if event.spec_id is None
        else {"id": event.spec_id, "slug": slug, "url": f"{base_url}/api/v1/specs/{event.spec_id}"},
        "revision": event.revision,
        "details": json.loads(event.details),
    }
    at = now()
    return {
        "webhook_id": receiver.id,
        "seq": event.seq,
        "event": EVENTS[event.action],
        "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True),
        "state": "pending",
        "attempts": 0,
        "next_attempt_at": at,
        "created_at": at,
    }


def claim(
    store: Store, *, lease_seconds: float, limit: int = 20, skip: Collection[int] = ()
) -> list[Pending]:
    """Lease the oldest due row of up to ``limit`` receivers, leaving out those in ``skip``.

    One row per receiver, so that a process can deliver to each receiver in order and to
    different receivers at once.  Each lease is a conditional update of a row whose lease
    is free: of several processes claiming one row, exactly one gets it (SQLite runs write
    transactions one at a time; on PostgreSQL the second update waits for the first and
    then finds the lease taken).  ``lease_seconds`` must outlast the delivery.
    """
    at = now()
    firsts = (
        sa.select(sa.func.min(webhook_outbox.c.id))
        .join(webhooks, webhooks.c.id == webhook_outbox.c.webhook_id)
        .where(*due(webhook_outbox, at), webhooks.c.active == sa.true())
        .group_by(webhook_outbox.c.webhook_id)
        .order_by(sa.func.min(webhook_outbox.c.id))
        .limit(limit)
    )
    if skip:
        firsts = firsts.where(webhook_outbox.c.webhook_id.not_in(list(skip)))
    rows, until = leases.claim(
        store,
        webhook_outbox,
        firsts,
        lambda taken: (
            sa.select(webhook_outbox, webhooks.c.url, webhooks.c.secret)
            .join(webhooks, webhooks.c.id == webhook_outbox.c.webhook_id)
            .where(webhook_outbox.c.id.in_(taken))
            .order_by(webhook_outbox.c.id)
        ),
        at=at,
        lease_seconds=lease_seconds,
    )
    return [
        Pending(
            row.id,
            row.webhook_id,
            row.url,
            row.secret,
            row.event,
            row.seq,
            row.payload,
            row.attempts,
            until,
        )
        for row in rows
    ]


def record(
    store: Store,
    item: Pending,
    *,
    status_code: int | None,
    error: str,
    duration_ms: int,
    max_attempts: int,
    backoff_seconds: float,
) -> Outcome:
    """Log one attempt; mark the row delivered, failed for good, or due again later.

    The row changes only while this attempt's lease holds: a lease that ran out and was
    taken by another process (or a receiver removed meanwhile) keeps its state, and the
    attempt is logged all the same.
    """
    attempt = item.attempts + 1
    at = now()
    step, values = leases.settle(
        succeeded=status_code is not None and 200 <= status_code < 300,
        done="delivered",
        attempt=attempt,
        at=at,
        max_attempts=max_attempts,
        backoff_seconds=backoff_seconds,
    )
    outcome: Outcome = "delivered" if step == "done" else step
    with store.write() as connection:
        leases.release(
            connection, webhook_outbox, item.id, item.lease_until, attempts=attempt, **values
        )
        connection.execute(
            sa.insert(webhook_deliveries).values(
                outbox_id=item.id,
                webhook_id=item.webhook_id,
                attempt=attempt,
                at=at,
                status_code=status_code,
                error=error[:500],
                duration_ms=duration_ms,
                outcome=outcome,
            )
        )
    return outcome
