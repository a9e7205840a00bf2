"""People: users and their roles, API tokens, passwords and web sessions (admins only,
or the console), and tokens a user makes for themselves."""

from __future__ import annotations

from techspec.service import passwords, sessions
from techspec.service.permissions import Actor, Console, actor_name, require_admin
from techspec.store import users
from techspec.store.engine import Store
from techspec.store.users import User


def add_user(store: Store, actor: Actor, name: str, roles: list[str] | tuple[str, ...]) -> User:
    require_admin(actor, "add users")
    return users.add_user(store, name, roles)


def list_users(store: Store, actor: Actor) -> list[User]:
    require_admin(actor, "list users")
    return users.list_users(store)


def create_token(store: Store, actor: Actor, name: str, label: str = "") -> str:
    """A new API token for ``name``, shown this once: users make their own, admins
    anyone's."""
    _require_self_or_admin(actor, name, "make API tokens for others")
    return users.create_token(store, name, label)


def revoke_tokens(store: Store, actor: Actor, name: str) -> int:
    _require_self_or_admin(actor, name, "revoke the API tokens of others")
    return users.revoke_tokens(store, name)


def set_password(store: Store, actor: Actor, name: str, password: str) -> User:
    _require_self_or_admin(actor, name, "set the passwords of others")
    return passwords.set_password(store, name, password, actor=actor_name(actor))


def revoke_sessions(store: Store, actor: Actor, name: str) -> int:
    """Sign ``name`` out of every browser at once; returns how many sessions were live.
    Users may end their own, admins anyone's."""
    _require_self_or_admin(actor, name, "sign out others")
    return sessions.end_all(store, name, actor=actor_name(actor))


def _require_self_or_admin(actor: Actor, name: str, doing: str) -> None:
    if isinstance(actor, Console) or actor.name != name:
        require_admin(actor, doing)
