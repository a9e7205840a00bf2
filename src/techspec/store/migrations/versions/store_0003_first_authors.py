"""An index of who wrote each spec's first revision, for "my drafts" on the dashboard.

Revision ID: store_0003
Revises: identity_0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "store_0003"
down_revision = "identity_0001"
branch_labels = None
depends_on = None

_FIRST = sa.text("number = 1")


def upgrade() -> None:
    op.create_index(
        "ix_revisions_first_author",
        "revisions",
        ["author_id", "spec_id"],
        sqlite_where=_FIRST,
        postgresql_where=_FIRST,
    )


def downgrade() -> None:
    op.drop_index("ix_revisions_first_author", table_name="revisions")
