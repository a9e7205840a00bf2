"""Limits that keep one client from hurting the others: request body size and a
per-token request rate.

The body limit is an ASGI middleware: a declared ``Content-Length`` over the limit is
refused before a byte is read, and a chunked body is counted as it streams in.  The rate
limit is a token bucket per API token, kept in this process (several processes each
allow the rate; see the design spec).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from techspec.api.errors import PayloadTooLarge, TooManyRequests, problem

DRAIN = 4 * 1024 * 1024
"""The least a body over the limit is read (and dropped) before the 413, so the client
gets it; twice the limit when that is more."""
MAX_KEYS = 10_000
"""Buckets kept; the least recently used is dropped first (it would be full anyway)."""


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413.

    The answer waits until the client has sent its body (up to ``drain`` bytes, read and
    thrown away): a server that answers and closes while the client is still sending
    makes the client's next write fail with a broken pipe, and the client never reads
    the 413.  A body declared larger than ``drain`` is answered at once, closing the
    connection: reading it would cost more than it is worth.
    """

    def __init__(self, app: ASGIApp, limit: int, drain: int | None = None) -> None:
        self.app = app
        self.limit = limit
        self.drain = max(2 * limit, DRAIN) if drain is None else drain

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            headers = {"Connection": "close"}
            if declared <= self.drain:
                await _discard(receive, self.drain)
                headers = {}
            rid = scope.get("state", {}).get("request_id")
            message = self._message(declared)
            response = problem(
                413, message, instance=scope.get("path"), request_id=rid, headers=headers
            )
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    if message.get("more_body", False):
                        await _discard(receive, self.drain - received)
                    raise PayloadTooLarge(self._message(received, streamed=True))
            return message

        await self.app(scope, counted, send)

    def _message(self, size: int, *, streamed: bool = False) -> str:
        over = "over" if streamed else f"{size} bytes,"
        return f"request body {over} the limit of {self.limit} bytes ({self.limit // 1024} KiB)"


async def _discard(receive: Receive, budget: int) -> None:
    """Read and drop the rest of a request body, at most ``budget`` more bytes."""
    while budget > 0:
        message = await receive()
        if message["type"] != "http.request":
            return
        budget -= len(message.get("body", b""))
        if not message.get("more_body", False):
            return


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class RateLimiter:
    """A token bucket per key: ``burst`` requests at once, then ``rate`` per second."""

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, key: str) -> None:
        """Take one request from ``key``'s bucket, or raise :class:`TooManyRequests`."""
        if self.rate <= 0:
            return
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                wait = max(1, math.ceil((1.0 - tokens) / self.rate))
                raise TooManyRequests(
                    f"rate limit of {self.rate:g} requests per second (bursts of {self.burst}) "
                    f"exceeded for this token: retry after {wait} s",
                    retry_after=wait,
                )
            self._buckets[key] = (tokens - 1.0, now)
            while len(self._buckets) > MAX_KEYS:
                self._buckets.popitem(last=False)
