"""Gated status transitions, and approvals written back into the document.

The lifecycle is the template's Status enumeration (Draft, Review, Approved,
Implemented); the steps are each state to the next, plus Review back to Draft when
changes are requested.  A step's gates are the linter's errors for the document as it
would read at the target status; Approved also needs a current approval for every
sign-off role.  Every step and approval is written back into the Markdown (Status
line, sign-off row, review boxes, a Document History row) as a new revision whose
content hash is unchanged, so approvals survive their own write-back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from sqlalchemy.engine import Connection

from techspec.authoring.content_hash import content_hash
from techspec.authoring.writeback import set_status, sign, signoff_roles, unsign
from techspec.document.parser import parse
from techspec.errors import UsageError
from techspec.lint.template import Template
from techspec.store import approvals, audit, review_asks, revisions, thread_text, threads
from techspec.store.authors import named_authors
from techspec.store.engine import Store
from techspec.store.errors import Forbidden, Gate, GateRefused, InvalidTransition, StoreError
from techspec.store.facts import facts
from techspec.store.lifecycle import approval_gates, gates, lifecycle, prepare_save, same
from techspec.store.managed import add_workflow_row
from techspec.store.names import names_in
from techspec.store.people import users_named
from techspec.store.records import Revision, SpecRecord
from techspec.store.seen import Seen
from techspec.store.seen import check as check_seen
from techspec.store.users import User

__all__ = [
    "Outcome",
    "approval_gates",
    "gates",
    "lifecycle",
    "prepare_save",
]


@dataclass(slots=True)
class Outcome:
    """What a workflow command did."""

    slug: str
    status: str | None
    revision: int
    changed: bool
    notes: list[str] = field(default_factory=list)
    pending_roles: list[str] = field(default_factory=list)
    gates: list[Gate] = field(default_factory=list)


# -- steps -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Current:
    connection: Connection
    spec: SpecRecord
    revision: Revision
    template: Template
    content: str
    """The revision's content hash, as this version of techspec defines it (a revision
    stored before the definition changed holds an older one)."""


def _load(connection: Connection, ref: str) -> _Current:
    spec = revisions.resolve(connection, ref, lock=True)
    revision = revisions.revision_row(connection, spec)
    template = revisions.template_of(connection, spec)
    return _Current(connection, spec, revision, template, content_hash(revision.text, template))


def _require(current: _Current, status: str, doing: str) -> None:
    if not same(current.revision.status, status):
        raise InvalidTransition(
            f"spec '{current.spec.slug}' is {current.revision.status or 'without a Status'}: "
            f"only a spec in {status} can be {doing}"
        )


def submit(
    store: Store, ref: str, actor: User, comment: str = "", *, due: date | None = None
) -> Outcome:
    """Draft -> Review, when the document has no errors at Review; in the same
    transaction, reviews are requested (due by ``due``) from the users the Reviewers
    field names and the holders of the sign-off roles none of them holds, and a name
    that matches no user is reported in the outcome's notes."""
    message = f"Submitted for review by {actor.name}"

    def ask(current: _Current, number: int) -> list[str]:
        field = parse(current.revision.text).field("Reviewers")
        authors = revisions.authors(current.connection, current.spec.id)
        authors |= set(users_named(current.connection, names_in(current.spec.author)).values())
        asked = review_asks.request_reviews(
            current.connection,
            spec_id=current.spec.id,
            revision=number,
            reviewers_field=field.value if field is not None else None,
            roles=signoff_roles(current.template),
            authors=authors,
            requested_by=actor.name,
            due=due,
        )
        return asked.notes()

    return _gated_step(store, ref, actor, comment, 0, "submitted for review", message, ask)


def implement(store: Store, ref: str, actor: User, comment: str = "") -> Outcome:
    """Approved -> Implemented, when every success criterion and task is checked."""
    message = f"Implemented, confirmed by {actor.name}"
    return _gated_step(store, ref, actor, comment, 2, "marked implemented", message)


def _gated_step(
    store: Store,
    ref: str,
    actor: User,
    comment: str,
    source: int,
    doing: str,
    message: str,
    then: Callable[[_Current, int], list[str]] | None = None,
) -> Outcome:
    """Move from lifecycle state ``source`` to the next one when the document meets the
    next state's gates; the Status line is written back as a new revision.  ``then``
    runs in the same transaction with the new revision's number; its notes are added."""
    with store.write() as connection:
        current = _load(connection, ref)
        states = lifecycle(current.template)
        origin, target = states[source], states[source + 1]
        _require(current, origin, doing)
        unmet = gates(current.revision.text, target, current.template)
        if unmet:
            raise GateRefused(target, unmet, path=current.spec.slug)
        text = set_status(current.revision.text, target, template=current.template)
        outcome = _write(current, actor, text, message, origin, target, comment)
        if then is not None:
            outcome.notes += then(current, outcome.revision)
        if source == 0:  # now in Review: say whose sign-off it waits for
            outcome.pending_roles = _pending(current)
        return outcome


