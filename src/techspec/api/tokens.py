"""The token cache: a token's user, kept for a few seconds.

Tokens are looked up by their sha256 (the store never holds them in clear).  A token's
user is reused for ``auth_cache_seconds`` so that a busy client costs one database read
per interval instead of three per request; when it expires, the client's concurrent
requests share one lookup instead of each making its own.  The API context holds one;
:mod:`techspec.api.auth` asks it who a request's token belongs to.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable

from techspec.api.errors import Unauthorized
from techspec.store.clock import now
from techspec.store.engine import Store
from techspec.store.errors import Forbidden
from techspec.store.token_records import Authenticated, authenticate

HOW = "send 'Authorization: Bearer TOKEN' (make a token with: techspec token create USER)"


def how(database_url: str) -> str:
    """:data:`HOW` for the server's database, as a command one pastes on the server:
    with ``--db`` naming a SQLite file that is not the default (a file name, no
    secret), and for PostgreSQL the variable that holds the URL, never the URL itself
    (it may carry a password)."""
    from techspec.store.database import DEFAULT_URL

    if database_url == DEFAULT_URL:
        return HOW
    where = database_url if database_url.startswith("sqlite") else '"$TECHSPEC_DATABASE_URL"'
    return (
        "send 'Authorization: Bearer TOKEN' (make a token on the server with: "
        f"techspec token create USER --db {where})"
    )


class TokenCache:
    """Token digest -> user and scope, for a few seconds (never past the token's expiry)."""

    def __init__(
        self, seconds: float, clock: Callable[[], float] = time.monotonic, hint: str = HOW
    ) -> None:
        self.seconds = seconds
        self.hint = hint
        """How to get a token, said in each 401 (see :func:`how`)."""
        self.clock = clock
        self._users: dict[str, tuple[Authenticated, float]] = {}
        self._lock = threading.Lock()
        self._pending: dict[str, asyncio.Future[Authenticated]] = {}

    def get(self, digest: str) -> Authenticated | None:
        found = self._users.get(digest)
        if found is None or found[1] < self.clock():
            return None
        expires = found[0].expires_at
        if expires is not None and now() >= expires:
            return None
        return found[0]

    def load(self, store: Store, token: str, digest: str) -> Authenticated:
        try:
            user = authenticate(store, token, record_use=False)
        except Forbidden as refused:
            raise Unauthorized(f"{refused}: {self.hint}") from None
        if self.seconds > 0:
            with self._lock:
                if len(self._users) > 10_000:
                    self._users.clear()
                self._users[digest] = (user, self.clock() + self.seconds)
        return user

    async def fetch(
        self, digest: str, load: Callable[[], Awaitable[Authenticated]]
    ) -> Authenticated:
        """Load the token's user once, however many requests are waiting for it."""
        pending = self._pending.get(digest)
        if pending is None:
            pending = asyncio.ensure_future(load())
            self._pending[digest] = pending
            pending.add_done_callback(lambda _: self._pending.pop(digest, None))
        return await asyncio.shield(pending)

    def forget(self) -> None:
        with self._lock:
            self._users.clear()
