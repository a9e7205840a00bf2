"""Review threads anchored to a spec's text, and their comments.

Revision ID: threads_0001
Revises: store_0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "threads_0001"
down_revision = "store_0001"
branch_labels = None
depends_on = None

Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("spec_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=1000), nullable=False),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("suggestion", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("outdated_revision", sa.Integer(), nullable=True),
        sa.Column("anchored_revision", sa.Integer(), nullable=True),
        sa.Column("anchored_line", sa.Integer(), nullable=True),
        sa.Column("anchored_text", sa.Text(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", Timestamp, nullable=True),
        sa.Column("applied_revision", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('comment', 'suggestion', 'blocking')", name=op.f("ck_threads_kind")
        ),
        sa.CheckConstraint("status IN ('open', 'resolved')", name=op.f("ck_threads_status")),
        sa.ForeignKeyConstraint(["spec_id"], ["specs.id"], name=op.f("fk_threads_spec_id_specs")),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_threads_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["users.id"], name=op.f("fk_threads_resolved_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threads")),
    )
    op.create_index("ix_threads_spec", "threads", ["spec_id", "status", "id"])
    op.create_table(
        "thread_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["threads.id"], name=op.f("fk_thread_comments_thread_id_threads")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_thread_comments_author_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thread_comments")),
    )
    op.create_index("ix_thread_comments_thread", "thread_comments", ["thread_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_thread_comments_thread", table_name="thread_comments")
    op.drop_table("thread_comments")
    op.drop_index("ix_threads_spec", table_name="threads")
    op.drop_table("threads")