def _pending(current: _Current) -> list[str]:
    """The sign-off roles without a current approval of the spec's content."""
    granted = set(approvals.approved_roles(current.connection, current.spec.id, current.content))
    return [name for name in signoff_roles(current.template) if name.casefold() not in granted]


def check(store: Store, ref: str, target: str) -> list[Gate]:
    """The unmet gates for moving ``ref`` to ``target`` now (nothing is written)."""
    with store.read() as connection:
        spec = revisions.resolve(connection, ref)
        revision = revisions.revision_row(connection, spec)
        template = revisions.template_of(connection, spec)
        approved = set(approvals.approved_roles(connection, spec.id, revision.content_hash))
        blocking = threads.blocking_gates(connection, spec.id)
    if same(target, lifecycle(template)[2]):
        return approval_gates(revision.text, template, approved)[1] + blocking
    return gates(revision.text, target, template)


def approve(
    store: Store, ref: str, actor: User, role: str, comment: str = "", *, seen: Seen
) -> Outcome:
    """Record ``actor``'s approval for ``role`` on the content of the revision they
    ``seen`` (refused when it is no longer current) and sign the row; when every role
    has approved and the gates are met, the spec becomes Approved."""
    with store.write() as connection:
        current = _load(connection, ref)
        check_seen(connection, current.spec, current.revision, seen)
        _draft, review, approved, _done = lifecycle(current.template)
        _require(current, review, "approved")
        role = _role(current.template, role)
        _may_decide(current, actor, role, approving=True)
        content = current.content
        latest = approvals.latest_by_role(connection, current.spec.id, content)
        mine = latest.get(role.casefold())
        changes = f"Approved as {role} by {actor.name}"
        if mine is not None and mine.decision == "approve" and mine.reviewer_id == actor.id:
            return _approved_again(current, actor, role, changes, comment)
        _record_decision(connection, current, actor, role, "approve", content, comment)
        today = date.today()
        cell = store.signer().cell(current.spec.slug, role, actor.name, today, content)
        text = sign(current.revision.text, role, actor.name, today, cell, template=current.template)
        granted = set(approvals.approved_roles(connection, current.spec.id, content))
        candidate, unmet = approval_gates(text, current.template, granted)
        unmet += threads.blocking_gates(connection, current.spec.id)
        if unmet:
            outcome = _write(current, actor, text, changes, review, review, comment)
            outcome.pending_roles = _pending(current)
            outcome.gates = [g for g in unmet if g.rule != "approval"]
            return outcome
        return _write(
            current,
            actor,
            candidate,
            f"{changes}; all sign-offs complete",
            review,
            approved,
            comment,
        )


def _approved_again(
    current: _Current, actor: User, role: str, changes: str, comment: str
) -> Outcome:
    """An approval already given on this content: nothing to record, but when every role's
    approval is current again (the text came back to content they approved) and the
    gates are met, the spec becomes Approved."""
    granted = set(approvals.approved_roles(current.connection, current.spec.id, current.content))
    candidate, unmet = approval_gates(current.revision.text, current.template, granted)
    unmet += threads.blocking_gates(current.connection, current.spec.id)
    if unmet:
        return Outcome(
            current.spec.slug,
            current.revision.status,
            current.spec.current_revision,
            False,
            [f"{actor.name} already approved this content as {role}"],
        )
    _draft, review, approved, _done = lifecycle(current.template)
    changes = f"{changes}; all sign-offs complete"
    return _write(current, actor, candidate, changes, review, approved, comment)


def _record_decision(
    connection: Connection,
    current: _Current,
    actor: User,
    role: str,
    decision: Literal["approve", "request-changes"],
    content: str,
    comment: str,
) -> None:
    """Store a reviewer's decision on ``content`` and its audit event, in one transaction."""
    approvals.insert(
        connection,
        spec_id=current.spec.id,
        revision_id=current.revision.id,
        content_hash=content,
        role=role,
        reviewer_id=actor.id,
        decision=decision,
        comment=comment,
    )
    audit.record(
        connection,
        actor=actor.name,
        action=f"approval.{decision}",
        spec_id=current.spec.id,
        revision=current.spec.current_revision,
        details={"role": role, "content_hash": content, "comment": comment},
    )
    if comment.strip():
        said = "Approved" if decision == "approve" else "Changes requested"
        threads.open_in(
            connection,
            current.spec,
            current.revision.number,
            current.revision.text,
            actor,
            section=_signoff_section(current.revision.text, role),
            body=thread_text.clean_body(f"{said} as {role}: {comment.strip()}", "comment"),
            kind="comment" if decision == "approve" else "blocking",
        )


