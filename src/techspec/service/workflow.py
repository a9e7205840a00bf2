"""Workflow operations: submit, approve, request changes, implement, and the generic
``transition`` the REST API exposes.

The lifecycle is the template's Status enumeration.  Two steps are asked for directly:
Draft -> Review (submit) and Approved -> Implemented (implement), each by the spec's
owner or an admin.  Review -> Approved happens when the last sign-off role approves;
asking for it answers every unmet gate (the missing approvals first).  Review -> Draft
is a reviewer's change request.  The store checks the gates, that a reviewer holds the
role and did not write the spec, and writes each step back into the document.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from techspec.authoring.content_diff import content_changes
from techspec.authoring.diff import SpecDiff
from techspec.authoring.writeback import signoff_roles
from techspec.errors import InputError, UsageError
from techspec.service.permissions import Actor, Console, require_owner, require_reader
from techspec.service.specs import current, template
from techspec.store import approvals, workflow
from techspec.store.approvals import Approval
from techspec.store.engine import Store
from techspec.store.errors import Forbidden, GateRefused, InvalidTransition
from techspec.store.records import Revision
from techspec.store.seen import Seen
from techspec.store.users import User
from techspec.store.workflow import Outcome

Decision = Literal["approve", "request_changes"]


def submit(
    store: Store,
    actor: Actor,
    reference: str,
    comment: str = "",
    *,
    override: bool = False,
    due: date | None = None,
) -> Outcome:
    """Draft -> Review, when the spec lints without errors at Review; reviews are
    requested (due by ``due``) and names that match no user are in the notes."""
    require_reader(actor)
    spec = current(store, reference).spec
    require_owner(store, actor, spec, "submit", override=override)
    return workflow.submit(store, f"#{spec.id}", _user(actor, "submit"), comment, due=due)


def implement(
    store: Store, actor: Actor, reference: str, comment: str = "", *, override: bool = False
) -> Outcome:
    """Approved -> Implemented, when every success criterion and task is checked."""
    require_reader(actor)
    spec = current(store, reference).spec
    require_owner(store, actor, spec, "mark implemented", override=override)
    return workflow.implement(store, f"#{spec.id}", _user(actor, "mark implemented"), comment)


def transition(
    store: Store,
    actor: Actor,
    reference: str,
    to: str,
    comment: str = "",
    *,
    due: date | None = None,
) -> Outcome:
    """Move the spec to the status ``to``: a submit (with reviews due by ``due``) or an
    implement; any other target is refused with the reason (and, for Approved, every
    unmet gate)."""
    require_reader(actor)
    spec = current(store, reference).spec
    draft, review, approved, done = workflow.lifecycle(template(store, spec))
    target = _known(to, (draft, review, approved, done))
    status = (spec.status or "").casefold()
    if status == draft.casefold() and target == review:
        return submit(store, actor, f"#{spec.id}", comment, due=due)
    if status == approved.casefold() and target == done:
        return implement(store, actor, f"#{spec.id}", comment)
    if status == review.casefold() and target == approved:
        unmet = workflow.check(store, f"#{spec.id}", approved)
        if unmet:
            raise GateRefused(approved, unmet, path=spec.slug)
        raise InvalidTransition(
            f"spec '{spec.slug}' meets every gate for {approved}: the next approval moves it"
        )
    if status == review.casefold() and target == draft:
        raise InvalidTransition(
            f"a spec goes back to {draft} when a reviewer requests changes "
            f"(decision request_changes on spec {spec.id}'s approvals)"
        )
    raise InvalidTransition(
        f"spec '{spec.slug}' is {spec.status or 'without a Status'}: there is no step to "
        f"{target} (steps: {draft} -> {review}, {review} -> {approved} by approvals, "
        f"{approved} -> {done})"
    )


def decide(
    store: Store,
    actor: Actor,
    reference: str,
    decision: Decision,
    role: str | None = None,
    comment: str = "",
    *,
    seen: Seen,
) -> Outcome:
    """Approve the content of the revision the actor ``seen`` for ``role``, or request
    changes on it; refused (:class:`ChangedSinceSeen`) when the content changed since.
    Without a role, the one sign-off role the actor holds."""
    require_reader(actor)
    spec = current(store, reference).spec  # a deleted spec is unknown to everyone
    user = _user(actor, "approve or request changes")
    chosen = decision_role(store, user, f"#{spec.id}", role)
    if not user.has_role(chosen):
        raise Forbidden(f"{user.name} does not hold the role '{chosen.strip()}'")
    step = workflow.approve if decision == "approve" else workflow.request_changes
    return step(store, f"#{spec.id}", user, chosen, comment, seen=seen)


def decision_role(store: Store, user: User, reference: str, role: str | None) -> str:
    """``role`` as given, or else the only sign-off role of the spec's template that
    ``user`` holds."""
    roles = signoff_roles(template(store, current(store, reference).spec))
    if role and role.strip():
        if not any(known.casefold() == role.strip().casefold() for known in roles):
            raise InputError(
                f"'{role.strip()}' is not a sign-off role of this spec "
                f"(its sign-off roles: {', '.join(roles)})"
            )
        return role
    held = [r for r in roles if user.has_role(r)]
    if len(held) != 1:
        raise UsageError(f"give the role: {user.name} holds {len(held)} sign-off roles")
    return held[0]


def approvals_of(store: Store, actor: Actor, reference: str) -> list[Approval]:
    """Every decision on the spec, oldest first, each marked current or stale."""
    require_reader(actor)
    spec = current(store, reference).spec
    return approvals.for_spec(store, spec.id, spec.content_hash)


def since_my_approval(store: Store, actor: Actor, reference: str) -> tuple[Revision, Revision]:
    """The revision the actor last approved and the current one (for a diff)."""
    require_reader(actor)
    return workflow.approved_text(store, reference, _user(actor, "diff since their approval"))


def changes_since_my_approval(
    store: Store, actor: Actor, reference: str
) -> tuple[Revision, Revision, SpecDiff]:
    """The revision the actor last approved, the current one, and the content changes
    between them, without the workflow's own writing (the diff the web shows beside a
    stale approval: :func:`techspec.authoring.content_diff.content_changes`)."""
    old, new = since_my_approval(store, actor, reference)
    spec = current(store, reference).spec
    return old, new, content_changes(old.text, new.text, template(store, spec))


def _user(actor: Actor, doing: str) -> User:
    """Workflow steps are signed by a person: the console must name one with ``--as``."""
    if isinstance(actor, Console):
        raise UsageError(f"name the user who is to {doing} (--as USER)")
    return actor


def _known(to: str, lifecycle: tuple[str, ...]) -> str:
    for status in lifecycle:
        if status.casefold() == to.strip().casefold():
            return status
    raise InvalidTransition(f"unknown status '{to}' (the lifecycle is {', '.join(lifecycle)})")
