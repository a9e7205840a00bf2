"""Passwords for signing in to the web UI: one argon2id hash per user.

The API authenticates with tokens; people in a browser sign in with their name and a
password.  Only an argon2id hash is stored (argon2-cffi's defaults), in the table
``user_passwords`` (migration ``web_0001``).  A sign-in with an unknown name still
spends one hash verification, so the answer time does not tell which names exist.
Setting a new password ends every session of the user (:mod:`techspec.store.sessions`),
in the same transaction.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterable
from functools import lru_cache
from typing import TextIO

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.engine import Connection

from techspec.errors import TechspecError, UsageError
from techspec.store import audit, sessions
from techspec.store.clock import now
from techspec.store.engine import Store
from techspec.store.errors import NotFound
from techspec.store.schema import Timestamp
from techspec.store.users import User, get_user

MIN_LENGTH = 8
MAX_LENGTH = 1024
"""Longer inputs are refused before hashing (hashing cost grows with the input)."""

user_passwords = sa.Table(
    "user_passwords",
    sa.MetaData(),
    sa.Column("user_id", sa.Integer, primary_key=True),
    sa.Column("hash", sa.String(255), nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
)
"""The migration's table, as this module queries it (see ``web_0001_passwords.py``)."""

_hasher = PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against for unknown names, made on first use, not at import
    (hashing takes a noticeable moment and would slow every start-up)."""
    return _hasher.hash(secrets.token_urlsafe(16))


class BadCredentials(TechspecError):
    """An unknown user name, a user without a password, or a wrong password."""

    exit_code = 4
    http_status = 401


def check_strength(password: str) -> None:
    """Refuse a password that is too short or too long, saying which."""
    if len(password) < MIN_LENGTH:
        raise UsageError(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise UsageError(f"a password may have at most {MAX_LENGTH} characters")


def generate() -> str:
    """A random password of 16 URL-safe characters (for demo users)."""
    return secrets.token_urlsafe(12)


def demo_passwords(store: Store, names: Iterable[str], out: TextIO | None = None) -> dict[str, str]:
    """Give each demo user a random password and print the sign-in lines once (the demo
    seeding's only chance to tell them: only their hashes are kept)."""
    given = {name: generate() for name in names}
    for name, password in given.items():
        set_password(store, name, password)
    sink = out or sys.stdout
    sink.write("web UI sign-in (shown once):\n")
    for name, password in given.items():
        sink.write(f"  {name:<16} {password}\n")
    sink.flush()
    return given


def set_password(store: Store, name: str, password: str, *, actor: str | None = None) -> User:
    """Give user ``name`` a new password (replacing any old one), end every session
    they have, and audit it."""
    check_strength(password)
    digest = _hasher.hash(password)
    with store.write() as connection:
        user = get_user(connection, name)
        _store_hash(connection, user.id, digest)
        sessions.revoke_user(connection, user.id, now())
        audit.record(
            connection,
            actor=actor or user.name,
            action="user.password-set",
            details={"user": user.name},
        )
    return user


def verify(store: Store, name: str, password: str) -> User:
    """The user when ``password`` is theirs; otherwise :class:`BadCredentials`.  The
    sign-in is recorded in the audit log."""
    if len(password) > MAX_LENGTH:
        raise BadCredentials("unknown user name or wrong password")
    with store.read() as connection:
        found = _lookup(connection, name.strip())
    user, digest = found if found is not None else (None, None)
    try:
        _hasher.verify(digest or _dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise BadCredentials("unknown user name or wrong password") from None
    if user is None or digest is None:
        raise BadCredentials("unknown user name or wrong password")
    with store.write() as connection:
        if _hasher.check_needs_rehash(digest):
            digest = _hasher.hash(password)
            _store_hash(connection, user.id, digest)
        audit.record(connection, actor=user.name, action="user.login", details={"via": "password"})
    return user


def has_password(store: Store, name: str) -> bool:
    with store.read() as connection:
        return _lookup(connection, name) is not None


def _lookup(connection: Connection, name: str) -> tuple[User, str] | None:
    try:
        user = get_user(connection, name)
    except NotFound:
        return None
    digest = connection.execute(
        sa.select(user_passwords.c.hash).where(user_passwords.c.user_id == user.id)
    ).scalar()
    return (user, digest) if digest is not None else None


def _store_hash(connection: Connection, user_id: int, digest: str) -> None:
    connection.execute(sa.delete(user_passwords).where(user_passwords.c.user_id == user_id))
    connection.execute(
        sa.insert(user_passwords).values(user_id=user_id, hash=digest, updated_at=now())
    )
