"""Users, their roles and API tokens.

A token is shown once, when it is made; the database keeps only its sha256, so a copy
of the database does not hand out working tokens.  Tokens are 256 random bits, so a
plain sha256 (no salt, no slow hash) is enough to make them unrecoverable.
"""

from __future__ import annotations

import hashlib
import secrets
import shlex
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from techspec.errors import UsageError
from techspec.store import audit
from techspec.store.clock import now
from techspec.store.engine import Store
from techspec.store.errors import Conflict, Forbidden, NotFound
from techspec.store.schema import api_tokens, user_roles, users

TOKEN_PREFIX = "tsk_"


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    roles: tuple[str, ...]

    def has_role(self, role: str) -> bool:
        wanted = role.strip().casefold()
        return any(held.casefold() == wanted for held in self.roles)


def add_user(store: Store, name: str, roles: list[str] | tuple[str, ...] = ()) -> User:
    """Create a user with roles; a taken name is a :class:`Conflict`."""
    name = _clean(name, "user name")
    unique = list(dict.fromkeys(_clean(role, "role") for role in roles))
    try:
        with store.write() as connection:
            user_id = connection.execute(
                sa.insert(users).values(name=name, created_at=now()).returning(users.c.id)
            ).scalar_one()
            if unique:
                rows = [{"user_id": user_id, "role": role} for role in unique]
                connection.execute(sa.insert(user_roles), rows)
            audit.record(
                connection, actor=None, action="user.added", details={"user": name, "roles": unique}
            )
    except IntegrityError:
        raise Conflict(f"a user named '{name}' already exists") from None
    return User(user_id, name, tuple(sorted(unique)))


def get_user(connection: Connection, name: str) -> User:
    """The user called ``name``; :class:`NotFound` with a hint otherwise."""
    row = connection.execute(
        sa.select(users.c.id, users.c.name).where(users.c.name == name)
    ).first()
    if row is None:
        raise NotFound(
            f"unknown user '{name}'",
            hint=f"add one with: techspec user add {shlex.quote(name)} --role ROLE",
        )
    return User(row.id, row.name, _roles(connection, row.id))


def find_user(store: Store, name: str) -> User:
    with store.read() as connection:
        return get_user(connection, name)


def list_users(store: Store) -> list[User]:
    with store.read() as connection:
        rows = connection.execute(sa.select(users.c.id, users.c.name).order_by(users.c.name))
        return [User(row.id, row.name, _roles(connection, row.id)) for row in rows.all()]


def _roles(connection: Connection, user_id: int) -> tuple[str, ...]:
    query = sa.select(user_roles.c.role).where(user_roles.c.user_id == user_id)
    return tuple(sorted(connection.execute(query).scalars()))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(store: Store, name: str, label: str = "") -> str:
    """A new API token for user ``name``: returned in clear this once, stored hashed."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with store.write() as connection:
        user = get_user(connection, name)
        connection.execute(
            sa.insert(api_tokens).values(
                user_id=user.id, token_hash=hash_token(token), label=label, created_at=now()
            )
        )
        audit.record(connection, actor=user.name, action="token.created", details={"label": label})
    return token


def authenticate(store: Store, token: str) -> User:
    """The user a token belongs to; :class:`Forbidden` for an unknown or revoked token."""
    query = sa.select(api_tokens.c.user_id).where(
        api_tokens.c.token_hash == hash_token(token), api_tokens.c.revoked_at.is_(None)
    )
    with store.read() as connection:
        user_id = connection.execute(query).scalar()
        if user_id is None:
            raise Forbidden("invalid or revoked API token")
        name = connection.execute(sa.select(users.c.name).where(users.c.id == user_id)).scalar_one()
        return get_user(connection, name)


def login(store: Store, token: str) -> User:
    """Authenticate a token and record the login in the audit log (the API's sign-in)."""
    user = authenticate(store, token)
    with store.write() as connection:
        token_id = connection.execute(
            sa.select(api_tokens.c.id).where(api_tokens.c.token_hash == hash_token(token))
        ).scalar_one()
        audit.record(
            connection, actor=user.name, action="user.login", details={"token_id": token_id}
        )
    return user


def revoke_tokens(store: Store, name: str) -> int:
    """Revoke every token of user ``name``; returns how many were live."""
    with store.write() as connection:
        user = get_user(connection, name)
        result = connection.execute(
            sa.update(api_tokens)
            .where(api_tokens.c.user_id == user.id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now())
        )
        audit.record(
            connection, actor=user.name, action="token.revoked", details={"count": result.rowcount}
        )
        return result.rowcount


def _clean(value: str, what: str) -> str:
    text = value.strip()
    if not text or any(ch in text for ch in "\r\n\t|"):
        raise UsageError(f"invalid {what} {value!r}: must be one line, without '|'")
    return text
