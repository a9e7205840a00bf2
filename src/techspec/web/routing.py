"""Routes that answer errors with pages, not problem+json.

The app's exception handlers belong to the API and answer JSON.  Web routes use
:class:`WebRoute`, whose handler turns an error into an HTML page that explains it
(404, 403, 409 ...), a missing sign-in into a redirect to the sign-in form, and a bug
into a 500 page that names the request id.  :func:`router` makes an ``APIRouter`` of
such routes, hidden from the OpenAPI document.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from http import HTTPStatus
from typing import Any

from fastapi import APIRouter
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from techspec.errors import TechspecError
from techspec.web.context import SignInRequired, Visit
from techspec.web.pages import keep, render

log = logging.getLogger("techspec.web")

EXPLANATIONS = {
    400: "The request could not be read. Go back and check the form.",
    401: "Sign in to continue.",
    403: "Your account may not do this. An admin can grant the role it needs.",
    404: "There is no such page, or the spec was deleted.",
    409: "This step does not fit the spec's current state, or someone else changed it "
    "meanwhile. The message says which; nothing was overwritten.",
    413: "That is more text than the server accepts in one request.",
    429: "Too many attempts in a short time. Wait a moment and try again.",
    500: "Something went wrong on our side. Quote the request id when reporting it.",
    503: "The server is busy, or cannot reach its database, right now. Try again in a moment.",
}


class WebRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except SignInRequired as error:
                return _to_sign_in(request, error)
            except TechspecError as error:
                page = error_page(request, error.http_status, str(error))
                wait = getattr(error, "retry_after", None)  # a full CPU pool's 503
                if isinstance(wait, int):
                    page.headers["Retry-After"] = str(wait)
                return page
            except RequestValidationError as error:
                return error_page(request, 400, _validation_message(error))
            except HTTPException as error:
                return error_page(request, error.status_code, str(error.detail))
            except Exception as error:
                rid = _request_id(request)
                log.error(
                    "unhandled %s on %s",
                    type(error).__name__,
                    request.url.path,
                    exc_info=error,
                    extra={"request_id": rid},
                )
                return error_page(request, 500, f"internal error (request id {rid})")

        return handler


def router() -> APIRouter:
    return APIRouter(route_class=WebRoute, include_in_schema=False)


def error_page(request: Request, status: int, message: str) -> Response:
    """The error page for ``status`` with the error's own message."""
    visit: Visit | None = getattr(request.state, "visit", None)
    values = {
        "status": status,
        "title": _title(status),
        "message": message,
        "explanation": EXPLANATIONS.get(status, ""),
        "request_id": _request_id(request),
    }
    return render(request, visit, "error.html", values, status=status)


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _to_sign_in(request: Request, error: SignInRequired) -> Response:
    response: Response
    if request.headers.get("hx-request"):
        response = Response(status_code=204, headers={"HX-Redirect": error.location})
    else:
        response = RedirectResponse(error.location, status_code=303)
    visit: Visit | None = getattr(request.state, "visit", None)
    if visit is not None:
        keep(request, visit, response)
    return response


def _validation_message(error: RequestValidationError) -> str:
    found = error.errors()
    if not found:
        return "invalid request"
    first = found[0]
    where = ".".join(str(part) for part in first.get("loc", ()) if part not in ("body", "query"))
    return f"{where or 'request'}: {first.get('msg', 'invalid')}"


def _request_id(request: Request) -> str:
    value = request.scope.get("state", {}).get("request_id")
    return value if isinstance(value, str) else ""
