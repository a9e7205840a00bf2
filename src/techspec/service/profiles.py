"""A user's email address, display name and mail preference: users change their own,
admins (and the console) anyone's."""

from __future__ import annotations

from techspec.service.permissions import Actor, Console, actor_name, require_admin, require_reader
from techspec.store import profiles
from techspec.store.engine import Store
from techspec.store.profiles import UNSET, Profile, Unset, email_address

__all__ = ["UNSET", "Profile", "email_address", "get_profile", "set_profile"]


def get_profile(store: Store, actor: Actor, name: str) -> Profile:
    _require_self_or_admin(actor, name, "read the profiles of others")
    return profiles.get_profile(store, name)


def set_profile(
    store: Store,
    actor: Actor,
    name: str,
    *,
    email: str | Unset | None = UNSET,
    display_name: str | Unset | None = UNSET,
    mail: str | None = None,
) -> Profile:
    _require_self_or_admin(actor, name, "change the profiles of others")
    return profiles.set_profile(
        store,
        name,
        email=email,
        display_name=display_name,
        mail=mail,
        actor=actor_name(actor),
    )


def _require_self_or_admin(actor: Actor, name: str, doing: str) -> None:
    require_reader(actor)
    if isinstance(actor, Console) or actor.name != name:
        require_admin(actor, doing)
