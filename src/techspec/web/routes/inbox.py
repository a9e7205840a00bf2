"""``/inbox`` (your items, mark read), ``/reviews`` (who owes which review, for how long)
and ``/profile`` (your address, display name and mail preference)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Form, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from techspec.errors import TechspecError
from techspec.service import inbox, profiles, reviews
from techspec.store.inbox_schema import MAIL_MODES
from techspec.web.context import Poster, Reader, Visit
from techspec.web.pages import redirect, render
from techspec.web.routing import router as web_router

router = web_router()
PAGE = 50
Id = Annotated[int, Form(ge=1, le=2**63 - 1)]


@router.get("/inbox")
def show_inbox(
    request: Request,
    visit: Reader,
    unread: Annotated[bool, Query()] = False,
    before: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
) -> Response:
    user = visit.require_user()
    found = inbox.items(visit.store, user, unread=unread, limit=PAGE + 1, before=before)
    values = {
        "items": found[:PAGE],
        "older": found[PAGE - 1].seq if len(found) > PAGE else None,
        "unread_only": unread,
        "unread_total": inbox.unread_count(visit.store, user),
    }
    return render(request, visit, "inbox.html", values)


@router.post("/inbox/{item_id}/read")
async def read_item(request: Request, item_id: int, visit: Poster) -> Response:
    await run_in_threadpool(inbox.mark_read, visit.store, visit.require_user(), item_id)
    return redirect(request, visit, _back(request))


@router.post("/inbox/read-all")
async def read_all(request: Request, visit: Poster, up_to: Id) -> Response:
    marked = await run_in_threadpool(
        lambda: inbox.mark_all_read(visit.store, visit.require_user(), up_to=up_to)
    )
    return redirect(request, visit, "/inbox", f"Marked {marked} item{'s' * (marked != 1)} read.")


def _back(request: Request) -> str:
    """Back to the inbox page the form was on (only a path of this site)."""
    referer = request.headers.get("referer", "")
    path = referer.split("://", 1)[-1].partition("/")[2]
    return "/" + path if path.startswith("inbox") else "/inbox"


@router.get("/reviews")
def show_reviews(
    request: Request,
    visit: Reader,
    reviewer: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    found, total = reviews.outstanding(visit.store, visit.require_user(), reviewer=reviewer or None)
    today = date.today().isoformat()
    values = {"requests": found, "total": total, "reviewer": reviewer, "today": today}
    return render(request, visit, "reviews.html", values)


@router.get("/profile")
def show_profile(request: Request, visit: Reader) -> Response:
    return _profile_page(request, visit)


def _profile_page(request: Request, visit: Visit, problem: str = "", status: int = 200) -> Response:
    user = visit.require_user()
    found = profiles.get_profile(visit.store, user, user.name)
    values = {"profile": found, "modes": MAIL_MODES, "problem": problem}
    return render(request, visit, "profile.html", values, status=status)


@router.post("/profile")
async def save_profile(
    request: Request,
    visit: Poster,
    email: Annotated[str, Form(max_length=320)] = "",
    display_name: Annotated[str, Form(max_length=200)] = "",
    mail: Annotated[str, Form(max_length=20)] = "immediate",
) -> Response:
    user = visit.require_user()
    try:
        await run_in_threadpool(
            lambda: profiles.set_profile(
                visit.store,
                user,
                user.name,
                email=email.strip() or None,
                display_name=display_name.strip() or None,
                mail=mail,
            )
        )
    except TechspecError as error:
        return await run_in_threadpool(_profile_page, request, visit, str(error), 400)
    return redirect(request, visit, "/profile", "Saved your mail settings.")
