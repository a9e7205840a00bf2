"""``/login`` and ``/logout``: sign in with a name and password, sign out.

A sign-in passes the throttle (failures per address and per account, as waits; see
:mod:`techspec.web.throttle`), then waits its turn at the password-check gate
(:mod:`techspec.web.hash_gate`); either may answer at once with 429 or 503 and a
Retry-After.  Signing out ends the session in the database, not just in this browser.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from techspec.api.errors import TooManyRequests
from techspec.errors import TechspecError
from techspec.service import identity, sessions
from techspec.service.passwords import MAX_LENGTH, BadCredentials
from techspec.store.users import User
from techspec.web import csrf
from techspec.web.context import Anyone, Visit
from techspec.web.hash_gate import ServerBusy
from techspec.web.pages import redirect, render
from techspec.web.routing import router as web_router
from techspec.web.sessions import Session

router = web_router()


def safe_next(target: str | None) -> str:
    """A local path to return to after sign-in; anything else means the dashboard.

    Only printable ASCII without spaces or backslashes passes: a browser takes
    ``/\\evil.example`` for another site, and a control character cannot go in the
    ``HX-Redirect`` header (the server drops the connection).  Our own links
    percent-encode everything else."""
    if not target or len(target) >= 2000 or not target.startswith("/"):
        return "/"
    if target.startswith("//") or not (target.isascii() and target.isprintable()):
        return "/"
    return "/" if " " in target or "\\" in target else target


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
    if not getattr(request.app.state, "password_login", True):
        raise PasswordsOff("signing in with a password is turned off here: use single sign-on")
    values = {"next": safe_next(next), "name": username}
    web = visit.web
    try:
        attempt = web.throttle.admit(username, _address(request))
    except TooManyRequests as error:
        return _refused(request, visit, values, error, error.retry_after)
    check = partial(sessions.sign_in, web.store, username, password, web.timeouts, at=web.clock())
    try:
        user, sid = await web.hashes.run(check)
    except ServerBusy as error:
        web.throttle.withdrawn(attempt)
        return _refused(request, visit, values, error, error.retry_after)
    except BadCredentials as error:
        web.throttle.failed(attempt)
        return _refused(request, visit, values, error)
    except Exception:
        web.throttle.withdrawn(attempt)  # no verdict on the password (the database failed)
        raise
    web.throttle.passed(attempt)
    await _end(visit)  # a session this browser had before is over
    visit.session, visit.user, visit.dirty = visit.session.signed_in(sid), user, True
    return redirect(request, visit, safe_next(next))


@router.post("/logout")
async def sign_out(request: Request, visit: Anyone) -> Response:
    await csrf.check(request, visit.session.csrf)
    user = visit.user
    await _end(visit)
    visit.session, visit.user, visit.dirty = Session.anonymous(), None, True
    elsewhere = await _provider_logout(request, visit, user)
    if elsewhere is None:
        return redirect(request, visit, "/login", "You are signed out.")
    # A page that moves on to the provider (a redirect answering the form would break
    # the page's CSP form-action 'self'); techspec's session has ended already.
    return render(request, visit, "signed_out.html", {"elsewhere": elsewhere})


class PasswordsOff(TechspecError):
    http_status = 403


async def _provider_logout(request: Request, visit: Visit, user: User | None) -> str | None:
    """The provider's logout URL for a user who signed in there (RP-initiated logout)."""
    sso = getattr(request.app.state, "sso", None)
    if sso is None or user is None:
        return None
    linked = await run_in_threadpool(identity.linked_to_provider, visit.store, user)
    found: str | None = await sso.logout_url(request) if linked else None
    return found


async def _end(visit: Visit) -> None:
    """End the visit's session in the database, so no copy of its cookie works on."""
    if visit.session.sid:
        end = partial(sessions.end, visit.store, visit.session.sid, at=visit.web.clock())
        await run_in_threadpool(end)


def _address(request: Request) -> str:
    """The client's address as the server sees it (uvicorn applies trusted proxies)."""
    return request.client.host if request.client is not None else ""


def _refused(
    request: Request,
    visit: Visit,
    values: dict[str, str],
    error: BadCredentials | TooManyRequests | ServerBusy,
    retry_after: int | None = None,
) -> Response:
    """The sign-in form again, saying why (and when to retry, for 429 and 503)."""
    values = {**values, "error": str(error)}
    response = render(request, visit, "login.html", values, status=error.http_status)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response
