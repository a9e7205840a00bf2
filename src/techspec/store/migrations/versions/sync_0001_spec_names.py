"""Other file names of a spec: a spec keeps the slug its file had when first imported,
and ``spec_names`` maps each later name of that file (a rename followed by
``import --git``) to the spec, so that a plain ``techspec import`` or ``techspec sync``
of the renamed file revises the same spec instead of creating a second one.

Revision ID: sync_0001
Revises: store_0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "sync_0001"
down_revision = "proofs_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "spec_names",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("spec_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["spec_id"], ["specs.id"], name=op.f("fk_spec_names_spec_id_specs")
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_spec_names")),
    )


def downgrade() -> None:
    op.drop_table("spec_names")
