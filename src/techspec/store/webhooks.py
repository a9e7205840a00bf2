"""Webhooks: registered receivers and the log of every delivery attempt.

A receiver hears of the audit events it subscribed to (``revision``, ``transition``,
``approval``) through the outbox (:mod:`techspec.store.webhook_outbox`); the tables are
in :mod:`techspec.store.webhook_schema` and where a receiver may point is decided in
:mod:`techspec.store.webhook_targets`.  Removing a receiver only deactivates it: its
delivery log stays readable.  The outbox names are re-exported here for callers that
use this module for all of webhooks.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from techspec.errors import UsageError
from techspec.store import audit
from techspec.store.clock import as_utc, now
from techspec.store.engine import Store
from techspec.store.errors import NotFound
from techspec.store.webhook_outbox import Outcome, Pending, claim, fan_out, record
from techspec.store.webhook_schema import (
    DEFAULT_EVENTS,
    EVENT_NAMES,
    EVENTS,
    tables,
    webhook_cursor,
    webhook_deliveries,
    webhook_outbox,
    webhooks,
)
from techspec.store.webhook_targets import check_target

__all__ = [
    "DEFAULT_EVENTS",
    "EVENTS",
    "EVENT_NAMES",
    "Delivery",
    "Outcome",
    "Pending",
    "Webhook",
    "add",
    "all_webhooks",
    "claim",
    "deliveries",
    "fan_out",
    "get",
    "record",
    "remove",
    "signature",
    "tables",
    "webhook_cursor",
    "webhook_deliveries",
    "webhook_outbox",
    "webhooks",
]


@dataclass(frozen=True, slots=True)
class Webhook:
    id: int
    url: str
    events: tuple[str, ...]
    active: bool
    created_at: datetime
    secret: str


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


def add(
    store: Store,
    url: str,
    events: Iterable[str] = DEFAULT_EVENTS,
    *,
    secret: str | None = None,
    actor: str | None = None,
    allow_private: bool = True,
) -> Webhook:
    """Register a receiver for ``events``; it hears of events after this moment.

    ``url`` must be http(s); with ``allow_private=False`` a literal private or loopback
    address is refused too (see :func:`~techspec.store.webhook_targets.check_target`).
    Host names are checked at each delivery, whatever this says.
    """
    chosen = tuple(dict.fromkeys(events))
    unknown = [e for e in chosen if e not in EVENT_NAMES]
    if unknown or not chosen:
        raise UsageError(
            f"unknown event '{unknown[0] if unknown else ''}' (events: {', '.join(EVENT_NAMES)})"
        )
    check_target(url, allow_private=allow_private)
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
    """Stop delivering to a receiver: its pending deliveries are cancelled, its log stays."""
    with store.write() as connection:
        found = _row(connection, webhook_id)
        connection.execute(
            sa.update(webhooks).where(webhooks.c.id == webhook_id).values(active=False)
        )
        connection.execute(
            sa.update(webhook_outbox)
            .where(webhook_outbox.c.webhook_id == webhook_id, webhook_outbox.c.state == "pending")
            .values(state="cancelled", lease_until=None)
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


def deliveries(store: Store, webhook_id: int, *, limit: int = 100) -> list[Delivery]:
    """A receiver's latest attempts, newest first; a removed receiver's too."""
    query = (
        sa.select(webhook_deliveries, webhook_outbox.c.event, webhook_outbox.c.seq)
        .join(webhook_outbox, webhook_outbox.c.id == webhook_deliveries.c.outbox_id)
        .where(webhook_deliveries.c.webhook_id == webhook_id)
        .order_by(webhook_deliveries.c.id.desc())
        .limit(limit)
    )
    with store.read() as connection:
        _row(connection, webhook_id, removed_too=True)
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


def _row(connection: Connection, webhook_id: int, *, removed_too: bool = False) -> Any:
    query = sa.select(webhooks).where(webhooks.c.id == webhook_id)
    if not removed_too:
        query = query.where(webhooks.c.active == sa.true())
    row = connection.execute(query).first()
    if row is None:
        raise NotFound(f"unknown webhook {webhook_id}")
    return row


def _webhook(row: Any) -> Webhook:
    events = tuple(e for e in row.events.split(",") if e)
    return Webhook(row.id, row.url, events, bool(row.active), as_utc(row.created_at), row.secret)
