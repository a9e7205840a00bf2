"""``/api/v1/specs/{ref}/transitions`` and ``/approvals``: the gated workflow."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from starlette.concurrency import run_in_threadpool

from techspec.api import bodies, conditional
from techspec.api.auth import CurrentUser
from techspec.api.context import ApiContext, api_context
from techspec.api.representations import approval, outcome
from techspec.api.schemas import ApprovalIn, ApprovalOut, OutcomeOut, TransitionIn
from techspec.service import specs as ops
from techspec.service import workflow
from techspec.store.seen import Seen

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
    body = bodies.validate(TransitionIn, await bodies.json_object(request))
    transition = partial(workflow.transition, due=body.due)
    found = await run_in_threadpool(
        transition, api.store, user, ops.ref(ref), body.to, body.comment
    )
    api.wake.set()
    return outcome(found)


@router.post(
    "/specs/{ref}/approvals",
    response_model=OutcomeOut,
    responses=bodies.problems(400, 404, 409, 412, 415, 428),
    openapi_extra=bodies.request_body(ApprovalIn, markdown_too=False),
    summary="Approve the revision you read (If-Match: its ETag) for a sign-off role, or "
    "request changes; 412 with the current ETag when the content changed since",
)
async def post_approval(
    ref: str,
    request: Request,
    user: CurrentUser,
    api: Api,
    if_match: Annotated[str | None, Header()] = None,
) -> Any:
    seen = Seen(sha256s=tuple(conditional.required_match(if_match)))
    body = bodies.validate(ApprovalIn, await bodies.json_object(request))
    decide = partial(workflow.decide, seen=seen)
    found = await run_in_threadpool(
        decide, api.store, user, ops.ref(ref), body.decision, body.role, body.comment
    )
    api.wake.set()
    return outcome(found)


@router.get(
    "/specs/{ref}/approvals",
    response_model=list[ApprovalOut],
    responses=bodies.problems(404),
)
def list_approvals(ref: str, user: CurrentUser, api: Api) -> list[dict[str, Any]]:
    """Every decision, oldest first, each marked current or stale (as ``techspec
    approvals SPEC --format json``)."""
    return [approval(a) for a in workflow.approvals_of(api.store, user, ops.ref(ref))]
