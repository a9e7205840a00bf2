"""Turning a template and its values into a response: the Jinja environment, its
filters, the values every page gets (user, CSRF token, flash messages) and the session
cookie written back when it changed.

Templates are autoescaped; the only HTML that reaches them unescaped is the sanitized
body of a spec (:func:`techspec.authoring.render.body.render_body`, nh3) wrapped in ``Markup``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from techspec import __version__
from techspec.authoring.render.html import status_class
from techspec.store.clock import as_utc, iso
from techspec.web.context import Visit
from techspec.web.diffs import lines
from techspec.web.inbox import install as inbox_globals
from techspec.web.sessions import is_https

_UNITS = ((3600, 60, "minute"), (86400, 3600, "hour"), (14 * 86400, 86400, "day"))


def environment() -> Jinja2Templates:
    """The templates shipped in ``techspec/web/templates`` with the UI's filters."""
    folder = resources.files("techspec.web").joinpath("templates")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["ago"] = ago
    env.filters["iso"] = lambda value: iso(value) if isinstance(value, datetime) else ""
    env.filters["status_class"] = status_class
    env.filters["short"] = lambda value, size=12: (value or "")[:size]
    env.filters["plural"] = plural
    env.filters["diff_lines"] = lines
    env.globals["version"] = __version__
    inbox_globals(env)
    return Jinja2Templates(env=env)


def ago(value: datetime | None, now: datetime | None = None) -> str:
    """``just now``, ``5 minutes ago``, ``3 days ago``, then the date."""
    if value is None:
        return ""
    seconds = ((now or datetime.now(UTC)) - as_utc(value)).total_seconds()
    if seconds < 60:
        return "just now"
    for limit, size, unit in _UNITS:
        if seconds < limit:
            count = int(seconds // size)
            return f"{count} {unit}{'' if count == 1 else 's'} ago"
    return as_utc(value).strftime("%Y-%m-%d")


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def render(
    request: Request,
    visit: Visit | None,
    name: str,
    values: dict[str, Any] | None = None,
    *,
    status: int = 200,
) -> HTMLResponse:
    """The page ``name`` with ``values`` plus what every page shows."""
    context: dict[str, Any] = {
        "request": request,
        "visit": visit,
        "user": visit.user if visit is not None else None,
        "csrf": visit.session.csrf if visit is not None else "",
        "flash": visit.take_flash() if visit is not None else (),
        "path": request.url.path,
        **(values or {}),
    }
    templates: Jinja2Templates = request.app.state.web.templates
    response = templates.TemplateResponse(request, name, context, status_code=status)
    if visit is not None:
        keep(request, visit, response)
    return response


def redirect(request: Request, visit: Visit, url: str, message: str = "") -> Response:
    """See-other to ``url`` (htmx follows ``HX-Redirect``), with an optional flash."""
    if message:
        visit.flash(message)
    response: Response
    if request.headers.get("hx-request"):
        response = Response(status_code=204, headers={"HX-Redirect": url})
    else:
        response = RedirectResponse(url, status_code=303)
    keep(request, visit, response)
    return response


def keep(request: Request, visit: Visit, response: Response) -> None:
    """Write the session cookie when the visit changed it."""
    if visit.dirty:
        secure = visit.web.https_only or is_https(request)
        visit.web.sessions.write(response, visit.session, secure=secure)
        visit.dirty = False
