"""``/login/oidc`` and ``/login/oidc/callback``: single sign-on with the configured
OpenID provider (:mod:`techspec.web.oidc`).

The callback signs the person in exactly as a password does: a new database session
(:func:`techspec.service.sessions.start`), a new CSRF token, the session cookie.  Every
refusal is a page that says what went wrong (400 for a forged or stale link, 401 for a
bad ID token, 403 for a deactivated account, 502 for a provider that is down or set up
wrongly) and a log line; none is a 500.
"""

from __future__ import annotations

from functools import partial

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from techspec.service import identity, sessions
from techspec.store.errors import NotFound
from techspec.web.context import Anyone
from techspec.web.oidc import SignInFailed, SingleSignOn, log
from techspec.web.pages import keep
from techspec.web.routes.auth import safe_next
from techspec.web.routing import error_page
from techspec.web.routing import router as web_router
from techspec.web.sessions import is_https

router = web_router()


def configured(request: Request) -> SingleSignOn:
    sso: SingleSignOn | None = getattr(request.app.state, "sso", None)
    if sso is None:
        raise NotFound("single sign-on is not configured on this server (TECHSPEC_OIDC_ISSUER)")
    return sso


@router.get("/login/oidc")
async def start(request: Request, visit: Anyone, next: str = "/") -> Response:
    sso = configured(request)
    url, flow = await sso.start(request, safe_next(next))
    response = RedirectResponse(url, status_code=303)
    sso.remember(response, flow, secure=visit.web.https_only or is_https(request))
    keep(request, visit, response)
    return response


@router.get("/login/oidc/callback")
async def callback(request: Request, visit: Anyone) -> Response:
    sso = configured(request)
    secure = visit.web.https_only or is_https(request)
    flow = sso.recall(request)
    try:
        claims = await sso.finish(request, flow)
        user = await run_in_threadpool(
            identity.sign_in_from_directory, visit.store, sso.directory, claims
        )
    except (SignInFailed, identity.MissingClaim, identity.Deactivated) as error:
        if not isinstance(error, SignInFailed):
            log.warning("oidc sign-in refused (%s): %s", error.http_status, error)
        page = error_page(request, error.http_status, str(error))
        sso.forget(page, secure=secure)  # this flow is over, whatever went wrong
        return page
    start_session = partial(
        sessions.start, visit.store, user, visit.web.timeouts, at=visit.web.clock()
    )
    sid = await run_in_threadpool(start_session)
    if visit.session.sid:
        await run_in_threadpool(partial(sessions.end, visit.store, visit.session.sid))
    visit.session, visit.user, visit.dirty = visit.session.signed_in(sid), user, True
    response = RedirectResponse(flow.next, status_code=303)
    sso.forget(response, secure=secure)
    keep(request, visit, response)
    return response
