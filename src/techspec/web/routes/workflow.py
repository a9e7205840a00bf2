"""The workflow buttons of the spec page: submit, approve, request changes, implement.

A step whose gates are not met answers the spec page again (409) with every unmet gate
listed; other refusals (a role the user lacks, a step the status does not allow) are
error pages that say why.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from techspec.errors import UsageError
from techspec.service import workflow
from techspec.store.errors import ChangedSinceSeen, GateRefused
from techspec.store.seen import Seen
from techspec.store.workflow import Outcome
from techspec.web.context import Poster, Reader, Visit
from techspec.web.pages import redirect
from techspec.web.routes.spec import spec_page
from techspec.web.routing import router as web_router

router = web_router()
Comment = Annotated[str, Form(max_length=2000)]
Role = Annotated[str, Form(min_length=1, max_length=200)]
Number = Annotated[int, Form(ge=1, le=2**31 - 1)]
"""The revision the person read, from the form on the page they had open."""
Runner = Callable[[], Outcome]


def step_address(request: Request, slug: str, visit: Reader) -> Response:
    """A step's address opened as a page (a reload, a copied link): the spec page."""
    return redirect(request, visit, f"/specs/{quote(slug, safe='')}")


for _step_name in ("submit", "implement", "approve", "request-changes"):
    router.add_api_route(f"/specs/{{slug}}/{_step_name}", step_address, methods=["GET"])


@router.post("/specs/{slug}/submit")
async def submit(
    request: Request,
    slug: str,
    visit: Poster,
    comment: Comment = "",
    due: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    day = _date(due)
    return await _run(
        request,
        visit,
        slug,
        lambda: workflow.submit(visit.store, visit.require_user(), slug, comment.strip(), due=day),
    )


def _date(value: str) -> date | None:
    """The form's due date (``YYYY-MM-DD``, as a date input sends it), or None if empty."""
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"due: {value[:20]!r} is not a date (YYYY-MM-DD)") from None


@router.post("/specs/{slug}/implement")
async def implement(request: Request, slug: str, visit: Poster, comment: Comment = "") -> Response:
    return await _run(
        request,
        visit,
        slug,
        lambda: workflow.implement(visit.store, visit.require_user(), slug, comment.strip()),
    )


@router.post("/specs/{slug}/approve")
async def approve(
    request: Request,
    slug: str,
    visit: Poster,
    role: Role,
    revision: Number,
    comment: Comment = "",
) -> Response:
    seen = Seen(number=revision)
    return await _decide(request, visit, slug, role, comment, seen, approving=True)


@router.post("/specs/{slug}/request-changes")
async def request_changes(
    request: Request,
    slug: str,
    visit: Poster,
    role: Role,
    revision: Number,
    comment: Comment = "",
) -> Response:
    seen = Seen(number=revision)
    return await _decide(request, visit, slug, role, comment, seen, approving=False)


async def _decide(
    request: Request,
    visit: Visit,
    slug: str,
    role: str,
    comment: str,
    seen: Seen,
    *,
    approving: bool,
) -> Response:
    decision: workflow.Decision = "approve" if approving else "request_changes"

    def run() -> Outcome:
        user = visit.require_user()
        return workflow.decide(visit.store, user, slug, decision, role, comment.strip(), seen=seen)

    return await _run(request, visit, slug, run)


async def _run(request: Request, visit: Visit, slug: str, run: Runner) -> Response:
    try:
        outcome = await run_in_threadpool(run)
    except GateRefused as error:
        return await run_in_threadpool(spec_page, request, visit, slug, refused=error, status=409)
    except ChangedSinceSeen as error:
        return await run_in_threadpool(spec_page, request, visit, slug, changed=error, status=409)
    messages = [_sentence(note) for note in outcome.notes] or ["Nothing to do."]
    if outcome.status:
        messages.append(f"Status: {outcome.status}.")
    for message in messages[:-1]:
        visit.flash(message)  # one message each, not run together in one line
    return redirect(request, visit, f"/specs/{quote(slug, safe='')}", messages[-1])


def _sentence(note: str) -> str:
    note = note.strip()
    return note if note.endswith((".", "!", "?")) else f"{note}."
