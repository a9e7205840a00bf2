r"""A review thread as it is read: the records (:class:`Thread`, its :class:`Comment`\ s,
what a write returns) and the queries that load them, apart from the writes in
:mod:`techspec.store.threads`, which re-exports them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from techspec.store.clock import as_utc
from techspec.store.engine import Store
from techspec.store.errors import NotFound
from techspec.store.schema import audit_events, specs, thread_comments, threads, users

Kind = Literal["comment", "suggestion", "blocking"]
KINDS: tuple[Kind, ...] = ("comment", "suggestion", "blocking")
Status = Literal["open", "resolved"]
STATUSES: tuple[Status, ...] = ("open", "resolved")


@dataclass(frozen=True, slots=True)
class Comment:
    id: int
    author: str
    body: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Thread:
    id: int
    spec_id: int
    revision: int
    """The revision the thread started on."""
    section: str
    quote: str | None
    kind: Kind
    suggestion: str | None
    status: Status
    author: str
    created_at: datetime
    outdated_revision: int | None = None
    """The first revision its anchor was not found in (None: attached)."""
    anchored_revision: int | None = None
    """For an outdated thread, the last revision its anchor was found in."""
    anchored_line: int | None = None
    anchored_text: str | None = None
    """For an outdated thread, its section's body in :attr:`anchored_revision`."""
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    applied_revision: int | None = None
    comments: tuple[Comment, ...] = ()

    @property
    def outdated(self) -> bool:
        return self.outdated_revision is not None

    @property
    def body(self) -> str:
        return self.comments[0].body if self.comments else ""

    @property
    def participants(self) -> list[str]:
        """The thread's author, then everyone who commented, each once."""
        return list(dict.fromkeys([self.author, *(c.author for c in self.comments)]))


@dataclass(frozen=True, slots=True)
class Posted:
    """A thread after a write, with the users its new text mentions (known ones) and the
    ``@names`` that match no user (reported, not dropped)."""

    thread: Thread
    mentions: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def get(store: Store, thread_id: int) -> Thread:
    """A thread of a live spec; :class:`NotFound` otherwise."""
    with store.read() as connection:
        row(connection, thread_id)
        return one(connection, thread_id)


def for_spec(store: Store, spec_id: int, status: str | None = None) -> list[Thread]:
    """The spec's threads, oldest first, each with its comments (two queries)."""
    with store.read() as connection:
        return load(connection, [threads.c.spec_id == spec_id], status)


def open_for_spec(connection: Connection, spec_id: int) -> list[Thread]:
    return load(connection, [threads.c.spec_id == spec_id], "open")


def version(store: Store, spec_id: int) -> int:
    """The number of the spec's newest audit event: it changes with every thread write
    (and every revision and decision), so a view of the threads is current while it
    holds."""
    query = sa.select(sa.func.max(audit_events.c.seq)).where(audit_events.c.spec_id == spec_id)
    with store.read() as connection:
        return int(connection.execute(query).scalar() or 0)


def row(connection: Connection, thread_id: int, *, lock: bool = False) -> Any:
    """The thread's spec id and status, and its spec's current revision, for a thread of
    a live spec."""
    query = (
        sa.select(threads.c.spec_id, threads.c.status, specs.c.current_revision)
        .join(specs, specs.c.id == threads.c.spec_id)
        .where(threads.c.id == thread_id, specs.c.deleted == sa.false())
    )
    if lock:
        query = query.with_for_update(of=threads)
    row = connection.execute(query).first()
    if row is None:
        raise NotFound(f"unknown thread {thread_id}")
    return row


def one(connection: Connection, thread_id: int) -> Thread:
    found = load(connection, [threads.c.id == thread_id], None)
    if not found:
        raise NotFound(f"unknown thread {thread_id}")
    return found[0]


def load(
    connection: Connection, where: Iterable[sa.ColumnElement[bool]], status: str | None
) -> list[Thread]:
    author = users.alias("author")
    resolver = users.alias("resolver")
    query = (
        sa.select(threads, author.c.name.label("author_name"), resolver.c.name.label("resolver"))
        .join(author, author.c.id == threads.c.author_id)
        .outerjoin(resolver, resolver.c.id == threads.c.resolved_by_id)
        .where(*where)
        .order_by(threads.c.id)
    )
    if status is not None:
        query = query.where(threads.c.status == status)
    rows = connection.execute(query).all()
    if not rows:
        return []
    commenter = users.alias("commenter")
    ids = [row.id for row in rows]
    comments: dict[int, list[Comment]] = {}
    # One query for all the comments; ids in chunks so a bound-parameter limit holds.
    for chunk in range(0, len(ids), 5000):
        part = ids[chunk : chunk + 5000]
        listed = connection.execute(
            sa.select(thread_comments, commenter.c.name.label("author_name"))
            .join(commenter, commenter.c.id == thread_comments.c.author_id)
            .where(thread_comments.c.thread_id.in_(part))
            .order_by(thread_comments.c.thread_id, thread_comments.c.id)
        )
        for c in listed:
            comments.setdefault(c.thread_id, []).append(
                Comment(c.id, c.author_name, c.body, as_utc(c.created_at))
            )
    return [
        Thread(
            id=row.id,
            spec_id=row.spec_id,
            revision=row.revision,
            section=row.section,
            quote=row.quote,
            kind=row.kind,
            suggestion=row.suggestion,
            status=row.status,
            author=row.author_name,
            created_at=as_utc(row.created_at),
            outdated_revision=row.outdated_revision,
            anchored_revision=row.anchored_revision,
            anchored_line=row.anchored_line,
            anchored_text=row.anchored_text,
            resolved_by=row.resolver,
            resolved_at=as_utc(row.resolved_at) if row.resolved_at is not None else None,
            applied_revision=row.applied_revision,
            comments=tuple(comments.get(row.id, [])),
        )
        for row in rows
    ]
