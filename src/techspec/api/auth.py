"""Who is asking: the bearer token, its user and roles, and the request rate it used.

A token's user comes from the context's :class:`~techspec.api.tokens.TokenCache` (one
database read per token every few seconds), loaded on the store the context reads.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from techspec.api.context import ApiContext, api_context
from techspec.api.errors import Unauthorized
from techspec.api.tokens import HOW, TokenCache
from techspec.store.errors import Forbidden
from techspec.store.token_records import READ, Authenticated, touch
from techspec.store.users import User, hash_token

__all__ = [
    "CurrentUser",
    "TokenCache",
    "bearer_token",
    "current_user",
    "known_user",
    "parse_bearer",
]
# TokenCache lives in techspec.api.tokens, below the context that holds one; it is
# re-exported here, where the app that builds the context imports it.


def parse_bearer(header: str) -> str | None:
    """The token of ``Bearer TOKEN``; None for any other shape."""
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.casefold() != "bearer" or not token or len(token) > 512:
        return None
    return token


def bearer_token(request: Request, hint: str = HOW) -> str:
    header = request.headers.get("authorization")
    if not header:
        raise Unauthorized(f"no API token: {hint}")
    token = parse_bearer(header)
    if token is None:
        raise Unauthorized(f"malformed Authorization header: {hint}")
    return token


async def known_user(api: ApiContext, header: str | None) -> tuple[User, str] | None:
    """The user of an ``Authorization`` header and its token's digest (no rate charged);
    None for a missing, malformed, unknown or revoked token, which the route refuses with
    its own message."""
    token = parse_bearer(header) if header else None
    if token is None:
        return None
    digest = hash_token(token)
    found = api.tokens.get(digest)
    if found is None:
        try:
            found = await _fetch(api, token, digest)
        except Unauthorized:
            return None
    return found.user, digest


async def current_user(request: Request, api: Annotated[ApiContext, Depends(api_context)]) -> User:
    """The authenticated user (401 otherwise), after charging the token's rate.  A
    ``read`` token may only read: any other method is refused here, for every route."""
    token = bearer_token(request, api.tokens.hint)
    digest = hash_token(token)
    api.limiter.check(digest)
    found = api.tokens.get(digest)
    if found is None:
        found = await _fetch(api, token, digest)
    request.state.user = found.user.name
    if found.scope == READ and not reads_only(request):
        raise Forbidden(
            f"this API token's scope is '{READ}': it may not {request.method} "
            f"{request.url.path} (make a read-write token to change things)"
        )
    return found.user


CurrentUser = Annotated[User, Depends(current_user)]


log = logging.getLogger("techspec.api")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
READING_POSTS = frozenset({"/api/v1/lint"})
"""POSTs that store nothing (lint text sent in the body)."""


def reads_only(request: Request) -> bool:
    """True for a request that changes nothing: a safe method, or a POST that only lints."""
    if request.method in SAFE_METHODS:
        return True
    return request.method == "POST" and request.url.path.rstrip("/") in READING_POSTS


async def _fetch(api: ApiContext, token: str, digest: str) -> Authenticated:
    """The token's user from the store, in one read however many requests wait for it.
    Its last use, when older than a minute, is recorded in a worker thread (never on the
    event loop) before the request goes on, so the read cache stores its answer at the
    data version that includes that write."""
    tokens = api.tokens
    found = await tokens.fetch(digest, lambda: api.read(tokens.load, api.store, token, digest))
    if found.stale_use:
        try:
            await run_in_threadpool(touch, api.store, found.token_id)
        except Exception as error:  # a busy database: the use goes unrecorded, not refused
            log.warning("could not record an API token's last use: %s", type(error).__name__)
    return found
