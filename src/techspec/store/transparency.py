"""The transparency log: audit events and revisions as leaves of an RFC 9162 Merkle tree.

Every audit event and every revision is appended, in the transaction that writes it, as
a leaf of one append-only Merkle tree (:mod:`techspec.proofs.merkle`).  Leaf inputs:

* an event: ``b"techspec-event/1\\n"`` + the UTF-8 JSON array
  ``[seq, at, actor, action, spec_id, revision, details]`` (compact, as the hash chain);
* a revision: ``b"techspec-revision/1\\n"`` + ``[id, spec_id, number, sha256 of its text]``.

``log_leaves`` keeps each leaf's place and hash; ``log_head`` keeps the tree size and its
frontier, so an append reads and writes O(log n) hashes however long the log is.  Both
appends lock ``audit_head`` before ``log_head``: one order for every writer, so many
server processes on one PostgreSQL extend one tree and never deadlock.

A checkpoint (size + root, signed by the server's key outside the database) is kept in
``log_head`` and recorded as a ``log.checkpoint`` audit event: the next leaf after the
tree it signs.  Webhooks carry those events out, so another system can witness them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from techspec.proofs import merkle
from techspec.proofs.checkpoint import Checkpoint
from techspec.store.clock import iso
from techspec.store.database import Store
from techspec.store.errors import StoreError
from techspec.store.schema import audit_events, audit_head, log_head, log_leaves

EVENT = "event"
REVISION = "revision"
CHECKPOINT_ACTION = "log.checkpoint"
"""The audit action that records a signed checkpoint (a webhook ``checkpoint`` event)."""
EVENT_PREFIX = b"techspec-event/1\n"
REVISION_PREFIX = b"techspec-revision/1\n"


_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
"""``json.dumps`` with these options builds a new encoder per call; verify makes a
million calls."""


def _json(values: list[Any]) -> bytes:
    return _ENCODER.encode(values).encode("utf-8")


def event_leaf(
    seq: int,
    at: datetime,
    actor: str | None,
    action: str,
    spec_id: int | None,
    revision: int | None,
    details: str,
) -> bytes:
    """The leaf input of an audit event (``details`` is its stored canonical JSON text)."""
    return EVENT_PREFIX + event_fields(seq, iso(at), actor, action, spec_id, revision, details)


def event_fields(
    seq: int,
    stamp: str,
    actor: str | None,
    action: str,
    spec_id: int | None,
    revision: int | None,
    details: str,
) -> bytes:
    """The JSON array an event's leaf carries, with its time already spelled by
    :func:`~techspec.store.clock.iso`.  The hash chain's payload is the same array with
    ``prev_hash`` appended, which lets ``verify`` serialize each event once.

    Spelled out by hand for the types a stored event has (``verify`` makes a million
    calls, and the generic encoder was its largest cost); byte for byte what the encoder
    writes, which it still writes for anything else."""
    if (
        type(seq) is int
        and type(stamp) is str
        and type(action) is str
        and type(details) is str
        and (actor is None or type(actor) is str)
        and (spec_id is None or type(spec_id) is int)
        and (revision is None or type(revision) is int)
    ):
        return (
            f"[{seq},{_string(stamp)},{'null' if actor is None else _string(actor)},"
            f"{_string(action)},{'null' if spec_id is None else spec_id},"
            f"{'null' if revision is None else revision},{_string(details)}]"
        ).encode()
    return _json([seq, stamp, actor, action, spec_id, revision, details])


_string: Callable[[str], str] = json.encoder.encode_basestring
"""The encoder's own string escaping (``ensure_ascii=False``), in C."""


def revision_leaf(revision_id: int, spec_id: int, number: int, sha256: str) -> bytes:
    """The leaf input of a revision: which spec, which number, the sha256 of its text."""
    return REVISION_PREFIX + _json([revision_id, spec_id, number, sha256])


@dataclass(frozen=True, slots=True)
class Head:
    size: int
    frontier: list[bytes]
    checkpoint: str

    @property
    def root(self) -> bytes:
        return merkle.frontier_root(self.frontier)


def _frontier(text: str) -> list[bytes]:
    return [bytes.fromhex(text[i : i + 64]) for i in range(0, len(text), 64)]


_HEAD = sa.select(log_head).where(log_head.c.id == 1)
_HEAD_LOCKED = _HEAD.with_for_update()
_LOCK = sa.select(audit_head.c.seq).where(audit_head.c.id == 1).with_for_update()
_BOTH = (
    sa.select(
        audit_head.c.seq,
        audit_head.c.hash,
        log_head.c.size,
        log_head.c.frontier,
        log_head.c.checkpoint,
    )
    .select_from(audit_head.join(log_head, log_head.c.id == audit_head.c.id))
    .where(audit_head.c.id == 1)
    .with_for_update()
)
_INSERT_LEAF = sa.insert(log_leaves)
_MOVE_HEAD = (
    sa.update(log_head)
    .where(log_head.c.id == 1)
    .values(size=sa.bindparam("new_size"), frontier=sa.bindparam("new_frontier"))
)
"""Statements built once: building a statement costs more than running it on SQLite, and
an audited write reads both heads in one locked statement (each statement is a round
trip on PostgreSQL)."""


