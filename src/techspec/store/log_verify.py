"""``techspec audit verify``: re-hash every revision text and every event, rebuild the
Merkle tree from them, and name the first entry that does not fit.

What is checked, in one pass over the leaves in order:

* each event: numbered one after another, following the previous one (hash chain),
  matching its own hash, its leaf hash matching what the tree recorded;
* each revision: the sha256 of its text is the one recorded, its leaf matches;
* each checkpoint the log recorded: the tree at that size has the root it signed (an
  edit followed by recomputing every later hash shows here), and its signature holds;
* afterwards: the head rows agree with what was rebuilt (deleting from the end shows),
  no event or revision exists outside the tree (one inserted behind its back), every
  approval row is covered by its audit event (a forged approval shows);
* given a checkpoint from outside (a witness, a git repository), the rebuilt tree is a
  consistent extension of it: an RFC 9162 consistency proof is made from the rebuilt
  leaves and checked against the checkpoint's root (truncation and rewrites show).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from hashlib import sha256
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from techspec.proofs import ProofError, merkle
from techspec.proofs.checkpoint import Checkpoint, parse
from techspec.store import log_rows
from techspec.store.clock import as_utc, iso
from techspec.store.engine import Store
from techspec.store.schema import (
    GENESIS,
    approvals,
    audit_events,
    audit_head,
    log_head,
    revisions,
    users,
)
from techspec.store.transparency import (
    CHECKPOINT_ACTION,
    EVENT,
    EVENT_PREFIX,
    REVISION,
    event_fields,
    revision_leaf,
)

LEAF = b"\x00"
"""RFC 9162's leaf prefix (:func:`merkle.leaf_hash`, inlined in the hot loop)."""
NoteCheck = Callable[[str], Checkpoint]
"""Checks a signed note's signature (raises ProofError) and returns its checkpoint."""


class Broken(Exception):
    """The first bad entry, as one sentence (and the event's number when it is one)."""

    def __init__(self, message: str, seq: int | None = None) -> None:
        super().__init__(message)
        self.seq = seq


@dataclass
class LogReport:
    ok: bool
    problem: str = ""
    broken_seq: int | None = None
    """The event the problem is in, when it is in one."""
    size: int = 0
    root: bytes = merkle.EMPTY_ROOT
    events: int = 0
    revisions: int = 0
    checkpoints: int = 0
    approvals: int = 0
    against: Checkpoint | None = None
    consistency: list[bytes] = field(default_factory=list)

    def __str__(self) -> str:
        if not self.ok:
            return f"BROKEN: {self.problem}"
        text = (
            f"OK: {self.size} leaves ({self.events} events, {self.revisions} revision texts "
            f"re-hashed), {self.checkpoints} recorded checkpoints and {self.approvals} "
            f"approvals covered; root {self.root.hex()}"
        )
        if self.against is not None:
            text += (
                f"; a consistent extension of the checkpoint at size {self.against.size} "
                f"({len(self.consistency)}-hash consistency proof checked)"
            )
        return text


