"""HTTP errors: the API's own :class:`TechspecError` subclasses and the one translation of
every error into an RFC 9457 ``application/problem+json`` body.

Library errors already carry their status (``NotFound.http_status == 404``); this module
adds the statuses only HTTP has (401, 412, 413, 428, 429) and renders all of them the same
way.  A response never holds a stack trace: an unexpected exception is logged with the
request id and answered with a 500 problem naming that id.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from techspec.api.methods import allowed
from techspec.errors import TechspecError
from techspec.service.merges import MergeConflict, MergeReady
from techspec.store.errors import GateRefused, PreconditionFailed

PROBLEM_JSON = "application/problem+json"


class Unauthorized(TechspecError):
    """No token, or one that is unknown or revoked."""

    http_status = 401


class BadRequest(TechspecError):
    """A body that cannot be read: malformed JSON, a wrong field type."""

    http_status = 400


class UnsupportedMediaType(TechspecError):
    http_status = 415


class PayloadTooLarge(TechspecError):
    http_status = 413


class PreconditionRequired(TechspecError):
    """A write without ``If-Match``: the server will not guess which revision you edited."""

    http_status = 428


class TooManyRequests(TechspecError):
    http_status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message)


def kind(error: type[BaseException] | str) -> str:
    """``NotFound`` -> ``not-found``: the last part of a problem's ``type``."""
    name = error if isinstance(error, str) else error.__name__
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).casefold()


def problem(
    status: int,
    detail: str,
    *,
    kind_name: str | None = None,
    instance: str | None = None,
    request_id: str | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Response:
    """One RFC 9457 problem response."""
    phrase = _phrase(status)
    body: dict[str, Any] = {
        "type": f"urn:techspec:problem:{kind_name or kind(phrase.replace(' ', ''))}",
        "title": phrase,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if request_id:
        body["request_id"] = request_id
    body.update(extra or {})
    content = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return Response(
        content, status_code=status, headers=dict(headers or {}), media_type=PROBLEM_JSON
    )


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def from_error(error: TechspecError, request: Request) -> Response:
    """The problem response for a library or API error."""
    headers: dict[str, str] = {}
    extra: dict[str, Any] = {}
    if isinstance(error, GateRefused):
        extra["target"] = error.target
        extra["gates"] = [
            {"reason": gate.reason, "line": gate.line, "rule": gate.rule} for gate in error.gates
        ]
    elif isinstance(error, MergeReady | MergeConflict):
        headers["ETag"] = f'"{error.etag}"'
        extra.update(_merge(error, headers["ETag"]))
    elif isinstance(error, PreconditionFailed):
        headers["ETag"] = f'"{error.etag}"'
        extra["current_etag"] = headers["ETag"]
    elif isinstance(error, TooManyRequests):
        headers["Retry-After"] = str(error.retry_after)
    elif isinstance(error, Unauthorized):
        headers["WWW-Authenticate"] = 'Bearer realm="techspec"'
    return problem(
        error.http_status,
        str(error),
        kind_name=kind(type(error)),
        instance=request.url.path,
        request_id=_request_id(request),
        headers=headers,
        extra=extra,
    )


def _merge(error: MergeReady | MergeConflict, etag: str) -> dict[str, Any]:
    """The members of a merge answer (``schemas.MergeAnswer``)."""
    found: dict[str, Any] = {
        "base_revision": error.base,
        "current_revision": error.current,
        "current_etag": etag,
    }
    if isinstance(error, MergeReady):
        return {
            **found,
            "merge": "merged",
            "content": error.text,
            "mine": error.mine,
            "theirs": error.theirs,
        }
    sections = [
        {"path": s.path, "reason": s.reason, "base": s.base, "mine": s.mine, "theirs": s.theirs}
        for s in error.sections
    ]
    return {**found, "merge": "conflict", "sections": sections}


def _request_id(request: Request) -> str | None:
    value = request.scope.get("state", {}).get("request_id")
    return value if isinstance(value, str) else None


async def _techspec_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, TechspecError)
    return from_error(error, request)


async def _validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    found = [
        {"where": ".".join(str(part) for part in item.get("loc", ())), "message": item.get("msg")}
        for item in error.errors()
    ]
    first = found[0] if found else {"where": "request", "message": "invalid"}
    detail = f"{first['where']}: {first['message']}"
    return problem(
        422,
        detail,
        kind_name="validation-error",
        instance=request.url.path,
        request_id=_request_id(request),
        extra={"errors": found},
    )


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    detail = error.detail if isinstance(error.detail, str) else _phrase(error.status_code)
    if error.status_code == 404 and detail == "Not Found":
        detail = f"no such endpoint: {request.method} {request.url.path}"
    headers = dict(error.headers or {})
    if error.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
        headers["Allow"] = ", ".join(allowed(request.app.router.routes, request.scope))
    return problem(
        error.status_code,
        detail,
        instance=request.url.path,
        request_id=_request_id(request),
        headers=headers,
    )


async def unexpected(request: Request, error: Exception) -> Response:
    """A bug: answer 500 without any detail of the code.  The error goes on to the
    observer (:mod:`techspec.api.middleware`), which logs it with the request id."""
    request_id = _request_id(request)
    return problem(
        500,
        f"internal error; quote request id {request_id} when reporting it",
        instance=request.url.path,
        request_id=request_id,
    )


def install(app: FastAPI) -> None:
    """Register the translations on ``app``."""
    app.add_exception_handler(TechspecError, _techspec_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, unexpected)