def _signoff_section(text: str, role: str) -> str:
    """The path of the section whose table holds ``role``'s sign-off row (where a
    decision's comment is anchored), else the first section's."""
    spec = parse(text)
    first = None
    for section in spec.walk():
        first = first or section.path
        for table in section.tables:
            if any(row and row[0].text.casefold() == role.casefold() for row in table.rows):
                return section.path
    return first or ""


def request_changes(
    store: Store, ref: str, actor: User, role: str, comment: str = "", *, seen: Seen
) -> Outcome:
    """Review -> Draft: ``actor`` asks for changes for ``role`` on the content of the
    revision they ``seen``; its sign-off is cleared."""
    with store.write() as connection:
        current = _load(connection, ref)
        check_seen(connection, current.spec, current.revision, seen)
        draft, review, _approved, _done = lifecycle(current.template)
        _require(current, review, "sent back with changes requested")
        role = _role(current.template, role)
        _may_decide(current, actor, role, approving=False)
        _record_decision(
            connection,
            current,
            actor,
            role,
            "request-changes",
            current.content,
            comment,
        )
        text = unsign(current.revision.text, role, template=current.template)
        text = set_status(text, draft, template=current.template)
        reason = f": {comment}" if comment else ""
        return _write(
            current,
            actor,
            text,
            f"Changes requested as {role} by {actor.name}{reason}",
            review,
            draft,
            comment,
        )


def _role(template: Template, role: str) -> str:
    roles = signoff_roles(template)
    for known in roles:
        if known.casefold() == role.strip().casefold():
            return known
    raise UsageError(f"unknown role '{role}' (sign-off roles: {', '.join(roles)})")


def _may_decide(current: _Current, actor: User, role: str, *, approving: bool) -> None:
    """Only a holder of ``role`` decides for it, and nobody approves what they authored."""
    if not actor.has_role(role):
        raise Forbidden(f"{actor.name} does not hold the role '{role}'")
    why = authorship(current.connection, current.spec, actor) if approving else None
    if why is not None:
        raise Forbidden(f"{actor.name} {why} and may not approve it")


def authorship(connection: Connection, spec: SpecRecord, user: User) -> str | None:
    """Why ``user`` is an author of ``spec`` (who may not approve it), or None: they saved
    a content revision, or its Author field names them."""
    if user.id in revisions.authors(connection, spec.id):
        return f"wrote spec '{spec.slug}'"
    if user.name.casefold() in named_authors(spec.author):
        return f"is named in the Author field of spec '{spec.slug}'"
    return None


def _write(
    current: _Current,
    actor: User,
    text: str,
    changes: str,
    before: str,
    after: str,
    comment: str,
) -> Outcome:
    """Store a write-back revision (with a history row) and audit a status change."""
    text = add_workflow_row(text, current.template, actor.name, changes)
    found = facts(text, current.template)
    if found.content_hash != current.content:
        raise StoreError(
            f"the write-back to spec '{current.spec.slug}' changed its content hash; "
            "refusing to store it (the approvals would go stale)"
        )
    number = revisions.append(
        current.connection,
        current.spec,
        current.spec.current_revision,
        text,
        found,
        actor,
        changes,
        "workflow",
    )
    if not same(before, after):
        audit.record(
            current.connection,
            actor=actor.name,
            action="status.changed",
            spec_id=current.spec.id,
            revision=number,
            details={"from": before, "to": after, "comment": comment},
        )
    return Outcome(current.spec.slug, found.status, number, True, [changes])


def approved_text(store: Store, ref: str, actor: User) -> tuple[Revision, Revision]:
    """The revision ``actor`` last approved and the current one (for a diff)."""
    with store.read() as connection:
        spec = revisions.resolve(connection, ref)
        mine = approvals.last_approval_by(connection, spec.id, actor.id)
        if mine is None:
            raise UsageError(f"{actor.name} has not approved spec '{spec.slug}'")
        return (
            revisions.revision_row(connection, spec, mine.revision),
            revisions.revision_row(connection, spec),
        )
