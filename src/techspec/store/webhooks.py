"""Webhooks: registered receivers, an outbox of deliveries and a log of every attempt.

Events come from the audit log, which every change writes in its own transaction: so
an event is durable exactly when its change is.  :func:`fan_out` copies new audit
events into ``webhook_outbox`` (one row per subscribed receiver) and moves a cursor, in
one transaction; :func:`claim` leases due rows so that several server processes never
send the same row at once; :func:`record` logs an attempt and schedules the next one
with exponential backoff.  Delivery is at least once: a receiver deduplicates on
``X-Techspec-Delivery``.  Tables: migration ``api_0001``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from techspec.errors import UsageError
from techspec.store import audit
from techspec.store.clock import as_utc, iso, now
from techspec.store.engine import Store
from techspec.store.errors import NotFound
from techspec.store.schema import Timestamp, audit_events, audit_head, specs

EVENTS: dict[str, str] = {
    "spec.created": "revision",
    "spec.revised": "revision",
    "status.changed": "transition",
    "approval.approve": "approval",
    "approval.request-changes": "approval",
}
"""Audit actions that are webhook events, and the event name a receiver subscribes to."""
EVENT_NAMES = ("revision", "transition", "approval")
MAX_BACKOFF_S = 3600.0
Outcome = Literal["delivered", "retry", "failed"]

tables = sa.MetaData()
webhooks = sa.Table(
    "webhooks",
    tables,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("url", sa.String(2000), nullable=False),
    sa.Column("secret", sa.String(200), nullable=False),
    sa.Column("events", sa.String(200), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("since_seq", sa.BigInteger, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=True),
    sa.Column("created_at", Timestamp, nullable=False),
)
webhook_cursor = sa.Table(
    "webhook_cursor",
    tables,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
)
webhook_outbox = sa.Table(
    "webhook_outbox",
    tables,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "webhook_id",
        sa.ForeignKey(
            "webhooks.id", ondelete="CASCADE", name="fk_webhook_outbox_webhook_id_webhooks"
        ),
        nullable=False,
    ),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("event", sa.String(20), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", Timestamp, nullable=False),
    sa.Column("lease_until", Timestamp, nullable=True),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("delivered_at", Timestamp, nullable=True),
    sa.UniqueConstraint("webhook_id", "seq", name="uq_webhook_outbox_webhook_id_seq"),
    sa.Index("ix_webhook_outbox_due", "state", "next_attempt_at", "id"),
)
webhook_deliveries = sa.Table(
    "webhook_deliveries",
    tables,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "outbox_id",
        sa.ForeignKey(
            "webhook_outbox.id",
            ondelete="CASCADE",
            name="fk_webhook_deliveries_outbox_id_webhook_outbox",
        ),
        nullable=False,
    ),
    sa.Column("webhook_id", sa.Integer, nullable=False),
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("at", Timestamp, nullable=False),
    sa.Column("status_code", sa.Integer, nullable=True),
    sa.Column("error", sa.Text, nullable=False),
    sa.Column("duration_ms", sa.Integer, nullable=False),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Index("ix_webhook_deliveries_webhook", "webhook_id", "id"),
)


@dataclass(frozen=True, slots=True)
class Webhook:
    id: int
    url: str
    events: tuple[str, ...]
    active: bool
    created_at: datetime
    secret: str


@dataclass(frozen=True, slots=True)
class Pending:
    """An outbox row leased for one delivery attempt."""

    id: int
    webhook_id: int
    url: str
    secret: str
    event: str
    seq: int
    payload: str
    attempts: int


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    outbox_id: int
    event: str
    seq: int
    attempt: int
    at: datetime
    status_code: int | None
    error: str
    duration_ms: int
    outcome: str


def signature(secret: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of the body>``: the ``X-Techspec-Signature`` header."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


# -- receivers -----------------------------------------------------------------------------


def add(
    store: Store,
    url: str,
    events: Iterable[str] = EVENT_NAMES,
    *,
    secret: str | None = None,
    actor: str | None = None,
) -> Webhook:
    """Register a receiver for ``events``; it hears of events after this moment."""
    chosen = tuple(dict.fromkeys(events))
    unknown = [e for e in chosen if e not in EVENT_NAMES]
    if unknown or not chosen:
        raise UsageError(
            f"unknown event '{unknown[0] if unknown else ''}' (events: {', '.join(EVENT_NAMES)})"
        )
    if not url.startswith(("http://", "https://")) or any(c.isspace() for c in url):
        raise UsageError(f"invalid webhook URL {url!r}: expected http:// or https://")
    key = secret or secrets.token_urlsafe(32)
    at = now()
    with store.write() as connection:
        event = audit.record(
            connection, actor=actor, action="webhook.added", details={"url": url, "events": chosen}
        )
        webhook_id = connection.execute(
            sa.insert(webhooks)
            .values(
                url=url,
                secret=key,
                events=",".join(chosen),
                since_seq=event.seq,
                created_by=actor,
                created_at=at,
            )
            .returning(webhooks.c.id)
        ).scalar_one()
    return Webhook(webhook_id, url, chosen, True, at, key)


def remove(store: Store, webhook_id: int, *, actor: str | None = None) -> None:
    """Stop delivering to a receiver (its log stays)."""
    with store.write() as connection:
        found = _row(connection, webhook_id)
        connection.execute(
            sa.update(webhooks).where(webhooks.c.id == webhook_id).values(active=False)
        )
        audit.record(connection, actor=actor, action="webhook.removed", details={"url": found.url})


def get(store: Store, webhook_id: int) -> Webhook:
    with store.read() as connection:
        return _webhook(_row(connection, webhook_id))


def all_webhooks(store: Store) -> list[Webhook]:
    """Active receivers, oldest first."""
    query = sa.select(webhooks).where(webhooks.c.active == sa.true()).order_by(webhooks.c.id)
    with store.read() as connection:
        return [_webhook(row) for row in connection.execute(query)]


def _row(connection: Connection, webhook_id: int) -> Any:
    row = connection.execute(
        sa.select(webhooks).where(webhooks.c.id == webhook_id, webhooks.c.active == sa.true())
    ).first()
    if row is None:
        raise NotFound(f"unknown webhook {webhook_id}")
    return row


def _webhook(row: Any) -> Webhook:
    events = tuple(e for e in row.events.split(",") if e)
    return Webhook(row.id, row.url, events, bool(row.active), as_utc(row.created_at), row.secret)


# -- the outbox ----------------------------------------------------------------------------


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


def claim(store: Store, *, lease_seconds: float, limit: int = 20) -> list[Pending]:
    """Lease up to ``limit`` due rows for this process."""
    at = now()
    due = (
        sa.select(webhook_outbox, webhooks.c.url, webhooks.c.secret)
        .join(webhooks, webhooks.c.id == webhook_outbox.c.webhook_id)
        .where(
            webhook_outbox.c.state == "pending",
            webhook_outbox.c.next_attempt_at <= at,
            sa.or_(webhook_outbox.c.lease_until.is_(None), webhook_outbox.c.lease_until < at),
            webhooks.c.active == sa.true(),
        )
        .order_by(webhook_outbox.c.id)
        .limit(limit)
    )
    claimed: list[Pending] = []
    with store.read() as connection:
        if not connection.execute(due).first():
            return claimed  # nothing due: no write lock taken
    with store.write() as connection:
        for row in connection.execute(due).all():
            taken = connection.execute(
                sa.update(webhook_outbox)
                .where(
                    webhook_outbox.c.id == row.id,
                    sa.or_(
                        webhook_outbox.c.lease_until.is_(None), webhook_outbox.c.lease_until < at
                    ),
                )
                .values(lease_until=at + timedelta(seconds=lease_seconds))
            )
            if taken.rowcount == 1:
                claimed.append(
                    Pending(
                        row.id,
                        row.webhook_id,
                        row.url,
                        row.secret,
                        row.event,
                        row.seq,
                        row.payload,
                        row.attempts,
                    )
                )
    return claimed


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
    """Log one attempt; mark the row delivered, failed for good, or due again later."""
    attempt = item.attempts + 1
    at = now()
    if status_code is not None and 200 <= status_code < 300:
        outcome: Outcome = "delivered"
        values: dict[str, Any] = {"state": "delivered", "delivered_at": at}
    elif attempt >= max_attempts:
        outcome, values = "failed", {"state": "failed"}
    else:
        delay = min(MAX_BACKOFF_S, backoff_seconds * 2 ** (attempt - 1))
        delay *= random.uniform(0.8, 1.2)
        outcome, values = "retry", {"next_attempt_at": at + timedelta(seconds=delay)}
    with store.write() as connection:
        connection.execute(
            sa.update(webhook_outbox)
            .where(webhook_outbox.c.id == item.id)
            .values(attempts=attempt, lease_until=None, **values)
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


def deliveries(store: Store, webhook_id: int, *, limit: int = 100) -> list[Delivery]:
    """A receiver's latest attempts, newest first."""
    query = (
        sa.select(webhook_deliveries, webhook_outbox.c.event, webhook_outbox.c.seq)
        .join(webhook_outbox, webhook_outbox.c.id == webhook_deliveries.c.outbox_id)
        .where(webhook_deliveries.c.webhook_id == webhook_id)
        .order_by(webhook_deliveries.c.id.desc())
        .limit(limit)
    )
    with store.read() as connection:
        _row(connection, webhook_id)
        return [
            Delivery(
                row.id,
                row.outbox_id,
                row.event,
                row.seq,
                row.attempt,
                as_utc(row.at),
                row.status_code,
                row.error,
                row.duration_ms,
                row.outcome,
            )
            for row in connection.execute(query)
        ]
