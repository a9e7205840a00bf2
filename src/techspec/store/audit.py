"""The append-only audit log: a hash chain that shows any edit, deletion or reordering.

Each event stores ``hash = sha256(canonical JSON of [seq, at, actor, action, spec_id,
revision, details, prev_hash])`` where ``prev_hash`` is the previous event's hash (64
zeros for the first).  ``audit_head`` holds the last ``seq`` and hash; appending locks
that row, so concurrent writers form one chain, and deleting the newest event shows.
An event is written in the same transaction as the change it records, and so are the
inbox items and mails it makes (:func:`techspec.store.inbox.fan_out`); there it becomes a
leaf of the transparency log's Merkle tree (:mod:`techspec.store.transparency`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from techspec.store import inbox, transparency
from techspec.store.clock import as_utc, iso, now
from techspec.store.engine import Store
from techspec.store.schema import GENESIS, audit_events, audit_head


@dataclass(frozen=True, slots=True)
class Event:
    seq: int
    at: datetime
    actor: str | None
    action: str
    spec_id: int | None
    revision: int | None
    details: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class Verification:
    """``ok`` with the number of events checked, or the first broken event and why."""

    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""
    latest: bool = False
    """Only the latest events were checked (:func:`verify_latest`), not the whole log."""

    def __str__(self) -> str:
        if self.ok and self.latest:
            return (
                f"OK: the latest {self.checked} events follow one another up to the last one "
                "written ('techspec audit verify' walks the whole log)"
            )
        if self.ok:
            return f"OK: {self.checked} events, hash chain intact"
        return f"BROKEN at event {self.broken_seq}: {self.reason}"


def canonical(details: dict[str, Any]) -> str:
    return json.dumps(details, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(
    seq: int,
    at: datetime,
    actor: str | None,
    action: str,
    spec_id: int | None,
    revision: int | None,
    details: str,
    prev_hash: str,
) -> str:
    payload = [seq, iso(at), actor, action, spec_id, revision, details, prev_hash]
    data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


_INSERT_EVENT = sa.insert(audit_events)
_MOVE_HEAD = (
    sa.update(audit_head)
    .where(audit_head.c.id == 1)
    .values(seq=sa.bindparam("new_seq"), hash=sa.bindparam("new_hash"))
)
"""Built once: building a statement costs more than running it (see :func:`record`)."""
_APPEND_ALL = sa.text(
    "WITH event AS (INSERT INTO audit_events"
    " (seq, at, actor, action, spec_id, revision, details, prev_hash, hash) VALUES"
    " (:seq, :at, :actor, :action, :spec_id, :revision, :details, :prev_hash, :hash)),"
    " chain AS (UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1),"
    " leaf AS (INSERT INTO log_leaves (idx, kind, ref, hash) VALUES (:idx, 'event', :seq, :leaf))"
    " UPDATE log_head SET size = :size, frontier = :frontier WHERE id = 1"
)
"""PostgreSQL writes the event, the chain head, the leaf and the tree head in one
statement: each statement is a round trip, and four of them were half an append's time.
(SQLite runs in-process, where four statements cost less than one this size.)"""


def record(
    connection: Connection,
    *,
    actor: str | None,
    action: str,
    spec_id: int | None = None,
    revision: int | None = None,
    details: dict[str, Any] | None = None,
) -> Event:
    """Append one event inside the caller's (write) transaction."""
    last, previous, tree = transparency.lock_heads(connection)
    seq = last + 1
    at = as_utc(now())
    text = canonical(details or {})
    digest = event_hash(seq, at, actor, action, spec_id, revision, text, previous)
    event = {
        "seq": seq,
        "at": at,
        "actor": actor,
        "action": action,
        "spec_id": spec_id,
        "revision": revision,
        "details": text,
        "prev_hash": previous,
        "hash": digest,
    }
    leaf = transparency.event_leaf(seq, at, actor, action, spec_id, revision, text)
    if connection.dialect.name == "postgresql":
        leaf_hash, frontier = transparency.grown(tree, leaf)
        connection.execute(
            _APPEND_ALL,
            {
                **event,
                "idx": tree.size,
                "leaf": leaf_hash,
                "size": tree.size + 1,
                "frontier": frontier,
            },
        )
    else:
        connection.execute(_INSERT_EVENT, event)
        connection.execute(_MOVE_HEAD, {"new_seq": seq, "new_hash": digest})
        transparency.append(connection, transparency.EVENT, seq, leaf, tree)
    inbox.fan_out(
        connection,
        seq=seq,
        actor=actor,
        action=action,
        spec_id=spec_id,
        revision=revision,
        details=details or {},
    )
    return Event(seq, at, actor, action, spec_id, revision, details or {}, previous, digest)


