"""``/api/v1/specs/{ref}/threads`` and ``/api/v1/threads/{id}``: review threads.

A thread's JSON carries the text as written (JSON escapes nothing for HTML: a client
that shows it renders it as text or through a sanitizer, as the web UI does).  Bad input
is a 422 problem naming the field; a stale suggestion, a resolved thread or a revision
that is no longer current a 409.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from techspec.api import bodies
from techspec.api.auth import CurrentUser
from techspec.api.context import ApiContext, api_context
from techspec.api.schemas import Body
from techspec.service import specs as ops
from techspec.service import threads as service
from techspec.store.thread_text import MAX_BODY, MAX_QUOTE, MAX_SECTION, MAX_SUGGESTION

router = APIRouter(prefix="/api/v1", tags=["threads"])
Api = Annotated[ApiContext, Depends(api_context)]
ThreadId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class ThreadIn(Body):
    section: str = Field(description="The section's path, e.g. 'Technical Design/API Design'.")
    quote: str | None = Field(None, description="Exact text inside the section.")
    body: str = Field(description="Markdown; @name mentions a user.")
    kind: Literal["comment", "suggestion", "blocking"] = "comment"
    suggestion: str | None = Field(None, description="Replacement text for the quote.")


class CommentIn(Body):
    body: str = Field(description="Markdown; @name mentions a user.")


class ApplyIn(Body):
    revision: int | None = Field(
        None, ge=1, le=2**31 - 1, description="The revision you read (default: current)."
    )


class CommentOut(BaseModel):
    id: int
    author: str
    body: str
    created_at: str


class ThreadOut(BaseModel):
    id: int
    spec_id: int
    revision: int
    section: str
    quote: str | None
    kind: str
    suggestion: str | None
    status: str
    outdated: bool
    outdated_revision: int | None
    anchored_revision: int | None
    anchored_text: str | None
    diff: str | None = Field(None, description="The section's diff since anchored_text.")
    author: str
    created_at: str
    resolved_by: str | None
    resolved_at: str | None
    applied_revision: int | None
    comments: list[CommentOut]
    mentions: list[str] | None = None
    unknown_mentions: list[str] | None = None


class AppliedOut(BaseModel):
    slug: str
    revision: int
    note: str
    thread: ThreadOut


_LIMITS = (
    f"Limits: section {MAX_SECTION}, quote {MAX_QUOTE}, body {MAX_BODY}, "
    f"suggestion {MAX_SUGGESTION} characters."
)


@router.post(
    "/specs/{ref}/threads",
    status_code=201,
    response_model=ThreadOut,
    responses=bodies.problems(400, 404, 415),
    openapi_extra=bodies.request_body(ThreadIn, markdown_too=False),
    summary="Open a thread on the current revision: a comment, a suggestion or a blocking concern",
    description=_LIMITS,
)
async def post_thread(ref: str, request: Request, user: CurrentUser, api: Api) -> Any:
    body = bodies.validate(ThreadIn, await bodies.json_object(request))
    posted = await run_in_threadpool(
        lambda: service.open_thread(
            api.store,
            user,
            ops.ref(ref),
            section=body.section,
            body=body.body,
            quote=body.quote,
            kind=body.kind,
            suggestion=body.suggestion,
        )
    )
    api.wake.set()
    return service.as_dict(posted.thread, None, posted.mentions, posted.unknown)


@router.get("/specs/{ref}/threads", response_model=list[ThreadOut], responses=bodies.problems(404))
def list_threads(
    ref: str,
    user: CurrentUser,
    api: Api,
    status: Annotated[Literal["open", "resolved"] | None, Query()] = None,
) -> list[dict[str, Any]]:
    """The spec's threads, oldest first; an outdated one with the section's diff since
    the text it was made on."""
    found = service.threads_of(api.store, user, ops.ref(ref), status)
    diffs = service.diffs(api.store, user, found)
    return [service.as_dict(t, diffs.get(t.id)) for t in found]


@router.get("/threads/{thread_id}", response_model=ThreadOut, responses=bodies.problems(404))
def get_thread(thread_id: ThreadId, user: CurrentUser, api: Api) -> dict[str, Any]:
    found = service.thread(api.store, user, thread_id)
    return service.as_dict(found, service.diffs(api.store, user, [found]).get(found.id))


@router.post(
    "/threads/{thread_id}/comments",
    status_code=201,
    response_model=ThreadOut,
    responses=bodies.problems(400, 404, 415),
    openapi_extra=bodies.request_body(CommentIn, markdown_too=False),
    summary="Reply on a thread",
)
async def post_comment(thread_id: ThreadId, request: Request, user: CurrentUser, api: Api) -> Any:
    body = bodies.validate(CommentIn, await bodies.json_object(request))
    posted = await run_in_threadpool(service.comment, api.store, user, thread_id, body.body)
    api.wake.set()
    return service.as_dict(posted.thread, None, posted.mentions, posted.unknown)


@router.post(
    "/threads/{thread_id}/resolve",
    response_model=ThreadOut,
    responses=bodies.problems(404),
    summary="Resolve a thread (its author or the spec's owner)",
)
async def resolve(thread_id: ThreadId, user: CurrentUser, api: Api) -> Any:
    found = await run_in_threadpool(service.resolve, api.store, user, thread_id)
    api.wake.set()
    return service.as_dict(found)


@router.post(
    "/threads/{thread_id}/reopen",
    response_model=ThreadOut,
    responses=bodies.problems(404),
    summary="Reopen a thread (its author or the spec's owner)",
)
async def reopen(thread_id: ThreadId, user: CurrentUser, api: Api) -> Any:
    found = await run_in_threadpool(service.reopen, api.store, user, thread_id)
    api.wake.set()
    return service.as_dict(found)


@router.post(
    "/threads/{thread_id}/apply",
    response_model=AppliedOut,
    responses=bodies.problems(400, 404, 409, 415),
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": ApplyIn.model_json_schema()}},
        }
    },
    summary="Apply a suggestion as a new revision (the spec's owner); 409 when its quote "
    "is gone or the revision named is no longer current",
)
async def apply(thread_id: ThreadId, request: Request, user: CurrentUser, api: Api) -> Any:
    raw = await request.body()
    base = None
    if raw.strip():
        base = bodies.validate(ApplyIn, await bodies.json_object(request)).revision
    saved, found = await run_in_threadpool(
        lambda: service.apply(api.store, user, thread_id, base=base)
    )
    api.wake.set()
    return {
        "slug": saved.spec.slug,
        "revision": saved.revision,
        "note": saved.note,
        "thread": service.as_dict(found),
    }
