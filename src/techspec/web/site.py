"""``mount(app, settings)``: the web UI on the API's app, sharing its store and settings.

Pages are plain routes at ``/``, ``/specs``, ``/login`` ... (the API lives under
``/api/v1``), the static files (CSS, our small script, vendored htmx) are at
``/static``, and a last catch-all route answers unknown pages with an HTML 404 while
unknown ``/api/`` paths keep the API's problem+json.  Call it after the API's routers
are included, so that the catch-all comes last.
"""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from techspec.api.context import ApiContext
from techspec.api.settings import Settings
from techspec.service.sessions import Timeouts
from techspec.web.context import WebContext, visitor
from techspec.web.hash_gate import HashGate
from techspec.web.oidc import single_sign_on
from techspec.web.pages import environment
from techspec.web.routing import error_page
from techspec.web.security import SecurityHeaders
from techspec.web.sessions import SessionCodec, key_file_for, secret_key
from techspec.web.throttle import SignInThrottle


def mount(app: FastAPI, settings: Settings, *, secret: str | None = None) -> WebContext:
    """Add the web UI to ``app`` (built by :func:`techspec.asgi.create_app`)."""
    from techspec.web.routes import routers

    api: ApiContext = app.state.api
    timeouts = Timeouts.of(settings.session_idle_minutes, settings.session_max_hours)
    key = secret or secret_key(key_file=key_file_for(settings.database_url))
    web = WebContext(
        api=api,
        templates=environment(),
        sessions=SessionCodec(key, max_age=int(timeouts.absolute.total_seconds())),
        throttle=SignInThrottle(settings.sign_in_free_failures),
        hashes=HashGate(settings.sign_in_hashes, settings.sign_in_queue),
        timeouts=timeouts,
        https_only=settings.public_url.startswith("https://"),
    )
    app.state.web = web
    app.state.sso = single_sign_on(settings, key)  # None without TECHSPEC_OIDC_ISSUER
    app.state.password_login = settings.password_login
    web.templates.env.globals["sign_in"] = {
        "provider": app.state.sso.name if app.state.sso is not None else "",
        "passwords": settings.password_login,
    }
    static = resources.files("techspec.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    for router in routers():
        app.include_router(router)
    app.router.routes.append(
        _PageFallback("/{path:path}", not_found, methods=["GET"], include_in_schema=False)
    )
    app.add_middleware(SecurityHeaders)
    return web


class _PageFallback(APIRoute):
    """The HTML 404 for unknown pages.  It never matches ``/api/...``, so the API keeps its
    own answers there (404, or 405 for a known path with the wrong method)."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if str(scope.get("path", "")).startswith("/api/"):
            return Match.NONE, {}
        return super().matches(scope)


def not_found(request: Request, path: str) -> Response:
    """An HTML 404 for pages; ``/api/...`` keeps the API's JSON 404."""
    if request.url.path.startswith("/api/"):
        raise HTTPException(404)
    visitor(request, request.app.state.web)
    return error_page(request, 404, f"no page at {request.url.path}")
