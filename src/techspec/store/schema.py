"""The tables.  Alembic migrations create them; this module is what the code queries.

Revisions and audit events are immutable (database triggers refuse UPDATE and DELETE,
see the first migration).  Listing never joins revisions: the current revision's title,
status and lint counts are copied onto ``specs`` and indexed there.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)

Timestamp = sa.DateTime(timezone=True)
Hash = sa.String(64)

templates = sa.Table(
    "templates",
    metadata,
    sa.Column("sha256", Hash, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("created_at", Timestamp, nullable=False),
)

user_roles = sa.Table(
    "user_roles",
    metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("role", sa.String(200), primary_key=True),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("token_hash", Hash, nullable=False, unique=True),
    sa.Column("label", sa.String(200), nullable=False, server_default=""),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("revoked_at", Timestamp, nullable=True),
    # Migration identity_0001: "read" or "read-write", when it stops working, last use.
    sa.Column("scope", sa.String(20), nullable=False, server_default="read-write"),
    sa.Column("expires_at", Timestamp, nullable=True),
    sa.Column("last_used_at", Timestamp, nullable=True),
)

web_sessions = sa.Table(
    "web_sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("id_hash", Hash, nullable=False, unique=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("last_seen_at", Timestamp, nullable=False),
    sa.Column("revoked_at", Timestamp, nullable=True),
)
"""Browser sessions (migration ``web_0002``): the cookie holds a random session id, this
table only its sha256, so a copy of the database signs no one in."""

specs = sa.Table(
    "specs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("slug", sa.String(200), nullable=False, unique=True),
    sa.Column("template_sha256", sa.ForeignKey("templates.sha256"), nullable=False),
    sa.Column("current_revision", sa.Integer, nullable=False),
    sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
    # A copy of the current revision's facts, for listing and filtering without a join.
    sa.Column("title", sa.String(500), nullable=True),
    sa.Column("status", sa.String(100), nullable=True),
    sa.Column("author", sa.String(200), nullable=True),
    sa.Column("content_hash", Hash, nullable=False),
    sa.Column("errors", sa.Integer, nullable=False, server_default="0"),
    sa.Column("warnings", sa.Integer, nullable=False, server_default="0"),
    sa.Column("open_tasks", sa.Integer, nullable=False, server_default="0"),
    sa.Column("high_risks", sa.Integer, nullable=False, server_default="0"),
    sa.Index("ix_specs_listing", "deleted", "updated_at", "id"),
    sa.Index("ix_specs_status", "deleted", "status", "updated_at", "id"),
    sa.Index(
        "ix_specs_queue", "deleted", "status", "template_sha256", "updated_at", "id", "author"
    ),
    sa.Index("ix_specs_author", "deleted", "author", "updated_at"),
    sa.Index("ix_specs_template", "deleted", "template_sha256", "updated_at"),
    sa.Index(
        "ix_specs_open_tasks",
        "updated_at",
        "id",
        sqlite_where=sa.text("open_tasks > 0"),
        postgresql_where=sa.text("open_tasks > 0"),
    ),
    sa.Index(
        "ix_specs_errors",
        "updated_at",
        sqlite_where=sa.text("errors > 0"),
        postgresql_where=sa.text("errors > 0"),
    ),
    sa.Index(
        "ix_specs_high_risks",
        "updated_at",
        sqlite_where=sa.text("high_risks > 0"),
        postgresql_where=sa.text("high_risks > 0"),
    ),
)

spec_names = sa.Table(
    "spec_names",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("spec_id", sa.ForeignKey("specs.id"), nullable=False),
)
"""A spec's other file names (migration ``sync_0001``): a renamed file keeps its spec."""

revisions = sa.Table(
    "revisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("spec_id", sa.ForeignKey("specs.id"), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("sha256", Hash, nullable=False),
    sa.Column("content_hash", Hash, nullable=False),
    sa.Column("author_id", sa.ForeignKey("users.id"), nullable=True),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("message", sa.Text, nullable=False, server_default=""),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("title", sa.String(500), nullable=True),
    sa.Column("status", sa.String(100), nullable=True),
    sa.Column("version", sa.String(100), nullable=True),
    sa.Column("doc_date", sa.String(100), nullable=True),
    sa.Column("author", sa.String(200), nullable=True),
    sa.Column("errors", sa.Integer, nullable=False),
    sa.Column("warnings", sa.Integer, nullable=False),
    sa.Column("infos", sa.Integer, nullable=False),
    sa.Column("open_tasks", sa.Integer, nullable=False),
    sa.Column("high_risks", sa.Integer, nullable=False),
    sa.UniqueConstraint("spec_id", "number"),
    sa.Index("ix_revisions_author_id", "author_id", "spec_id", "kind"),
    sa.Index(
        "ix_revisions_first_author",
        "author_id",
        "spec_id",
        sqlite_where=sa.text("number = 1"),
        postgresql_where=sa.text("number = 1"),
    ),
)
"""Each spec's revisions; ``ix_revisions_first_author`` answers "the specs this user
created" (the dashboard's "my drafts") from the index alone (migration ``store_0003``)."""