def head(connection: Connection, *, lock: bool = False) -> Head:
    row = connection.execute(_HEAD_LOCKED if lock else _HEAD).first()
    if row is None:
        raise StoreError("the transparency log has no head row: the schema is damaged")
    return Head(int(row.size), _frontier(row.frontier), row.checkpoint)


def lock(connection: Connection) -> None:
    """Take the log's write lock (the ``audit_head`` row) before touching ``log_head``."""
    connection.execute(_LOCK).first()


def lock_heads(connection: Connection) -> tuple[int, str, Head]:
    """Lock and read both heads in one statement: the chain's last ``(seq, hash)`` and
    the tree's head (``audit_head`` is the lock every appender takes first)."""
    row = connection.execute(_BOTH).first()
    if row is None:
        raise StoreError("the audit log has no head rows: the schema is damaged")
    return int(row.seq), str(row.hash), Head(int(row.size), _frontier(row.frontier), row.checkpoint)


def append(
    connection: Connection, kind: str, ref: int, leaf: bytes, current: Head | None = None
) -> int:
    """Append one leaf; the caller holds :func:`lock` (and passes the tree head it read
    with :func:`lock_heads`, if it did).  Returns its index."""
    if current is None:
        current = head(connection, lock=True)
    digest, frontier = grown(current, leaf)
    connection.execute(
        _INSERT_LEAF, {"idx": current.size, "kind": kind, "ref": ref, "hash": digest}
    )
    connection.execute(_MOVE_HEAD, {"new_size": current.size + 1, "new_frontier": frontier})
    return current.size


def grown(current: Head, leaf: bytes) -> tuple[str, str]:
    """The new leaf's hash and the tree's frontier after it, both as stored (hex)."""
    digest = merkle.leaf_hash(leaf)
    frontier = merkle.append(current.frontier, current.size, digest)
    return digest.hex(), "".join(node.hex() for node in frontier)


def append_revision(
    connection: Connection, revision_id: int, spec_id: int, number: int, sha256: str
) -> int:
    """Append a new revision's leaf, in the transaction that inserts it."""
    _seq, _hash, current = lock_heads(connection)
    leaf = revision_leaf(revision_id, spec_id, number, sha256)
    return append(connection, REVISION, revision_id, leaf, current)


def tree_head(store: Store) -> Head:
    with store.read() as connection:
        return head(connection)


Signer = Callable[[Checkpoint], str]
"""Signs a checkpoint: returns it as a signed note."""


def sign_checkpoint(
    store: Store,
    origin: str,
    signer: Signer,
    record: Callable[[Connection, dict[str, Any]], object],
    *,
    force: bool = False,
) -> tuple[str, bool]:
    """The latest checkpoint, signing a new one when the tree grew since the last (or
    ``force``): the signed note and whether it is new.  A new one is kept in
    ``log_head`` and recorded by ``record`` (an audit event, one more leaf).  When
    nothing changed, only a read is made: the webhook worker asks every round."""
    if not force:
        with store.read() as connection:
            seen = head(connection)
        last = _last_size(seen.checkpoint)
        if last is not None and seen.size <= last + 1:
            return seen.checkpoint, False
    with store.write() as connection:
        lock(connection)
        current = head(connection, lock=True)
        last = _last_size(current.checkpoint)
        if not force and last is not None and current.size <= last + 1:
            return current.checkpoint, False  # nothing since but the checkpoint itself
        note = signer(Checkpoint(origin, current.size, current.root))
        connection.execute(sa.update(log_head).where(log_head.c.id == 1).values(checkpoint=note))
        record(
            connection,
            {"size": current.size, "root": current.root.hex(), "origin": origin, "note": note},
        )
        return note, True


def _last_size(note: str) -> int | None:
    lines = note.split("\n")
    if len(lines) < 2 or not lines[1].isdigit():
        return None
    return int(lines[1])


@dataclass(frozen=True, slots=True)
class Leaf:
    index: int
    kind: str
    ref: int
    hash: bytes


def leaf_of_event(store: Store, seq: int) -> Leaf | None:
    with store.read() as connection:
        row = connection.execute(
            sa.select(log_leaves).where(log_leaves.c.kind == EVENT, log_leaves.c.ref == seq)
        ).first()
    return None if row is None else Leaf(row.idx, row.kind, row.ref, bytes.fromhex(row.hash))


def leaf_hashes(store: Store, size: int, *, batch: int = 50000) -> merkle.PackedHashes:
    """The stored hashes of the first ``size`` leaves (for proofs)."""
    packed = bytearray()
    last = -1
    with store.read() as connection:
        while last + 1 < size:
            rows = connection.execute(
                sa.select(log_leaves.c.idx, log_leaves.c.hash)
                .where(log_leaves.c.idx > last, log_leaves.c.idx < size)
                .order_by(log_leaves.c.idx)
                .limit(batch)
            ).all()
            if not rows:
                break
            for row in rows:
                if row.idx != last + 1:
                    raise StoreError(f"leaf {last + 1} of the transparency log is missing")
                packed += bytes.fromhex(row.hash)
                last = row.idx
    if last + 1 != size:
        raise StoreError(f"the transparency log has {last + 1} leaves, not {size}")
    return merkle.PackedHashes(bytes(packed))


def event_row(store: Store, seq: int) -> Any:
    with store.read() as connection:
        return connection.execute(sa.select(audit_events).where(audit_events.c.seq == seq)).first()
