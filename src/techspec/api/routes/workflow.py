"""``/api/v1/specs/{ref}/transitions`` and ``/approvals``: the gated workflow."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from techspec.api import bodies
from techspec.api.auth import CurrentUser
from techspec.api.context import ApiContext, api_context
from techspec.api.representations import approval, outcome
from techspec.api.schemas import ApprovalIn, ApprovalOut, OutcomeOut, TransitionIn
from techspec.service import specs as ops
from techspec.service.permissions import require_reader
from techspec.service.transitions import transition
from techspec.store import approvals, workflow
from techspec.store.errors import Forbidden
from techspec.store.users import User
from techspec.store.workflow import Outcome

router = APIRouter(prefix="/api/v1", tags=["workflow"])
Api = Annotated[ApiContext, Depends(api_context)]


@router.post(
    "/specs/{ref}/transitions",
    response_model=OutcomeOut,
    responses=bodies.problems(400, 404, 409, 415),
    openapi_extra=bodies.request_body(TransitionIn, markdown_too=False),
    summary="Move the spec to another status; 409 lists every unmet gate",
)
async def post_transition(ref: str, request: Request, user: CurrentUser, api: Api) -> Any:
    require_reader(user)
    body = bodies.validate(TransitionIn, await bodies.json_object(request))
    found = await run_in_threadpool(
        transition, api.store, ops.ref(ref), user, body.to, body.comment
    )
    api.wake.set()
    return outcome(found)


@router.post(
    "/specs/{ref}/approvals",
    response_model=OutcomeOut,
    responses=bodies.problems(400, 404, 409, 415),
    openapi_extra=bodies.request_body(ApprovalIn, markdown_too=False),
    summary="Approve the current content for a sign-off role, or request changes",
)
async def post_approval(ref: str, request: Request, user: CurrentUser, api: Api) -> Any:
    require_reader(user)
    body = bodies.validate(ApprovalIn, await bodies.json_object(request))
    found = await run_in_threadpool(_decide, api, ops.ref(ref), user, body)
    api.wake.set()
    return outcome(found)


def _decide(api: ApiContext, reference: str, user: User, body: ApprovalIn) -> Outcome:
    spec = ops.current(api.store, reference).spec  # a deleted spec is 404 for everyone
    if not user.has_role(body.role):
        raise Forbidden(f"{user.name} does not hold the role '{body.role.strip()}'")
    decide = workflow.approve if body.decision == "approve" else workflow.request_changes
    return decide(api.store, f"#{spec.id}", user, body.role, body.comment)


@router.get(
    "/specs/{ref}/approvals",
    response_model=list[ApprovalOut],
    responses=bodies.problems(404),
)
def list_approvals(ref: str, user: CurrentUser, api: Api) -> list[dict[str, Any]]:
    """Every decision, oldest first, each marked current or stale (as ``techspec
    approvals SPEC --format json``)."""
    require_reader(user)
    spec = ops.current(api.store, ops.ref(ref)).spec
    return [approval(a) for a in approvals.for_spec(api.store, spec.id, spec.content_hash)]
