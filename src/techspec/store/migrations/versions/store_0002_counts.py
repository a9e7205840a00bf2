"""Counts kept beside the specs, so the dashboard and the review queue count a portfolio
in time that does not grow with it: ``spec_counts`` holds the number of live specs per
template and status, ``approval_counts`` the number of current approvals per template,
status and role.  Triggers keep both, in the transaction of the change they count.
``spec_authors`` lists the names each spec's Author field holds (written by the store
at save, since splitting a field is the application's reading), so "specs naming this
reviewer as an author" is an index probe, not a scan of every Author field.

Revision ID: store_0002
Revises: store_0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "store_0002"
down_revision = "store_0001"
branch_labels = None
depends_on = None

SPEC_KEY = "template_sha256, status"
APPROVAL_KEY = "template_sha256, status, role"


def _add(table: str, key: str, row: str, extra: str = "") -> str:
    """Count one more for ``row``'s key (``NEW``/``OLD``), creating the key's row."""
    columns = [column.strip() for column in key.split(",")]
    values = ", ".join(
        f"COALESCE({row}.{c}, '')" if c == "status" else f"{row}.{c}" for c in columns
    )
    where = f" WHERE {extra}" if extra else ""
    return (
        f"INSERT INTO {table} ({key}, n) SELECT {values}, 1{where or ' WHERE true'} "
        f"ON CONFLICT ({key}) DO UPDATE SET n = {table}.n + 1;"
    )


def _remove(table: str, key: str, row: str, extra: str = "") -> str:
    """Count one fewer for ``row``'s key."""
    match = " AND ".join(
        f"{c.strip()} = COALESCE({row}.{c.strip()}, '')"
        if c.strip() == "status"
        else f"{c.strip()} = {row}.{c.strip()}"
        for c in key.split(",")
    )
    guard = f" AND {extra}" if extra else ""
    return f"UPDATE {table} SET n = n - 1 WHERE {match}{guard};"


SPEC_WATCHED = ("status", "template_sha256", "deleted")
BODIES = {
    "spec_counted": _add("spec_counts", SPEC_KEY, "NEW", "NOT NEW.deleted"),
    "spec_recounted": _remove("spec_counts", SPEC_KEY, "OLD", "NOT OLD.deleted")
    + _add("spec_counts", SPEC_KEY, "NEW", "NOT NEW.deleted"),
    "spec_uncounted": _remove("spec_counts", SPEC_KEY, "OLD", "NOT OLD.deleted"),
    "approval_counted": _add("approval_counts", APPROVAL_KEY, "NEW"),
    "approval_recounted": _remove("approval_counts", APPROVAL_KEY, "OLD")
    + _add("approval_counts", APPROVAL_KEY, "NEW"),
    "approval_uncounted": _remove("approval_counts", APPROVAL_KEY, "OLD"),
}
"""Trigger bodies by name: what each change of a spec or a current approval counts."""

TRIGGERS = (
    ("spec_counted", "AFTER INSERT", "specs", None),
    ("spec_recounted", f"AFTER UPDATE OF {', '.join(SPEC_WATCHED)}", "specs", SPEC_WATCHED),
    ("spec_uncounted", "AFTER DELETE", "specs", None),
    ("approval_counted", "AFTER INSERT", "current_approvals", None),
    ("approval_recounted", "AFTER UPDATE", "current_approvals", ("status", "template_sha256")),
    ("approval_uncounted", "AFTER DELETE", "current_approvals", None),
)
"""(body, event, table, columns whose change fires it)."""


def upgrade() -> None:
    op.create_table(
        "spec_counts",
        sa.Column("template_sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=100), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("template_sha256", "status", name=op.f("pk_spec_counts")),
    )
    op.create_table(
        "approval_counts",
        sa.Column("template_sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "template_sha256", "status", "role", name=op.f("pk_approval_counts")
        ),
    )
    op.create_table(
        "spec_authors",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("spec_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["spec_id"], ["specs.id"], name=op.f("fk_spec_authors_spec_id_specs")
        ),
        sa.PrimaryKeyConstraint("name", "spec_id", name=op.f("pk_spec_authors")),
    )
    op.create_index("ix_spec_authors_spec", "spec_authors", ["spec_id"])
    op.execute(
        "INSERT INTO spec_counts (template_sha256, status, n) "
        "SELECT template_sha256, COALESCE(status, ''), COUNT(*) FROM specs "
        "WHERE NOT deleted GROUP BY template_sha256, COALESCE(status, '')"
    )
    op.execute(
        "INSERT INTO approval_counts (template_sha256, status, role, n) "
        "SELECT template_sha256, COALESCE(status, ''), role, COUNT(*) FROM current_approvals "
        "GROUP BY template_sha256, COALESCE(status, ''), role"
    )
    _fill_authors()
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _fill_authors() -> None:
    """Every spec's Author names, read as the store reads them at save."""
    from techspec.store.authors import author_rows

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, author FROM specs WHERE author IS NOT NULL"))
    found = [row for spec_id, author in rows for row in author_rows(spec_id, author)]
    if found:
        bind.execute(
            sa.text("INSERT INTO spec_authors (name, spec_id) VALUES (:name, :spec_id)"), found
        )


def _sqlite_triggers() -> None:
    for body, event, table, columns in TRIGGERS:
        when = ""
        if columns:
            when = " WHEN " + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
        op.execute(f"CREATE TRIGGER {body} {event} ON {table}{when} BEGIN {BODIES[body]} END")


def _postgresql_triggers() -> None:
    for body, event, table, columns in TRIGGERS:
        op.execute(
            f"CREATE FUNCTION techspec_{body}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {BODIES[body]} RETURN NULL; END $$"
        )
        when = ""
        if columns:
            when = (
                " WHEN (" + " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns) + ")"
            )
        op.execute(
            f"CREATE TRIGGER {body} {event} ON {table} FOR EACH ROW{when} "
            f"EXECUTE FUNCTION techspec_{body}()"
        )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for body, _event, table, _columns in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {body}" + (f" ON {table}" if postgresql else ""))
        if postgresql:
            op.execute(f"DROP FUNCTION IF EXISTS techspec_{body}()")
    op.drop_index("ix_spec_authors_spec", table_name="spec_authors")
    op.drop_table("spec_authors")
    op.drop_table("approval_counts")
    op.drop_table("spec_counts")
