"""Who is asking: the bearer token, its user and roles, and the request rate it used.

Tokens are looked up by their sha256 (the store never holds them in clear).  A token's
user is reused for ``auth_cache_seconds`` so that a busy client costs one database read
per interval instead of three per request; when it expires, the client's concurrent
requests share one lookup instead of each making its own.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from techspec.api.context import ApiContext, api_context
from techspec.api.errors import Unauthorized
from techspec.store.engine import Store
from techspec.store.errors import Forbidden
from techspec.store.users import User, authenticate, hash_token

HOW = "send 'Authorization: Bearer TOKEN' (make a token with: techspec token create USER)"


class TokenCache:
    """Token digest -> user, for a few seconds."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._users: dict[str, tuple[User, float]] = {}
        self._lock = threading.Lock()
        self._pending: dict[str, asyncio.Future[User]] = {}

    def get(self, digest: str) -> User | None:
        found = self._users.get(digest)
        if found is None or found[1] < self.clock():
            return None
        return found[0]

    def load(self, store: Store, token: str, digest: str) -> User:
        try:
            user = authenticate(store, token)
        except Forbidden:
            raise Unauthorized(f"invalid or revoked API token: {HOW}") from None
        if self.seconds > 0:
            with self._lock:
                if len(self._users) > 10_000:
                    self._users.clear()
                self._users[digest] = (user, self.clock() + self.seconds)
        return user

    async def fetch(self, api: ApiContext, token: str, digest: str) -> User:
        """Load the token's user once, however many requests are waiting for it."""
        pending = self._pending.get(digest)
        if pending is None:
            pending = asyncio.ensure_future(api.read(self.load, api.store, token, digest))
            self._pending[digest] = pending
            pending.add_done_callback(lambda _: self._pending.pop(digest, None))
        return await asyncio.shield(pending)

    def forget(self) -> None:
        with self._lock:
            self._users.clear()


def parse_bearer(header: str) -> str | None:
    """The token of ``Bearer TOKEN``; None for any other shape."""
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.casefold() != "bearer" or not token or len(token) > 512:
        return None
    return token


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization")
    if not header:
        raise Unauthorized(f"no API token: {HOW}")
    token = parse_bearer(header)
    if token is None:
        raise Unauthorized(f"malformed Authorization header: {HOW}")
    return token


async def known_user(api: ApiContext, header: str | None) -> tuple[User, str] | None:
    """The user of an ``Authorization`` header and its token's digest (no rate charged);
    None for a missing, malformed, unknown or revoked token, which the route refuses with
    its own message."""
    token = parse_bearer(header) if header else None
    if token is None:
        return None
    digest = hash_token(token)
    user = api.tokens.get(digest)
    if user is None:
        try:
            user = await api.tokens.fetch(api, token, digest)
        except Unauthorized:
            return None
    return user, digest


async def current_user(request: Request, api: Annotated[ApiContext, Depends(api_context)]) -> User:
    """The authenticated user (401 otherwise), after charging the token's rate."""
    token = bearer_token(request)
    digest = hash_token(token)
    api.limiter.check(digest)
    user = api.tokens.get(digest)
    if user is None:
        user = await api.tokens.fetch(api, token, digest)
    request.state.user = user.name
    return user


CurrentUser = Annotated[User, Depends(current_user)]
