"""The spec page's discussion forms: open a thread, reply, resolve, reopen, apply a
suggestion.  Each posts to :mod:`techspec.service.threads` and goes back to the spec
page at the thread; a refusal is the error page saying why, as for every other form."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from techspec.service import threads
from techspec.service.specs import current
from techspec.store.thread_text import MAX_BODY, MAX_QUOTE, MAX_SECTION, MAX_SUGGESTION
from techspec.web.context import Poster, Visit
from techspec.web.pages import redirect
from techspec.web.routing import router as web_router

router = web_router()
Text = Annotated[str, Form(max_length=MAX_BODY + 1000)]
"""Longer than the limit, so that the service's own message names the field."""
Section = Annotated[str, Form(max_length=MAX_SECTION + 1)]
Quote = Annotated[str, Form(max_length=MAX_QUOTE + 1)]
Suggestion = Annotated[str, Form(max_length=MAX_SUGGESTION + 1)]
Kind = Annotated[str, Form(max_length=20)]
Number = Annotated[int, Form(ge=1, le=2**31 - 1)]


@router.post("/specs/{slug}/threads")
async def open_thread(
    request: Request,
    slug: str,
    visit: Poster,
    section: Section,
    body: Text,
    quote: Quote = "",
    kind: Kind = "comment",
    suggestion: Suggestion = "",
) -> Response:
    posted = await run_in_threadpool(
        lambda: threads.open_thread(
            visit.store,
            visit.require_user(),
            slug,
            section=section,
            body=body,
            quote=quote or None,
            kind=kind,
            suggestion=suggestion if kind == "suggestion" else None,
        )
    )
    message = f"Thread #{posted.thread.id} opened."
    if posted.unknown:
        message += f" No user is called {', '.join(posted.unknown)}: not mentioned."
    return _back(request, visit, slug, posted.thread.id, message)


@router.post("/threads/{thread_id}/comments")
async def reply(request: Request, thread_id: int, visit: Poster, body: Text) -> Response:
    posted = await run_in_threadpool(
        threads.comment, visit.store, visit.require_user(), thread_id, body
    )
    message = "Reply added."
    if posted.unknown:
        message += f" No user is called {', '.join(posted.unknown)}: not mentioned."
    return await _back_to_thread(request, visit, thread_id, message)


@router.post("/threads/{thread_id}/resolve")
async def resolve(request: Request, thread_id: int, visit: Poster) -> Response:
    await run_in_threadpool(threads.resolve, visit.store, visit.require_user(), thread_id)
    return await _back_to_thread(request, visit, thread_id, f"Thread #{thread_id} resolved.")


@router.post("/threads/{thread_id}/reopen")
async def reopen(request: Request, thread_id: int, visit: Poster) -> Response:
    await run_in_threadpool(threads.reopen, visit.store, visit.require_user(), thread_id)
    return await _back_to_thread(request, visit, thread_id, f"Thread #{thread_id} reopened.")


@router.post("/threads/{thread_id}/apply")
async def apply(request: Request, thread_id: int, visit: Poster, revision: Number) -> Response:
    saved, _thread = await run_in_threadpool(
        lambda: threads.apply(visit.store, visit.require_user(), thread_id, base=revision)
    )
    message = f"Suggestion #{thread_id} applied as revision {saved.revision}."
    if saved.note:
        message += f" {saved.note}"
    return _back(request, visit, saved.spec.slug, thread_id, message)


async def _back_to_thread(request: Request, visit: Visit, thread_id: int, message: str) -> Response:
    def slug() -> str:
        found = threads.thread(visit.store, visit.require_user(), thread_id)
        return current(visit.store, f"#{found.spec_id}").spec.slug

    return _back(request, visit, await run_in_threadpool(slug), thread_id, message)


def _back(request: Request, visit: Visit, slug: str, thread_id: int, message: str) -> Response:
    url = f"/specs/{quote(slug, safe='')}#thread-{thread_id}"
    return redirect(request, visit, url, message)
