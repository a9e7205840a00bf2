"""The webhook tables: receivers, the cursor into the audit log, the outbox and the
delivery log (migration ``api_0001``), and which audit actions are webhook events.

They live in their own metadata, beside the core schema, so that a test can compare them
with what the migration made.
"""

from __future__ import annotations

import sqlalchemy as sa

from techspec.store.schema import Timestamp

EVENTS: dict[str, str] = {
    "spec.created": "revision",
    "spec.revised": "revision",
    "status.changed": "transition",
    "approval.approve": "approval",
    "approval.request-changes": "approval",
    "thread.opened": "thread",
    "thread.commented": "thread",
    "thread.resolved": "thread",
    "thread.reopened": "thread",
    "thread.outdated": "thread",
    "suggestion.applied": "thread",
    "review.requested": "review",
    "review.reminded": "review",
    "log.checkpoint": "checkpoint",
}
"""Audit actions that are webhook events, and the event name a receiver subscribes to."""
EVENT_NAMES = ("revision", "transition", "approval", "thread", "review", "checkpoint")
"""``checkpoint``: a signed checkpoint of the transparency log (its ``details.note``), for
a second system to witness (see :mod:`techspec.store.transparency`)."""
DEFAULT_EVENTS = ("revision", "transition", "approval", "thread", "review")
"""What a receiver hears when it names no events: checkpoints only when asked for (a
witness asks; the server signs them automatically only while someone listens)."""

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