def events(store: Store, *, spec_id: int | None = None, limit: int | None = None) -> list[Event]:
    """Events, oldest first (the last ``limit`` of them when given)."""
    query = sa.select(audit_events).order_by(audit_events.c.seq.desc())
    if spec_id is not None:
        query = query.where(audit_events.c.spec_id == spec_id)
    if limit is not None:
        query = query.limit(limit)
    with store.read() as connection:
        rows = connection.execute(query).all()
    return [_event(row) for row in reversed(rows)]


def _event(row: Any) -> Event:
    try:
        details = json.loads(row.details)
    except ValueError:
        details = {"unreadable": row.details}
    return Event(
        row.seq,
        as_utc(row.at),
        row.actor,
        row.action,
        row.spec_id,
        row.revision,
        details if isinstance(details, dict) else {"value": details},
        row.prev_hash,
        row.hash,
    )


def verify(store: Store, *, batch: int = 5000) -> Verification:
    """Walk the chain from the first event; report the first event that breaks it."""
    with store.read() as connection:
        head = connection.execute(
            sa.select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)
        ).first()
        expected_seq, previous, checked = 1, GENESIS, 0
        for row in _rows(connection, batch):
            if row.seq != expected_seq:
                return Verification(
                    False,
                    checked,
                    expected_seq,
                    f"event {expected_seq} is missing (next is {row.seq}): deleted",
                )
            if row.prev_hash != previous:
                return Verification(
                    False,
                    checked,
                    row.seq,
                    "does not follow the previous event: reordered or replaced",
                )
            actual = event_hash(
                row.seq,
                as_utc(row.at),
                row.actor,
                row.action,
                row.spec_id,
                row.revision,
                row.details,
                row.prev_hash,
            )
            if actual != row.hash:
                return Verification(
                    False, checked, row.seq, "its content does not match its hash: edited"
                )
            previous, expected_seq, checked = row.hash, expected_seq + 1, checked + 1
    if head is None:
        return Verification(False, checked, None, "the audit head row is missing")
    if head.seq != checked or head.hash != previous:
        return Verification(
            False,
            checked,
            checked + 1 if head.seq > checked else head.seq,
            f"the log ends at event {checked} but {head.seq} were written: "
            "events deleted from the end",
        )
    return Verification(True, checked)


def verify_latest(store: Store, count: int) -> Verification:
    """The latest ``count`` events: numbered one after another up to the head, each
    following the one before and matching its hash, the newest being the head's.

    A page can afford this on every view at any size; :func:`verify` walks the whole
    chain, which takes seconds once the log holds a few hundred thousand events.
    """
    with store.read() as connection:
        head = connection.execute(
            sa.select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)
        ).first()
        if head is None:
            return Verification(False, 0, None, "the audit head row is missing")
        first = max(1, int(head.seq) - count + 1)
        rows = connection.execute(
            sa.select(audit_events).where(audit_events.c.seq >= first).order_by(audit_events.c.seq)
        ).all()
    previous: str | None = None
    for checked, row in enumerate(rows):
        if row.seq != first + checked:
            return Verification(False, checked, first + checked, "missing: deleted")
        if previous is not None and row.prev_hash != previous:
            return Verification(
                False, checked, row.seq, "does not follow the previous event: reordered or replaced"
            )
        details = (row.seq, as_utc(row.at), row.actor, row.action, row.spec_id, row.revision)
        if event_hash(*details, row.details, row.prev_hash) != row.hash:
            return Verification(
                False, checked, row.seq, "its content does not match its hash: edited"
            )
        previous = row.hash
    last = rows[-1].seq if rows else 0
    if last != head.seq or (previous or GENESIS) != head.hash:
        return Verification(
            False,
            len(rows),
            last + 1,
            f"the log ends at event {last} but {head.seq} were written: "
            "events deleted from the end",
        )
    return Verification(True, len(rows), latest=True)


def _rows(connection: Connection, batch: int) -> Iterator[Any]:
    last = 0
    while True:
        rows = connection.execute(
            sa.select(audit_events)
            .where(audit_events.c.seq > last)
            .order_by(audit_events.c.seq)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
