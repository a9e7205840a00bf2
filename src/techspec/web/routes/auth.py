"""``/login`` and ``/logout``: sign in with a name and password, sign out."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from techspec.api.errors import TooManyRequests
from techspec.service.passwords import MAX_LENGTH, BadCredentials, verify
from techspec.web import csrf
from techspec.web.context import Anyone
from techspec.web.pages import redirect, render
from techspec.web.routing import router as web_router
from techspec.web.sessions import Session

router = web_router()


def safe_next(target: str | None) -> str:
    """A local path to return to after sign-in; anything else means the dashboard."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target if len(target) < 2000 else "/"


@router.get("/login")
def sign_in_form(request: Request, visit: Anyone, next: str = "/") -> Response:
    if visit.user is not None:
        return redirect(request, visit, safe_next(next))
    return render(request, visit, "login.html", {"next": safe_next(next), "error": "", "name": ""})


@router.post("/login")
async def sign_in(
    request: Request,
    visit: Anyone,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=MAX_LENGTH)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    await csrf.check(request, visit.session.csrf)
    values = {"next": safe_next(next), "name": username}
    try:
        visit.web.sign_ins.check(username.strip().casefold())
        user, bound = await run_in_threadpool(verify, visit.store, username, password)
    except (BadCredentials, TooManyRequests) as error:
        status = error.http_status
        return render(request, visit, "login.html", {**values, "error": str(error)}, status=status)
    visit.session, visit.user, visit.dirty = visit.session.signed_in(user.name, bound), user, True
    return redirect(request, visit, safe_next(next))


@router.post("/logout")
async def sign_out(request: Request, visit: Anyone) -> Response:
    await csrf.check(request, visit.session.csrf)
    visit.session, visit.user, visit.dirty = Session.anonymous(), None, True
    return redirect(request, visit, "/login", "You are signed out.")
