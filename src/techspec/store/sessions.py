"""Browser sessions: one row per sign-in, found by the sha256 of the random id its cookie
carries.

The id is 256 random bits, shown only to the browser; the table keeps its sha256 (as
``api_tokens`` keeps a token's), so reading the database does not let anyone act as a
signed-in user.  A session ends when it is revoked (``revoked_at``), when it has been
idle too long (``last_seen_at``) or when it is too old (``created_at``); the application
layer (:mod:`techspec.service.sessions`) decides which of these hold, these functions only
read and write the rows inside the caller's transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from techspec.store.clock import as_utc
from techspec.store.schema import users, web_sessions


@dataclass(frozen=True, slots=True)
class SessionRow:
    id: int
    user_name: str
    created_at: datetime
    last_seen_at: datetime
    revoked_at: datetime | None


def new_id() -> str:
    """A fresh session id: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_id(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def create(connection: Connection, user_id: int, session_id: str, at: datetime) -> None:
    connection.execute(
        sa.insert(web_sessions).values(
            id_hash=hash_id(session_id), user_id=user_id, created_at=at, last_seen_at=at
        )
    )


def find(connection: Connection, session_id: str) -> SessionRow | None:
    """The session with this id and its user's name, ended or not; None if unknown."""
    row = connection.execute(
        sa.select(
            web_sessions.c.id,
            users.c.name,
            web_sessions.c.created_at,
            web_sessions.c.last_seen_at,
            web_sessions.c.revoked_at,
        )
        .join(users, users.c.id == web_sessions.c.user_id)
        .where(web_sessions.c.id_hash == hash_id(session_id))
    ).first()
    if row is None:
        return None
    revoked = as_utc(row.revoked_at) if row.revoked_at is not None else None
    return SessionRow(row.id, row.name, as_utc(row.created_at), as_utc(row.last_seen_at), revoked)


def touch(connection: Connection, row_id: int, at: datetime, *, seen_before: datetime) -> None:
    """Record activity at ``at``, unless someone recorded it since ``seen_before``
    (concurrent requests of one browser then write once)."""
    connection.execute(
        sa.update(web_sessions)
        .where(web_sessions.c.id == row_id, web_sessions.c.last_seen_at < seen_before)
        .values(last_seen_at=at)
    )


def revoke(connection: Connection, session_id: str, at: datetime) -> bool:
    """End one session; False when it was unknown or had already ended."""
    result = connection.execute(
        sa.update(web_sessions)
        .where(web_sessions.c.id_hash == hash_id(session_id), web_sessions.c.revoked_at.is_(None))
        .values(revoked_at=at)
    )
    return result.rowcount > 0


def revoke_user(connection: Connection, user_id: int, at: datetime) -> int:
    """End every live session of a user; returns how many there were."""
    result = connection.execute(
        sa.update(web_sessions)
        .where(web_sessions.c.user_id == user_id, web_sessions.c.revoked_at.is_(None))
        .values(revoked_at=at)
    )
    return result.rowcount


def prune(
    connection: Connection, user_id: int, *, started_before: datetime, seen_before: datetime
) -> int:
    """Delete a user's sessions that ended (revoked, too old or idle too long), so the
    table holds only live sessions and recent ones; returns how many went."""
    ended = sa.or_(
        web_sessions.c.revoked_at.is_not(None),
        web_sessions.c.created_at < started_before,
        web_sessions.c.last_seen_at < seen_before,
    )
    result = connection.execute(
        sa.delete(web_sessions).where(web_sessions.c.user_id == user_id, ended)
    )
    return result.rowcount
