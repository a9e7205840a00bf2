"""The outermost layer: a request id for every request (echoed in ``X-Request-ID``), one
access log line, the request metrics, and a 500 problem for any exception that escaped
the handlers (logged with its frames, answered without them)."""

from __future__ import annotations

import logging
import os
import re
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from techspec.api import logging as api_logging
from techspec.api.errors import problem
from techspec.api.metrics import Metrics

_GOOD_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
log = logging.getLogger("techspec.api")


def request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            text: str = value.decode("latin-1")
            if _GOOD_ID.match(text):
                return text
    return os.urandom(16).hex()


def route_template(scope: Scope) -> str:
    """The matched route's path as written in the API docs (``/api/v1/specs/{ref}``,
    without a convertor such as ``:ref``)."""
    route = scope.get("route")
    path: object = getattr(route, "path_format", None) or getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


class Observer:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        rid = request_id(scope)
        scope.setdefault("state", {})["request_id"] = rid
        seen: dict[str, Any] = {"status": 500, "bytes": 0, "started": False}

        async def observed(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
                seen["started"] = True
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", rid.encode("latin-1")))
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body":
                seen["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, observed)
        except Exception as error:
            log.error(
                "unhandled %s on %s %s",
                type(error).__name__,
                scope.get("method"),
                scope.get("path"),
                exc_info=error,
                extra={"request_id": rid},
            )
            if seen["started"]:
                return  # answered already (Starlette's error layer sent the 500 problem)
            detail = f"internal error; quote request id {rid} when reporting it"
            response = problem(500, detail, instance=scope.get("path"), request_id=rid)
            await response(scope, receive, observed)
        finally:
            seconds = time.perf_counter() - started
            route = route_template(scope)
            method = str(scope.get("method", ""))
            self.metrics.observe(method, route, seen["status"], seconds)
            client = scope.get("client")
            api_logging.access(
                {
                    "request_id": rid,
                    "method": method,
                    "route": route,
                    "path": scope.get("path"),
                    "status": seen["status"],
                    "duration_ms": round(seconds * 1000, 2),
                    "user": scope.get("state", {}).get("user"),
                    "bytes": seen["bytes"],
                    "client": client[0] if client else None,
                }
            )
