"""Proofs the server hands out: its public keys and signed attestations of a spec.

The public keys are public by design (a CI job or a colleague checking a signature in a
spec exported to git holds no account), so :func:`public_keys` checks no permission; an
attestation says what a reader may read, so :func:`attest` requires a reader.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from techspec.authoring.content_hash import content_hash
from techspec.proofs import ProofError
from techspec.proofs.attestation import Approval, Claim, sign
from techspec.proofs.keys import PUBLIC_FORMAT, KeyRing
from techspec.proofs.signoff import RowCheck, verify_text
from techspec.service.permissions import Actor, require_reader
from techspec.store import approvals, revisions
from techspec.store.engine import Store


def public_keys(store: Store) -> dict[str, Any]:
    """The key document (``techspec-keys/1``): every key the server signs or signed with."""
    ring = store.signer().ring
    if ring is None:
        return {"format": PUBLIC_FORMAT, "keys": []}
    return ring.public_document()


def claim(store: Store, actor: Actor, reference: str) -> Claim:
    """What the store holds about ``reference``'s current revision, as one read."""
    require_reader(actor)
    with store.read() as connection:
        spec = revisions.resolve(connection, reference)
        revision = revisions.revision_row(connection, spec)
        template = revisions.template_of(connection, spec)
        content = content_hash(revision.text, template)
        granted = approvals.approved_roles(connection, spec.id, content)
    ordered = sorted(granted.values(), key=lambda a: (a.role.casefold(), a.id))
    return Claim(
        spec=spec.slug,
        title=revision.title or spec.slug,
        revision=revision.number,
        status=revision.status or "",
        content_hash=content,
        revision_sha256=revision.sha256,
        approvals=tuple(Approval(a.role, a.reviewer, a.created_at) for a in ordered),
        issued_at=datetime.now(UTC).replace(microsecond=0),
    )


def attest(store: Store, actor: Actor, reference: str) -> dict[str, Any]:
    """A DSSE envelope with the in-toto statement of ``reference``'s current state,
    signed with the server's current key."""
    found = claim(store, actor, reference)
    ring = store.signer().ring
    if ring is None or not ring.can_sign:
        raise ProofError(
            "the server has no signing key: set TECHSPEC_SIGNING_KEY or TECHSPEC_SIGNING_KEYRING"
        )
    return sign(found, ring)


def verify(store: Store, actor: Actor, text: str) -> list[RowCheck]:
    """The verdict on each filled sign-off row of ``text`` (the built-in template), with
    the server's public keys: what ``techspec verify --server`` says of the same text."""
    require_reader(actor)
    ring = store.signer().ring
    return verify_text(text, ring if ring is not None else KeyRing([]))
