"""The methods of a path: ``OPTIONS`` and ``HEAD`` for every route, and the ``Allow``
header of a 405, all read from the app's one route table.

FastAPI makes one route per operation, so ``/api/v1/specs/{ref}`` is three routes (GET,
PUT, DELETE) and Starlette's 405 names the methods of the first one only.  Here every
route that matches the path counts: ``Allow: GET, HEAD, PUT, DELETE, OPTIONS``.  ``HEAD``
runs the ``GET`` route and drops the body (RFC 9110: same headers, no content);
``OPTIONS`` answers 204 with ``Allow`` and needs no token, like the 405 that lists them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed(routes: Sequence[BaseRoute], scope: Scope) -> list[str]:
    """Every method some route of ``routes`` takes at the path of ``scope`` (with HEAD
    beside GET, and OPTIONS), in :data:`ORDER`; empty when no route has the path."""
    found: set[str] = set()
    probe = {**scope, "type": "http", "method": "GET"}
    for route in _flat(routes):
        match, _ = route.matches(probe)
        if match is Match.NONE:
            continue
        if isinstance(route, Route):
            found |= route.methods or set()
        elif isinstance(route, Mount):
            found.add("GET")
    if not found:
        return []
    found |= {"HEAD", "OPTIONS"} if "GET" in found else {"OPTIONS"}
    return [method for method in ORDER if method in found]


def _flat(routes: Sequence[BaseRoute]) -> Iterator[BaseRoute]:
    """Each route, also those of included routers (FastAPI keeps an included router as
    one entry; ours are included without a prefix, so their paths are the app's)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _flat(included.routes)
        else:
            yield route


class Methods:
    """Answer ``OPTIONS`` and serve ``HEAD`` as ``GET`` without a body."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method") if scope["type"] == "http" else None
        if method == "OPTIONS":
            methods = allowed(self.routes, scope)
            if methods:
                await _no_content(send, ", ".join(methods))
                return
        elif method == "HEAD":
            inner = {**scope, "method": "GET"}
            try:
                await self.app(inner, receive, _headers_only(send))
            finally:
                if "route" in inner:
                    scope["route"] = inner["route"]  # so logs and metrics name it
            return
        await self.app(scope, receive, send)


async def _no_content(send: Send, allow: str) -> None:
    headers = [(b"allow", allow.encode("latin-1")), (b"content-length", b"0")]
    await send({"type": "http.response.start", "status": 204, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


def _headers_only(send: Send) -> Send:
    async def without_body(message: Message) -> None:
        if message["type"] == "http.response.body" and message.get("body"):
            message = {**message, "body": b""}
        await send(message)

    return without_body
