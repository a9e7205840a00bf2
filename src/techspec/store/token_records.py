"""Personal API tokens with a name, a scope and an expiry, as the browser's token page
makes and lists them (:mod:`techspec.store.users` makes the command line's).

A token's scope is ``read`` (safe HTTP methods only) or ``read-write``; the API refuses
a write with a read token before any route runs (:mod:`techspec.api.auth`).  A token
stops working when it is revoked, when it expires, or when its user is deactivated;
its last use is recorded at most once a minute, so reads do not each cost a write.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from techspec.errors import UsageError
from techspec.store import audit
from techspec.store.clock import as_utc, now
from techspec.store.engine import Store
from techspec.store.errors import Forbidden, NotFound
from techspec.store.identity import is_deactivated
from techspec.store.schema import api_tokens, users
from techspec.store.users import TOKEN_PREFIX, User, get_user, hash_token

READ = "read"
READ_WRITE = "read-write"
SCOPES = (READ, READ_WRITE)
TOUCH_EVERY = timedelta(minutes=1)
MAX_LABEL = 200


@dataclass(frozen=True, slots=True)
class TokenInfo:
    id: int
    label: str
    scope: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    def live(self, at: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or at < self.expires_at)


@dataclass(frozen=True, slots=True)
class Authenticated:
    user: User
    scope: str
    expires_at: datetime | None
    token_id: int = 0
    stale_use: bool = False
    """The recorded last use is older than :data:`TOUCH_EVERY`: call :func:`touch`."""


def create(
    connection: Connection,
    user: User,
    label: str,
    scope: str,
    expires_at: datetime | None,
    *,
    actor: str | None,
) -> str:
    """A new token for ``user``, returned in clear this once; stored as its sha256."""
    label = " ".join(label.split())
    if not label:
        raise UsageError("give the token a name (what it is for)")
    if len(label) > MAX_LABEL:
        raise UsageError(f"a token name may have at most {MAX_LABEL} characters")
    if scope not in SCOPES:
        raise UsageError(f"unknown scope {scope!r} (scopes: {', '.join(SCOPES)})")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    connection.execute(
        sa.insert(api_tokens).values(
            user_id=user.id,
            token_hash=hash_token(token),
            label=label,
            scope=scope,
            expires_at=expires_at,
            created_at=now(),
        )
    )
    audit.record(
        connection,
        actor=actor,
        action="token.created",
        details={
            "user": user.name,
            "label": label,
            "scope": scope,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return token


def tokens_of(connection: Connection, user: User) -> list[TokenInfo]:
    """Every token of ``user``, newest first."""
    query = (
        sa.select(api_tokens)
        .where(api_tokens.c.user_id == user.id)
        .order_by(api_tokens.c.id.desc())
    )
    return [_info(row) for row in connection.execute(query)]


def revoke(connection: Connection, user: User, token_id: int, *, actor: str | None) -> TokenInfo:
    """Revoke one of ``user``'s tokens (already revoked: nothing changes)."""
    row = connection.execute(
        sa.select(api_tokens).where(api_tokens.c.id == token_id, api_tokens.c.user_id == user.id)
    ).first()
    if row is None:
        raise NotFound(f"{user.name} has no API token {token_id}")
    if row.revoked_at is None:
        connection.execute(
            sa.update(api_tokens).where(api_tokens.c.id == token_id).values(revoked_at=now())
        )
        audit.record(
            connection,
            actor=actor,
            action="token.revoked",
            details={"user": user.name, "label": row.label, "token_id": token_id},
        )
    return _info(connection.execute(sa.select(api_tokens).where(api_tokens.c.id == token_id)).one())


def authenticate(
    store: Store, token: str, *, at: datetime | None = None, record_use: bool = True
) -> Authenticated:
    """The user and scope of a live token; :class:`Forbidden` for an unknown, revoked or
    expired token and for a deactivated user's.  Records the use (once a minute) unless
    ``record_use`` is off: the API reads on its event loop and records the use later, in
    a thread (:func:`touch`), so that a read never waits for a write."""
    when = at or now()
    digest = hash_token(token)
    with store.read() as connection:
        row = connection.execute(
            sa.select(api_tokens, users.c.name)
            .join(users, users.c.id == api_tokens.c.user_id)
            .where(api_tokens.c.token_hash == digest)
        ).first()
        if row is None or row.revoked_at is not None:
            raise Forbidden("invalid or revoked API token")
        expires = as_utc(row.expires_at) if row.expires_at is not None else None
        if expires is not None and when >= expires:
            raise Forbidden(f"this API token expired at {expires:%Y-%m-%d %H:%M} UTC")
        if is_deactivated(connection, row.user_id):
            raise Forbidden(f"{row.name} is deactivated: their API tokens no longer work")
        user = get_user(connection, row.name)
    last = as_utc(row.last_used_at) if row.last_used_at is not None else None
    stale = last is None or when - last >= TOUCH_EVERY
    if stale and record_use:
        touch(store, row.id, when)
    return Authenticated(user, row.scope or READ_WRITE, expires, row.id, stale and not record_use)


def touch(store: Store, token_id: int, at: datetime | None = None) -> None:
    """Record that token ``token_id`` was used at ``at`` (now)."""
    with store.write() as connection:
        connection.execute(
            sa.update(api_tokens)
            .where(api_tokens.c.id == token_id)
            .values(last_used_at=at or now())
        )


def _info(row: sa.Row[object]) -> TokenInfo:
    values = row._mapping

    def when(name: str) -> datetime | None:
        value = values[name]
        return as_utc(value) if value is not None else None

    return TokenInfo(
        int(values["id"]),
        str(values["label"]),
        str(values["scope"] or READ_WRITE),
        as_utc(values["created_at"]),
        when("expires_at"),
        when("last_used_at"),
        when("revoked_at"),
    )
