"""The review and notification tables (migration ``inbox_0001``): users' mail profiles,
review requests, inbox items and the mail outbox.

They live in their own metadata, beside the core schema, so that a test can compare them
with what the migration made.  They refer to users and specs by id without foreign keys
into the core schema (users are never deleted; specs only soft-deleted).
"""

from __future__ import annotations

import sqlalchemy as sa

from techspec.store.schema import Timestamp

MAIL_MODES = ("immediate", "digest", "none")
"""How a user wants mail: one per inbox item, one a day, or never."""

tables = sa.MetaData()

user_profiles = sa.Table(
    "user_profiles",
    tables,
    sa.Column("user_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("email", sa.String(320), nullable=True),
    sa.Column("display_name", sa.String(200), nullable=True),
    sa.Column("mail", sa.String(20), nullable=False, server_default="immediate"),
    sa.Column("digest_at", Timestamp, nullable=True),
    # When the last daily digest was queued (or the first one was due from).
    sa.Column("reminded_at", Timestamp, nullable=True),
    # When the user was last reminded of reviews they owe (at most once a day).
)

review_requests = sa.Table(
    "review_requests",
    tables,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("spec_id", sa.Integer, nullable=False),
    sa.Column("reviewer_id", sa.Integer, nullable=False),
    sa.Column("role", sa.String(200), nullable=True),
    # The sign-off role asked of a role holder; None when the Reviewers field names them.
    sa.Column("requested_by", sa.String(200), nullable=True),
    sa.Column("requested_at", Timestamp, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("due", sa.Date, nullable=True),
    sa.Column("closed_at", Timestamp, nullable=True),
    sa.Column("closed_revision", sa.Integer, nullable=True),
    sa.Column("outcome", sa.String(30), nullable=True),
    sa.Index("ix_review_requests_spec", "spec_id", "closed_at"),
    sa.Index("ix_review_requests_reviewer", "reviewer_id", "closed_at"),
    sa.Index("ix_review_requests_open", "closed_at", "requested_at"),
)

inbox_items = sa.Table(
    "inbox_items",
    tables,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    # The audit event the item was made from; a user's items are listed in its order (the
    # unique index on user and seq serves that, where an order by id alone could lead
    # PostgreSQL to walk every user's newer items).
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("spec_id", sa.Integer, nullable=True),
    sa.Column("thread_id", sa.Integer, nullable=True),
    sa.Column("actor", sa.String(200), nullable=True),
    sa.Column("summary", sa.String(1000), nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("read_at", Timestamp, nullable=True),
    sa.UniqueConstraint("user_id", "seq", name="uq_inbox_items_user_id_seq"),
    sa.Index(
        "ix_inbox_items_unread",
        "user_id",
        "seq",
        sqlite_where=sa.text("read_at IS NULL"),
        postgresql_where=sa.text("read_at IS NULL"),
    ),
)

mail_outbox = sa.Table(
    "mail_outbox",
    tables,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    # ``item`` (one inbox item, ``inbox_item_id``) or ``digest`` (``items``).
    sa.Column("inbox_item_id", sa.Integer, nullable=True),
    sa.Column("items", sa.Text, nullable=False, server_default="[]"),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", Timestamp, nullable=False),
    sa.Column("lease_until", Timestamp, nullable=True),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("sent_at", Timestamp, nullable=True),
    sa.Column("last_error", sa.Text, nullable=False, server_default=""),
    sa.Index("ix_mail_outbox_due", "state", "next_attempt_at", "id"),
)
