"""Answers to ``GET /api/v1/specs/{ref}`` and ``GET /api/v1/specs?...`` kept encoded, and
served before the router runs.

Reading a spec, and listing specs (a dashboard polls the Review queue), are the API's most
frequent requests, and their answers change only when the database does.  The first read
goes the usual way (routing, dependencies, queries, the cached analysis) and leaves its
encoded answer here, keyed by path and query string and stamped with the store's
:meth:`~techspec.store.engine.Store.data_version`.  A later read with the same stamp is
answered by :class:`CachedReads`, an ASGI layer in front of the router, after the same
checks the route makes: a known token (a user the token cache holds, or loads once for
all the requests waiting on it), a role that may read, the rate limit, and
``If-None-Match``.

It is exact, not eventually consistent: any committed write, by this process or another
(a second worker, the CLI), changes the stamp and every entry misses until it is read
again.  Where the store has no such stamp (PostgreSQL) nothing is cached.  Anything the
fast path cannot answer as the route would (an unknown token, no role, a missing entry,
the rate limit reached) falls through to the route, which gives the full answer or error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from techspec.api.answers import Entry, ReadCache, RouteName
from techspec.api.auth import known_user
from techspec.api.conditional import none_match
from techspec.api.context import ApiContext
from techspec.api.errors import TooManyRequests
from techspec.service.permissions import may_read
from techspec.store.engine import Store

__all__ = [
    "LISTING",
    "PREFIX",
    "SPEC",
    "SPECS",
    "CachedReads",
    "Entry",
    "LoopVersion",
    "ReadCache",
    "RouteName",
    "cache_key",
    "remember",
]
# The cache and its entries live in techspec.api.answers, below the context that holds
# one; they are re-exported here, where the app and the routes import them.

LISTING = "/api/v1/specs"
PREFIX = LISTING + "/"
"""A spec is ``/api/v1/specs/{ref}``: a ref is one path segment, never ``x.md``."""

SPEC = RouteName(PREFIX + "{ref}")
SPECS = RouteName(LISTING)


def cache_key(scope: Scope) -> str | None:
    """The key of a request the cache may answer: its path and query string; None for
    any other request."""
    path: str = scope["path"]
    if path != LISTING:
        ref = path[len(PREFIX) :] if path.startswith(PREFIX) else ""
        if not ref or "/" in ref or ref.endswith(".md"):
            return None
    query: bytes = scope.get("query_string", b"")
    return f"{path}?{query.decode('latin-1')}" if query else path


def remember(
    cache: ReadCache,
    scope: Scope,
    version: int,
    response: Response,
    *,
    route: RouteName,
    sha256: str | None = None,
) -> None:
    """Keep the route's 200 answer to the request of ``scope``, read at ``version``."""
    key = cache_key(scope)
    if response.status_code != 200 or key is None:
        return
    kept = [(name, value) for name, value in response.raw_headers if name in _NOT_MODIFIED]
    raw = list(response.raw_headers)
    cache.put(key, Entry(version, route, sha256, bytes(response.body), raw, kept))


_NOT_MODIFIED = (b"etag", b"cache-control")
"""The headers a 304 repeats (Starlette drops the body's length and type)."""


class LoopVersion:
    """The store's data version, read at most once per pass of the event loop.

    Every request a pass starts was received before the pass began (the loop reads
    sockets between passes), so a version read during the pass, after they arrived, is
    as fresh as one read for each of them: the cache stays exact and a busy server asks
    SQLite once for many requests.  The value is forgotten by a callback that runs at
    the start of the next pass.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._version: int | None = None
        self._fresh = False

    def get(self) -> int | None:
        if not self._fresh:
            self._version = self.store.data_version()
            self._fresh = True
            asyncio.get_running_loop().call_soon(self._forget)
        return self._version

    def _forget(self) -> None:
        self._fresh = False


class CachedReads:
    """Answer ``GET /api/v1/specs/{ref}`` from :class:`ReadCache` when it can."""

    def __init__(self, app: ASGIApp, api: ApiContext) -> None:
        self.app = app
        self.api = api
        self.version = LoopVersion(api.store)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not await self._answer(scope, send)
        ):
            await self.app(scope, receive, send)

    async def _answer(self, scope: Scope, send: Send) -> bool:
        """Send the cached answer and say True, or send nothing and say False."""
        key = cache_key(scope)
        if key is None:
            return False
        version = self.version.get()
        if version is None:
            return False
        entry = self.api.responses.get(key, version)
        if entry is None:
            return False
        headers = _headers(scope["headers"], (b"authorization", b"if-none-match"))
        found = await known_user(self.api, headers[0])
        if found is None or not may_read(found[0]):
            return False
        user, digest = found
        try:
            self.api.limiter.check(digest)
        except TooManyRequests:
            return False  # the route charges again, finds the bucket empty, answers 429
        scope.setdefault("state", {})["user"] = user.name
        scope["route"] = entry.route  # so logs and metrics name the route as usual
        self.api.metrics.read_cache_hits.inc()
        if entry.sha256 is not None and none_match(headers[1], entry.sha256):
            status, raw, body = 304, entry.not_modified, b""
        else:
            status, raw, body = 200, entry.headers, entry.body
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})
        return True


def _headers(raw: Sequence[tuple[bytes, bytes]], names: tuple[bytes, ...]) -> list[str | None]:
    """The first value of each header in ``names`` (latin-1, as Starlette reads them)."""
    values: list[str | None] = [None] * len(names)
    for name, value in raw:
        if name in names:
            index = names.index(name)
            if values[index] is None:
                values[index] = value.decode("latin-1")
    return values