class _Walk:
    def __init__(
        self, connection: Connection, note_check: NoteCheck | None, keep: bool, batch: int
    ) -> None:
        self.note_check = note_check
        self.events = log_rows.InKeyOrder(
            log_rows.stream(connection, log_rows.events_sql(connection.dialect.name), batch)
        )
        self.revisions = log_rows.InKeyOrder(
            log_rows.stream(connection, log_rows.REVISIONS, batch), log_rows.revision_of
        )
        self.frontier: list[bytes] = []
        self.size = 0
        self.seq = 0
        self.previous = GENESIS
        self.revision_ids: set[int] = set()
        self.decisions: Counter[tuple[Any, ...]] = Counter()
        self.checkpoints = 0
        self.roots: dict[int, bytes] = {}
        self.wanted: set[int] = set()
        self.packed = bytearray() if keep else None

    def add(self, digest: bytes) -> None:
        merkle.append(self.frontier, self.size, digest)
        self.size += 1
        if self.packed is not None:
            self.packed += digest
        if self.size in self.wanted:
            self.roots[self.size] = merkle.frontier_root(self.frontier)

    def leaf(self, row: Any) -> None:
        idx, kind, ref, stored = row
        if idx != self.size:
            raise Broken(f"leaf {self.size} of the log is missing (the next is {idx}): deleted")
        if kind == EVENT:
            self.event(idx, ref, stored)
        elif kind == REVISION:
            self.revision(idx, ref, stored)
        else:
            raise Broken(f"leaf {idx} is of an unknown kind {kind!r}: forged")

    def event(self, idx: int, ref: int, stored: str) -> None:
        """The event's chain hash and leaf hash, from one serialization of it: the chain
        payload is the leaf's JSON array with ``prev_hash`` (checked to be the previous
        event's hex hash first) appended (see :func:`transparency.event_fields`)."""
        if ref <= self.seq:
            self.misplaced(idx, ref)
        row = self.events.take(ref)
        if row is None:
            raise Broken(f"leaf {idx} (event {ref}): the event is missing: deleted", ref)
        seq, at, actor, action, spec_id, revision, details, prev_hash, ehash = row
        if seq != self.seq + 1:
            self.misplaced(idx, seq)
        if prev_hash != self.previous:
            raise Broken(
                f"event {seq} does not follow the previous event: reordered or replaced", seq
            )
        fields = event_fields(seq, _stamp(at), actor, action, spec_id, revision, details)
        chained = fields[:-1] + b',"' + prev_hash.encode("ascii") + b'"]'
        if sha256(chained).hexdigest() != ehash:
            raise Broken(f"event {seq}: its content does not match its hash: edited", seq)
        digest = sha256(LEAF + EVENT_PREFIX + fields).digest()
        if digest.hex() != stored:
            raise Broken(
                f"leaf {idx} (event {seq}): the event does not match its leaf in the tree: edited",
                seq,
            )
        if action == CHECKPOINT_ACTION:
            self.checkpoint(seq, details)
        elif action.startswith("approval."):
            found = _details(details)
            self.decisions[
                (
                    spec_id,
                    found.get("role"),
                    found.get("content_hash"),
                    action.removeprefix("approval."),
                    actor,
                )
            ] += 1
        self.seq, self.previous = seq, ehash
        self.add(digest)

    def misplaced(self, idx: int, seq: int) -> None:
        raise Broken(
            f"event {self.seq + 1} is missing from its place (leaf {idx} is event "
            f"{seq}): deleted or reordered",
            self.seq + 1,
        )

    def checkpoint(self, seq: int, text: str) -> None:
        details = _details(text)
        root = merkle.frontier_root(self.frontier)
        if details.get("size") != self.size or details.get("root") != root.hex():
            raise Broken(
                f"event {seq} records a checkpoint of {details.get('size')} leaves that "
                f"the log before it no longer matches: an entry before leaf {self.size} "
                "was rewritten after the checkpoint was signed",
                seq,
            )
        if self.note_check is not None:
            try:
                signed = self.note_check(str(details.get("note", "")))
            except ProofError as error:
                raise Broken(
                    f"event {seq}: the checkpoint it records does not verify ({error}): forged", seq
                ) from None
            if signed.size != self.size or signed.root != root:
                raise Broken(f"event {seq}: the signed note is not the recorded checkpoint", seq)
        self.checkpoints += 1

    def revision(self, idx: int, ref: int, stored: str) -> None:
        found: log_rows.Revision | None = self.revisions.take(ref)
        if found is None:
            raise Broken(f"leaf {idx} (revision id {ref}): the revision is missing: deleted")
        rid, spec_id, number, recorded, matches = found
        if not matches:
            raise Broken(
                f"revision {number} of spec #{spec_id}: its text does not match its sha256: edited"
            )
        digest = merkle.leaf_hash(revision_leaf(rid, spec_id, number, recorded))
        if digest.hex() != stored:
            raise Broken(
                f"revision {number} of spec #{spec_id} does not match its leaf {idx} in the "
                "tree: edited"
            )
        self.revision_ids.add(rid)
        self.add(digest)


def _stamp(value: Any) -> str:
    """:func:`~techspec.store.clock.iso` of a stored time as the driver hands it back:
    SQLite's ``YYYY-MM-DD HH:MM:SS.ffffff`` text (UTC, as the store writes it) is
    re-spelled without parsing it; anything else goes the long way."""
    if isinstance(value, str):
        if len(value) == 26 and value[10] == " " and value[19] == ".":
            return f"{value[:10]}T{value[11:]}Z"
        value = datetime.fromisoformat(value)
    return iso(as_utc(value))


def _details(text: str) -> dict[str, Any]:
    try:
        found = json.loads(text)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def verify(
    store: Store,
    *,
    against: Checkpoint | None = None,
    note_check: NoteCheck | None = None,
    batch: int = log_rows.BATCH,
) -> LogReport:
    """Check the whole log (see the module's docstring); the first problem found."""
    report = LogReport(ok=False, against=against)
    with store.snapshot() as connection:
        walk = _Walk(connection, note_check, keep=against is not None, batch=batch)
        if against is not None:
            walk.wanted.add(against.size)
        latest = _parsed(connection.execute(sa.select(log_head.c.checkpoint)).scalar() or "")
        if latest is not None:
            walk.wanted.add(latest.size)
        try:
            for row in log_rows.stream(connection, log_rows.LEAVES, batch):
                walk.leaf(row)
            _ends(connection, walk)
            if latest is not None:
                _latest(walk, latest)
            report.approvals = _approvals(connection, walk)
            if against is not None:
                report.consistency = _consistent(walk, against)
        except Broken as broken:
            report.problem, report.broken_seq = str(broken), broken.seq
            report.size, report.events = walk.size, walk.seq
            return report
    report.ok = True
    report.size, report.root = walk.size, merkle.frontier_root(walk.frontier)
    report.events, report.revisions = walk.seq, len(walk.revision_ids)
    report.checkpoints = walk.checkpoints
    return report