approvals = sa.Table(
    "approvals",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("spec_id", sa.ForeignKey("specs.id"), nullable=False),
    sa.Column("revision_id", sa.ForeignKey("revisions.id"), nullable=False),
    sa.Column("content_hash", Hash, nullable=False),
    sa.Column("role", sa.String(200), nullable=False),
    sa.Column("reviewer_id", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("decision", sa.String(20), nullable=False),
    sa.Column("comment", sa.Text, nullable=False, server_default=""),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.CheckConstraint("decision IN ('approve', 'request-changes')", name="decision"),
    sa.Index("ix_approvals_spec", "spec_id", "role", "id"),
    sa.Index("ix_approvals_reviewer", "reviewer_id", "spec_id"),
)

current_approvals = sa.Table(
    "current_approvals",
    metadata,
    sa.Column("spec_id", sa.ForeignKey("specs.id"), primary_key=True),
    sa.Column("role", sa.String(200), primary_key=True),
    sa.Column("status", sa.String(100), nullable=True),
    sa.Column("template_sha256", Hash, nullable=False),
    sa.Index("ix_current_approvals_queue", "status", "template_sha256", "role", "spec_id"),
)
"""For each live spec, the roles whose latest decision on its current content is an
approval, with the spec's status and template (migration ``store_0001``).  Database
triggers keep it, so the review queue is counted from indexes; :mod:`approvals` stays
the record."""

spec_counts = sa.Table(
    "spec_counts",
    metadata,
    sa.Column("template_sha256", Hash, primary_key=True),
    sa.Column("status", sa.String(100), primary_key=True),
    sa.Column("n", sa.BigInteger, nullable=False),
)
"""Live specs per template and status ('' for none), kept by database triggers
(migration ``store_0002``), so counting a portfolio reads a handful of rows."""

approval_counts = sa.Table(
    "approval_counts",
    metadata,
    sa.Column("template_sha256", Hash, primary_key=True),
    sa.Column("status", sa.String(100), primary_key=True),
    sa.Column("role", sa.String(200), primary_key=True),
    sa.Column("n", sa.BigInteger, nullable=False),
)
"""Rows of :data:`current_approvals` per template, status and role, kept by triggers."""

spec_authors = sa.Table(
    "spec_authors",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("spec_id", sa.ForeignKey("specs.id"), primary_key=True),
    sa.Index("ix_spec_authors_spec", "spec_id"),
)
"""The case-folded names each spec's Author field lists (see :mod:`techspec.store.authors`)."""

audit_events = sa.Table(
    "audit_events",
    metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("at", Timestamp, nullable=False),
    sa.Column("actor", sa.String(200), nullable=True),
    sa.Column("action", sa.String(100), nullable=False),
    sa.Column("spec_id", sa.Integer, nullable=True, index=True),
    sa.Column("revision", sa.Integer, nullable=True),
    sa.Column("details", sa.Text, nullable=False),
    sa.Column("prev_hash", Hash, nullable=False),
    sa.Column("hash", Hash, nullable=False),
)

audit_head = sa.Table(
    "audit_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("hash", Hash, nullable=False),
)
"""One row: the last event's number and hash.  Appending locks it, so events form a
single chain even with many writers, and deleting the newest event is detected."""

GENESIS = "0" * 64
"""The ``prev_hash`` of the first audit event."""

threads = sa.Table(
    "threads",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("spec_id", sa.ForeignKey("specs.id"), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("section", sa.String(1000), nullable=False),
    sa.Column("quote", sa.Text, nullable=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("suggestion", sa.Text, nullable=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("outdated_revision", sa.Integer, nullable=True),
    sa.Column("anchored_revision", sa.Integer, nullable=True),
    sa.Column("anchored_line", sa.Integer, nullable=True),
    sa.Column("anchored_text", sa.Text, nullable=True),
    sa.Column("author_id", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("resolved_by_id", sa.ForeignKey("users.id"), nullable=True),
    sa.Column("resolved_at", Timestamp, nullable=True),
    sa.Column("applied_revision", sa.Integer, nullable=True),
    sa.CheckConstraint("kind IN ('comment', 'suggestion', 'blocking')", name="kind"),
    sa.CheckConstraint("status IN ('open', 'resolved')", name="status"),
    sa.Index("ix_threads_spec", "spec_id", "status", "id"),
)
"""Review threads (migration ``threads_0001``): anchored to a section path and an
optional exact quote of the revision they started on; ``outdated_revision`` is the first
revision the anchor was no longer found in, and ``anchored_*`` the section's body (and
line) in the last revision it was found in."""

thread_comments = sa.Table(
    "thread_comments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("thread_id", sa.ForeignKey("threads.id"), nullable=False),
    sa.Column("author_id", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Index("ix_thread_comments_thread", "thread_id", "id"),
)
"""A thread's comments, oldest first: the first is the thread's own text."""

log_leaves = sa.Table(
    "log_leaves",
    metadata,
    sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("ref", sa.BigInteger, nullable=False),
    sa.Column("hash", Hash, nullable=False),
    sa.UniqueConstraint("kind", "ref"),
)
"""The transparency log's leaves in order (migration ``proofs_0001``): each audit event
(``kind='event'``, ``ref`` = its seq) and each revision (``'revision'``, its id), with the
leaf's RFC 9162 hash.  Append-only, like the events."""

log_head = sa.Table(
    "log_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("frontier", sa.Text, nullable=False),
    sa.Column("checkpoint", sa.Text, nullable=False),
)
"""One row: the tree's size, its frontier (the O(log n) subtree roots an append needs,
hex, largest first) and the latest signed checkpoint (a C2SP signed note, or '').
Appends lock ``audit_head`` first, then this row, so the log never forks."""
