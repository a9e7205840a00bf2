"""Review requests (who owes which review since when) and users' mail profiles."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from techspec.api import bodies
from techspec.api.auth import CurrentUser
from techspec.api.context import ApiContext, api_context
from techspec.api.inbox_representations import profile_json, request_json
from techspec.api.inbox_schemas import ProfileIn, ProfileOut, ReviewRequestsOut
from techspec.service import profiles, reviews
from techspec.service import specs as ops

router = APIRouter(prefix="/api/v1", tags=["reviews"])
Api = Annotated[ApiContext, Depends(api_context)]


@router.get(
    "/specs/{ref}/review-requests", response_model=ReviewRequestsOut, responses=bodies.problems(404)
)
def spec_requests(ref: str, user: CurrentUser, api: Api) -> dict[str, Any]:
    """Who was asked to review the spec, since when, and whether they did (open first)."""
    found = reviews.requests_for(api.store, user, ops.ref(ref))
    return {"items": [request_json(r) for r in found], "total": len(found)}


@router.get("/review-requests", response_model=ReviewRequestsOut, responses=bodies.problems(404))
def outstanding(
    user: CurrentUser,
    api: Api,
    reviewer: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict[str, Any]:
    """Every open review request on a live spec, the oldest first."""
    found, total = reviews.outstanding(api.store, user, limit=limit, reviewer=reviewer)
    return {"items": [request_json(r) for r in found], "total": total}


@router.get("/users/{name}/profile", response_model=ProfileOut, responses=bodies.problems(404))
def get_profile(name: str, user: CurrentUser, api: Api) -> dict[str, Any]:
    """A user's address, display name and mail preference (your own, or anyone's as admin)."""
    return profile_json(profiles.get_profile(api.store, user, name))


@router.patch(
    "/users/{name}/profile",
    response_model=ProfileOut,
    responses=bodies.problems(400, 404, 415),
    openapi_extra=bodies.request_body(ProfileIn, markdown_too=False),
)
async def patch_profile(name: str, request: Request, user: CurrentUser, api: Api) -> Any:
    """Change the fields given; an empty or null ``email`` or ``display_name`` clears it."""
    data = await bodies.json_object(request)
    body = bodies.validate(ProfileIn, data)
    changes: dict[str, Any] = {}
    for field in ("email", "display_name"):
        if field in data:
            changes[field] = getattr(body, field) or None
    found = await run_in_threadpool(
        lambda: profiles.set_profile(api.store, user, name, mail=body.mail, **changes)
    )
    return profile_json(found)
