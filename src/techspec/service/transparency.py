"""The transparency log's operations: sign and print a checkpoint, verify the whole log
(against a checkpoint kept outside), prove that an event is in it.

The signing key is the server's keyring (:mod:`techspec.proofs.keys`), outside the
database; the log's name (its checkpoints' origin and signer name) is
``$TECHSPEC_LOG_ORIGIN``, else ``techspec/<id of the keyring's oldest key>``, which
stays the same across key rotations.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import Connection

from techspec.errors import InputError
from techspec.proofs import ProofError, merkle
from techspec.proofs import checkpoint as notes
from techspec.proofs.checkpoint import Checkpoint
from techspec.proofs.keys import KeyRing
from techspec.service.permissions import Actor, require_admin
from techspec.store import audit, log_verify, transparency
from techspec.store.engine import Store
from techspec.store.errors import NotFound, StoreError
from techspec.store.log_verify import LogReport

ORIGIN_ENV = "TECHSPEC_LOG_ORIGIN"


def keyring(store: Store) -> KeyRing:
    """The keyring the store signs with (:meth:`Store.signer`: made beside a SQLite file
    on first use); ProofError when there is none to sign with."""
    ring = store.signer().ring
    if ring is None or not ring.can_sign:
        raise ProofError(
            "the server has no signing key: set TECHSPEC_SIGNING_KEY or TECHSPEC_SIGNING_KEYRING"
        )
    return ring


def origin(ring: KeyRing) -> str:
    named = os.environ.get(ORIGIN_ENV, "").strip()
    if named:
        return named
    keys = ring.public_keys()
    if not keys:
        raise ProofError("the keyring holds no key")
    return f"techspec/{keys[0].key_id}"


def verifier_key(ring: KeyRing) -> str:
    """The C2SP verifier key of the current signing key (what a witness configures)."""
    return notes.verifier_key(origin(ring), ring.current.public_bytes)


def _signer(ring: KeyRing) -> transparency.Signer:
    name = origin(ring)
    private = Ed25519PrivateKey.from_private_bytes(ring.current.seed)

    def sign(tree: Checkpoint) -> str:
        return notes.sign(tree, name, private)

    return sign


def _record(connection: Connection, details: dict[str, Any]) -> None:
    audit.record(connection, actor=None, action=transparency.CHECKPOINT_ACTION, details=details)


def publish(store: Store, ring: KeyRing, *, force: bool = False) -> tuple[str, bool]:
    """Sign a checkpoint when the log grew since the last one (the webhook worker calls
    this each round; its audit event is the ``checkpoint`` webhook).  Returns the latest
    signed note and whether it is new."""
    return transparency.sign_checkpoint(store, origin(ring), _signer(ring), _record, force=force)


def checkpoint(store: Store, actor: Actor, ring: KeyRing) -> str:
    """The latest signed checkpoint, signing one first if the log grew since."""
    require_admin(actor, "sign a checkpoint of the audit log")
    note, _new = publish(store, ring)
    return note


def _keys(ring: KeyRing) -> list[bytes]:
    return [key.public_bytes for key in ring.public_keys()]


def check_note(note: str, keys: Iterable[bytes]) -> Checkpoint:
    """A signed checkpoint whose signature (under its own origin as name) is by one of
    ``keys``; ProofError otherwise."""
    tree, _signatures = notes.parse(note)
    return notes.verify(note, tree.origin, keys)


def verify(
    store: Store,
    actor: Actor,
    *,
    ring: KeyRing | None = None,
    against: str | None = None,
    source: str = "the checkpoint",
) -> LogReport:
    """Re-hash the whole log; with ``against`` (a signed checkpoint's text), prove the
    log consistent with it.  Without a keyring, recorded checkpoints are checked by
    root only and a checkpoint from outside cannot be trusted, so it is refused."""
    require_admin(actor, "verify the audit log")
    keys = _keys(ring) if ring is not None else None
    tree: Checkpoint | None = None
    if against is not None:
        try:
            notes.parse(against)
            if keys is None:
                raise InputError("no public key to check the checkpoint's signature with (--key)")
            tree = check_note(against, keys)
        except ProofError as error:
            raise ProofError(error.message, path=source) from None

    def note_check(note: str) -> Checkpoint:
        assert keys is not None
        return check_note(note, keys)

    return log_verify.verify(store, against=tree, note_check=note_check if keys else None)


@dataclass(frozen=True, slots=True)
class Inclusion:
    event: int
    index: int
    leaf: bytes
    size: int
    root: bytes
    proof: list[bytes]
    checkpoint: str

    def to_json(self) -> dict[str, Any]:
        def b64(data: bytes) -> str:
            return base64.b64encode(data).decode("ascii")

        return {
            "event": self.event,
            "leaf_index": self.index,
            "leaf": b64(self.leaf),
            "leaf_hash": b64(merkle.leaf_hash(self.leaf)),
            "tree_size": self.size,
            "root_hash": b64(self.root),
            "inclusion_proof": [b64(node) for node in self.proof],
            "checkpoint": self.checkpoint,
        }


def prove(store: Store, actor: Actor, event: int, ring: KeyRing) -> Inclusion:
    """An RFC 9162 inclusion proof of audit event ``event`` in the tree of the latest
    signed checkpoint (signed now if the log grew)."""
    require_admin(actor, "prove an audit event")
    note = checkpoint(store, actor, ring)
    tree, _signatures = notes.parse(note)
    leaf = transparency.leaf_of_event(store, event)
    row = transparency.event_row(store, event)
    if leaf is None or row is None:
        raise NotFound(f"no audit event {event} in the log (see 'techspec audit log')")
    if leaf.index >= tree.size:
        raise NotFound(f"audit event {event} is newer than the latest checkpoint")
    data = transparency.event_leaf(
        row.seq, row.at, row.actor, row.action, row.spec_id, row.revision, row.details
    )
    hashes = transparency.leaf_hashes(store, tree.size)
    path = merkle.inclusion_proof(leaf.index, hashes)
    if merkle.leaf_hash(data) != leaf.hash or not merkle.verify_inclusion(
        leaf.index, tree.size, leaf.hash, path, tree.root
    ):
        raise StoreError(
            "the stored log does not match its checkpoint: run 'techspec audit verify'"
        )
    return Inclusion(event, leaf.index, data, tree.size, tree.root, path, note)
