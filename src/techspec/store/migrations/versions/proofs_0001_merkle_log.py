"""The transparency log: every audit event and every revision become leaves of an
append-only RFC 9162 Merkle tree (``log_leaves``), whose frontier and latest signed
checkpoint are kept in ``log_head``.  Existing revisions (by id) and then existing
events (by seq) are added as leaves, in that order.

Revision ID: proofs_0001
Revises: store_0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from techspec.proofs import merkle
from techspec.store.transparency import event_leaf, revision_leaf

revision = "proofs_0001"
down_revision = "inbox_0001"
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade() -> None:
    op.create_table(
        "log_leaves",
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ref", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("idx", name=op.f("pk_log_leaves")),
        sa.UniqueConstraint("kind", "ref", name=op.f("uq_log_leaves_kind_ref")),
    )
    op.create_table(
        "log_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("frontier", sa.Text(), nullable=False),
        sa.Column("checkpoint", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_head")),
    )
    bind = op.get_bind()
    frontier: list[bytes] = []
    size = 0
    rows: list[dict[str, object]] = []

    def add(kind: str, ref: int, leaf: bytes) -> None:
        nonlocal size
        digest = merkle.leaf_hash(leaf)
        merkle.append(frontier, size, digest)
        rows.append({"idx": size, "kind": kind, "ref": ref, "hash": digest.hex()})
        size += 1
        if len(rows) >= BATCH:
            _flush(bind, rows)

    for row in bind.execute(
        sa.text("SELECT id, spec_id, number, sha256 FROM revisions ORDER BY id")
    ):
        add("revision", row.id, revision_leaf(row.id, row.spec_id, row.number, row.sha256))
    for row in bind.execute(
        sa.text(
            "SELECT seq, at, actor, action, spec_id, revision, details "
            "FROM audit_events ORDER BY seq"
        ).columns(at=sa.DateTime(timezone=True))
    ):
        leaf = event_leaf(
            row.seq, row.at, row.actor, row.action, row.spec_id, row.revision, row.details
        )
        add("event", row.seq, leaf)
    _flush(bind, rows)
    bind.execute(
        sa.text(
            "INSERT INTO log_head (id, size, frontier, checkpoint) VALUES (1, :size, :f, '')"
        ).bindparams(size=size, f="".join(node.hex() for node in frontier))
    )
    if bind.dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER log_leaves_append_only BEFORE UPDATE OR DELETE ON log_leaves "
            "FOR EACH ROW EXECUTE FUNCTION techspec_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER log_leaves_no_{verb.lower()} BEFORE {verb} ON log_leaves "
                "BEGIN SELECT RAISE(ABORT, 'log_leaves are append-only'); END"
            )


def _flush(bind: sa.engine.Connection, rows: list[dict[str, object]]) -> None:
    if rows:
        bind.execute(
            sa.text(
                "INSERT INTO log_leaves (idx, kind, ref, hash) VALUES (:idx, :kind, :ref, :hash)"
            ),
            rows,
        )
        rows.clear()


def downgrade() -> None:
    op.drop_table("log_head")
    op.drop_table("log_leaves")
