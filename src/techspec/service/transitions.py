"""``POST /specs/{ref}/transitions {"to": ...}`` as workflow steps.

The lifecycle is the template's Status enumeration.  Two steps are asked for directly:
Draft -> Review (submit) and Approved -> Implemented (implement), each by the spec's
owner or an admin.  Review -> Approved happens when the last sign-off role approves; a
request for it answers 409 with every unmet gate (the missing approvals first).  Review
-> Draft is a reviewer's change request (``POST .../approvals``).
"""

from __future__ import annotations

from techspec.service.permissions import require_owner
from techspec.service.specs import template
from techspec.store import revisions, workflow
from techspec.store.engine import Store
from techspec.store.errors import GateRefused, InvalidTransition
from techspec.store.users import User
from techspec.store.workflow import Outcome


def transition(store: Store, ref: str, actor: User, to: str, comment: str = "") -> Outcome:
    spec = revisions.get_spec(store, ref)
    draft, review, approved, done = workflow.lifecycle(template(store, spec))
    target = _known(to, (draft, review, approved, done))
    status = (spec.status or "").casefold()
    if status == draft.casefold() and target == review:
        require_owner(store, actor, spec, "submit")
        return workflow.submit(store, ref, actor, comment)
    if status == approved.casefold() and target == done:
        require_owner(store, actor, spec, "mark implemented")
        return workflow.implement(store, ref, actor, comment)
    if status == review.casefold() and target == approved:
        unmet = workflow.check(store, ref, approved)
        if unmet:
            raise GateRefused(approved, unmet, path=spec.slug)
        raise InvalidTransition(
            f"spec '{spec.slug}' meets every gate for {approved}: the next approval moves it"
        )
    if status == review.casefold() and target == draft:
        raise InvalidTransition(
            f"a spec goes back to {draft} when a reviewer requests changes: POST "
            f"/api/v1/specs/{spec.id}/approvals with decision request_changes"
        )
    raise InvalidTransition(
        f"spec '{spec.slug}' is {spec.status or 'without a Status'}: there is no step to "
        f"{target} (steps: {draft} -> {review}, {review} -> {approved} by approvals, "
        f"{approved} -> {done})"
    )


def _known(to: str, lifecycle: tuple[str, ...]) -> str:
    for status in lifecycle:
        if status.casefold() == to.strip().casefold():
            return status
    raise InvalidTransition(f"unknown status '{to}' (the lifecycle is {', '.join(lifecycle)})")
