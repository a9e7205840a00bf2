"""Review requests, inboxes and mail: users' mail profiles, review requests, inbox items
made from audit events and the mail outbox (see :mod:`techspec.store.inbox_schema`).

Revision ID: inbox_0001
Revises: threads_0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "inbox_0001"
down_revision = "threads_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    when = sa.DateTime(timezone=True)
    op.create_table(
        "user_profiles",
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("display_name", sa.String(length=200), nullable=True),
        sa.Column("mail", sa.String(length=20), server_default="immediate", nullable=False),
        sa.Column("digest_at", when, nullable=True),
        sa.Column("reminded_at", when, nullable=True),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_profiles")),
    )
    op.create_table(
        "review_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("spec_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=True),
        sa.Column("requested_by", sa.String(length=200), nullable=True),
        sa.Column("requested_at", when, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("closed_at", when, nullable=True),
        sa.Column("closed_revision", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_requests")),
    )
    op.create_index("ix_review_requests_spec", "review_requests", ["spec_id", "closed_at"])
    op.create_index("ix_review_requests_reviewer", "review_requests", ["reviewer_id", "closed_at"])
    op.create_index("ix_review_requests_open", "review_requests", ["closed_at", "requested_at"])
    op.create_table(
        "inbox_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("spec_id", sa.Integer(), nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=True),
        sa.Column("summary", sa.String(length=1000), nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.Column("read_at", when, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_items")),
        sa.UniqueConstraint("user_id", "seq", name="uq_inbox_items_user_id_seq"),
    )
    op.create_index(
        "ix_inbox_items_unread",
        "inbox_items",
        ["user_id", "seq"],
        sqlite_where=sa.text("read_at IS NULL"),
        postgresql_where=sa.text("read_at IS NULL"),
    )
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("inbox_item_id", sa.Integer(), nullable=True),
        sa.Column("items", sa.Text(), server_default="[]", nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", when, nullable=False),
        sa.Column("lease_until", when, nullable=True),
        sa.Column("created_at", when, nullable=False),
        sa.Column("sent_at", when, nullable=True),
        sa.Column("last_error", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    op.create_index("ix_mail_outbox_due", "mail_outbox", ["state", "next_attempt_at", "id"])


def downgrade() -> None:
    op.drop_table("mail_outbox")
    op.drop_table("inbox_items")
    op.drop_table("review_requests")
    op.drop_table("user_profiles")
