"""Current approvals kept beside the specs, so a reviewer's queue is counted exactly from
indexes: ``current_approvals`` holds, for every live spec, each role whose latest
decision on the spec's current content is an approval, with the spec's status and
template.  Triggers keep it: after a decision is recorded, and after a spec's content,
status, template or deletion changes.  Two indexes serve the queue: specs by status and
template in update order (with their Author field), and revisions by author with their
kind.

Revision ID: store_0001
Revises: web_0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "store_0001"
down_revision = "web_0002"
branch_labels = None
depends_on = None

LATEST_APPROVALS = """
    SELECT a.spec_id, a.role, {status}, {template} FROM approvals a{join}
    WHERE a.decision = 'approve' AND {where}
      AND NOT EXISTS (
        SELECT 1 FROM approvals b
        WHERE b.spec_id = a.spec_id AND b.role = a.role
          AND b.content_hash = a.content_hash AND b.id > a.id)
"""
"""The roles whose latest decision on a content hash is an approval."""

FOR_SPEC = LATEST_APPROVALS.format(
    status="NEW.status",
    template="NEW.template_sha256",
    join="",
    where="a.spec_id = NEW.id AND NOT NEW.deleted AND a.content_hash = NEW.content_hash",
)
"""Those of the spec being updated, on its new content."""

DECIDED = """
    DELETE FROM current_approvals WHERE spec_id = NEW.spec_id AND role = NEW.role
      AND EXISTS (SELECT 1 FROM specs s WHERE s.id = NEW.spec_id
                  AND s.content_hash = NEW.content_hash);
    INSERT INTO current_approvals (spec_id, role, status, template_sha256)
      SELECT s.id, NEW.role, s.status, s.template_sha256 FROM specs s
      WHERE s.id = NEW.spec_id AND NOT s.deleted AND NEW.decision = 'approve'
        AND s.content_hash = NEW.content_hash;
"""
"""After a decision on a spec's current content: it is now that role's latest."""

CHANGED = f"""
    DELETE FROM current_approvals WHERE spec_id = NEW.id;
    INSERT INTO current_approvals (spec_id, role, status, template_sha256) {FOR_SPEC};
"""
"""After a spec's content, status, template or deletion changed: its rows anew."""

WATCHED = ("content_hash", "status", "template_sha256", "deleted")


def upgrade() -> None:
    op.create_table(
        "current_approvals",
        sa.Column("spec_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=100), nullable=True),
        sa.Column("template_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["spec_id"], ["specs.id"], name=op.f("fk_current_approvals_spec_id_specs")
        ),
        sa.PrimaryKeyConstraint("spec_id", "role", name=op.f("pk_current_approvals")),
    )
    op.create_index(
        "ix_current_approvals_queue",
        "current_approvals",
        ["status", "template_sha256", "role", "spec_id"],
    )
    op.create_index(
        "ix_specs_queue",
        "specs",
        ["deleted", "status", "template_sha256", "updated_at", "id", "author"],
    )
    # Who wrote a spec's content, answered from the index alone (no row per revision).
    op.drop_index("ix_revisions_author_id", table_name="revisions")
    op.create_index("ix_revisions_author_id", "revisions", ["author_id", "spec_id", "kind"])
    everything = LATEST_APPROVALS.format(
        status="s.status",
        template="s.template_sha256",
        join=" JOIN specs s ON s.id = a.spec_id",
        where="NOT s.deleted AND a.content_hash = s.content_hash",
    )
    op.execute(
        f"INSERT INTO current_approvals (spec_id, role, status, template_sha256) {everything}"
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _sqlite_triggers() -> None:
    changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in WATCHED)
    op.execute(f"CREATE TRIGGER approvals_current AFTER INSERT ON approvals BEGIN {DECIDED} END")
    op.execute(
        f"CREATE TRIGGER specs_current_approvals AFTER UPDATE OF {', '.join(WATCHED)} "
        f"ON specs WHEN {changed} BEGIN {CHANGED} END"
    )


def _postgresql_triggers() -> None:
    changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in WATCHED)
    for name, body in (("approval_decided", DECIDED), ("spec_changed", CHANGED)):
        op.execute(
            f"CREATE FUNCTION techspec_{name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body} RETURN NULL; END $$"
        )
    op.execute(
        "CREATE TRIGGER approvals_current AFTER INSERT ON approvals "
        "FOR EACH ROW EXECUTE FUNCTION techspec_approval_decided()"
    )
    op.execute(
        f"CREATE TRIGGER specs_current_approvals AFTER UPDATE OF {', '.join(WATCHED)} "
        f"ON specs FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION techspec_spec_changed()"
    )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    suffix = " ON approvals" if postgresql else ""
    op.execute(f"DROP TRIGGER IF EXISTS approvals_current{suffix}")
    suffix = " ON specs" if postgresql else ""
    op.execute(f"DROP TRIGGER IF EXISTS specs_current_approvals{suffix}")
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS techspec_approval_decided()")
        op.execute("DROP FUNCTION IF EXISTS techspec_spec_changed()")
    op.drop_index("ix_revisions_author_id", table_name="revisions")
    op.create_index("ix_revisions_author_id", "revisions", ["author_id", "spec_id"])
    op.drop_index("ix_specs_queue", table_name="specs")
    op.drop_index("ix_current_approvals_queue", table_name="current_approvals")
    op.drop_table("current_approvals")