def _ends(connection: Connection, walk: _Walk) -> None:
    chain = connection.execute(sa.select(audit_head).where(audit_head.c.id == 1)).first()
    tree = connection.execute(sa.select(log_head).where(log_head.c.id == 1)).first()
    if chain is None or tree is None:
        raise Broken("a head row of the audit log is missing: the schema was damaged")
    if chain.seq != walk.seq or chain.hash != walk.previous:
        raise Broken(
            f"the log ends at event {walk.seq} but {chain.seq} were written: "
            "events deleted from the end"
        )
    frontier = "".join(node.hex() for node in walk.frontier)
    if tree.size != walk.size or tree.frontier != frontier:
        raise Broken(
            f"the tree head records {tree.size} leaves but the log rebuilds {walk.size} "
            "with another root: leaves deleted from the end or the head rewritten"
        )
    events = connection.execute(sa.select(sa.func.count()).select_from(audit_events)).scalar_one()
    if events != walk.seq:
        extra = connection.execute(
            sa.select(sa.func.min(audit_events.c.seq)).where(audit_events.c.seq > walk.seq)
        ).scalar()
        raise Broken(f"event {extra} is not in the log: inserted behind its back", extra)
    count = connection.execute(sa.select(sa.func.count()).select_from(revisions)).scalar_one()
    if count != len(walk.revision_ids):
        for revision_id, spec_id, number in connection.execute(
            sa.select(revisions.c.id, revisions.c.spec_id, revisions.c.number).order_by(
                revisions.c.id
            )
        ):
            if revision_id not in walk.revision_ids:
                raise Broken(
                    f"revision {number} of spec #{spec_id} is not in the log: "
                    "inserted behind its back"
                )


def _parsed(note: str) -> Checkpoint | None:
    if not note:
        return None
    try:
        return parse(note)[0]
    except ProofError:
        return None  # a damaged note: the recorded checkpoint events are checked anyway


def _latest(walk: _Walk, latest: Checkpoint) -> None:
    """The checkpoint the head keeps must be of this tree or a prefix of it."""
    if latest.size > walk.size:
        raise Broken(
            f"the latest checkpoint covers {latest.size} leaves but the log holds "
            f"{walk.size}: truncated"
        )
    if walk.roots.get(latest.size, merkle.EMPTY_ROOT) != latest.root:
        raise Broken(
            f"the first {latest.size} leaves no longer hash to the latest checkpoint's "
            f"root: an entry before leaf {latest.size} was rewritten"
        )


def _approvals(connection: Connection, walk: _Walk) -> int:
    rows = connection.execute(
        sa.select(
            approvals.c.id,
            approvals.c.spec_id,
            approvals.c.role,
            approvals.c.content_hash,
            approvals.c.decision,
            users.c.name,
        )
        .outerjoin(users, users.c.id == approvals.c.reviewer_id)
        .order_by(approvals.c.id)
    ).all()
    left = Counter(walk.decisions)
    for row in rows:
        key = (row.spec_id, row.role, row.content_hash, row.decision, row.name)
        if left[key] <= 0:
            raise Broken(
                f"approval {row.id} ({row.decision} by {row.name} as {row.role} on spec "
                f"#{row.spec_id}) has no audit event: inserted behind the log's back"
            )
        left[key] -= 1
    return len(rows)


def _consistent(walk: _Walk, against: Checkpoint) -> list[bytes]:
    if against.size > walk.size:
        raise Broken(
            f"the checkpoint covers {against.size} leaves but the log holds {walk.size}: "
            f"truncated (leaves {walk.size} to {against.size - 1} are gone)"
        )
    old_root = walk.roots.get(against.size, merkle.EMPTY_ROOT)
    assert walk.packed is not None
    leaves = merkle.PackedHashes(bytes(walk.packed))
    proof = merkle.consistency_proof(against.size, leaves)
    new_root = merkle.frontier_root(walk.frontier)
    if not merkle.verify_consistency(against.size, walk.size, against.root, new_root, proof):
        raise Broken(
            f"the log is not a consistent extension of the checkpoint at size {against.size}: "
            f"its first {against.size} leaves hash to {old_root.hex()}, not the signed "
            f"{against.root.hex()}: an entry before leaf {against.size} was rewritten"
        )
    return proof
