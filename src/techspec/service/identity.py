"""Who people are: users made and kept up to date from an OpenID provider's claims, and
what an admin does to accounts (roles, deactivation, password reset) and what anyone
does to their own API tokens.

**Single sign-on.**  :func:`sign_in_from_directory` takes the claims of an ID token that
the web layer has already validated (signature, issuer, audience, expiry, nonce) and
returns the techspec user.  A user is linked to the identity (issuer, ``sub``) and to
nothing else: a provider account named like a local one gets another name, so a
directory account called ``admin`` never becomes the local admin.  Roles follow
``TECHSPEC_OIDC_ROLE_MAP`` at every sign-in: the roles the directory granted last time
are replaced by those it grants now; roles an admin granted by hand are kept.  When a
map is configured and the provider sends no roles claim at all, the sign-in is refused
(:class:`MissingClaim`) instead of taking every role away: that is a provider set-up
mistake, not an empty directory.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from techspec.errors import ConfigError, TechspecError, UsageError
from techspec.service import passwords
from techspec.service.permissions import Actor, Console, actor_name, require_admin, require_reader
from techspec.store import audit, identity, sessions, token_records
from techspec.store.clock import now
from techspec.store.engine import Store
from techspec.store.errors import Conflict, Forbidden
from techspec.store.identity import Account
from techspec.store.schema import api_tokens, users
from techspec.store.token_records import TokenInfo
from techspec.store.users import User, get_user

MAX_NAME = 200
EXPIRY_DAYS = (7, 30, 90, 365)
"""The expiries the token page offers; 0 means never."""


class MissingClaim(TechspecError):
    """The provider's answer lacks a claim techspec needs: a provider set-up problem."""

    http_status = 502


class Deactivated(Forbidden):
    """A deactivated account tried to sign in."""


RoleMap = Mapping[str, tuple[str, ...]]


def parse_role_map(text: str) -> dict[str, tuple[str, ...]]:
    """``eng-leads=Technical Lead,techspec-admins=admin`` as group -> roles; a group
    may be named twice to grant two roles.  A malformed entry is a :class:`ConfigError`
    naming it."""
    found: dict[str, list[str]] = {}
    for entry in text.split(","):
        if not entry.strip():
            continue
        group, equals, role = entry.partition("=")
        group, role = group.strip(), role.strip()
        if not equals or not group or not role or "|" in role or len(role) > MAX_NAME:
            raise ConfigError(
                f"TECHSPEC_OIDC_ROLE_MAP: {entry.strip()!r} is not 'group=role' "
                "(example: eng-leads=Technical Lead,techspec-admins=admin)"
            )
        found.setdefault(group, [])
        if role not in found[group]:
            found[group].append(role)
    return {group: tuple(roles) for group, roles in found.items()}


@dataclass(frozen=True, slots=True)
class Directory:
    """How the provider's claims become a user: the issuer, the claim holding groups,
    and the map from groups to roles."""

    issuer: str
    roles_claim: str = "groups"
    role_map: RoleMap | None = None


def sign_in_from_directory(
    store: Store, directory: Directory, claims: Mapping[str, object]
) -> User:
    """The user of validated ID-token (and userinfo) claims, made at first sign-in and
    brought up to date (display name, email, directory roles) at every one."""
    subject = _text(claims.get("sub"))
    if not subject:
        raise MissingClaim("the provider's ID token has no 'sub' claim")
    groups = _groups(claims, directory) if directory.role_map is not None else None
    display = _text(claims.get("name"))[:MAX_NAME]
    email = _text(claims.get("email"))[:320]
    with store.write() as connection:
        user_id = identity.by_subject(connection, directory.issuer, subject)
        created = user_id is None
        if user_id is None:
            name = _free_name(connection, claims, subject)
            user_id = connection.execute(
                sa.insert(users).values(name=name, created_at=now()).returning(users.c.id)
            ).scalar_one()
            identity.upsert(
                connection,
                user_id,
                oidc_issuer=directory.issuer,
                oidc_subject=subject,
                display_name=display,
                email=email,
            )
            audit.record(
                connection,
                actor=None,
                action="user.added",
                details={"user": name, "via": "oidc", "issuer": directory.issuer},
            )
        else:
            name = connection.execute(
                sa.select(users.c.name).where(users.c.id == user_id)
            ).scalar_one()
            if identity.is_deactivated(connection, user_id):
                raise Deactivated(f"{name} is deactivated: ask an admin to reactivate the account")
            identity.upsert(connection, user_id, display_name=display, email=email)
        if groups is not None and directory.role_map is not None:
            _sync_roles(connection, user_id, name, groups, directory.role_map, created)
        audit.record(
            connection,
            actor=name,
            action="user.login",
            details={"via": "oidc", "issuer": directory.issuer},
        )
        return get_user(connection, name)


def _text(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _groups(claims: Mapping[str, object], directory: Directory) -> list[str]:
    value = claims.get(directory.roles_claim)
    if value is None:
        raise MissingClaim(
            f"the provider sent no '{directory.roles_claim}' claim, so techspec cannot tell "
            "this person's roles: configure the provider to include it (Keycloak: a 'Group "
            "Membership' mapper on the client) or set TECHSPEC_OIDC_ROLES_CLAIM"
        )
    items: Sequence[object] = [value] if isinstance(value, str) else value  # type: ignore[assignment]
    if not isinstance(items, list | tuple):
        raise MissingClaim(f"the '{directory.roles_claim}' claim is neither a list nor a text")
    # Keycloak spells groups as paths ("/eng-leads") unless told otherwise: accept both.
    return [item.strip() for item in items if isinstance(item, str)] + [
        item.strip().lstrip("/") for item in items if isinstance(item, str) and "/" in item
    ]


def _free_name(connection: sa.Connection, claims: Mapping[str, object], subject: str) -> str:
    """The first of ``preferred_username``, ``email`` and ``sub`` that no user has; then
    the preferred one with ``-2``, ``-3``..."""
    candidates = [
        _text(claims.get("preferred_username")),
        _text(claims.get("email")),
        subject,
    ]
    usable = [c[:MAX_NAME] for c in candidates if c and "|" not in c]
    for name in usable:
        if not identity.name_taken(connection, name):
            return name
    base = (usable or ["user"])[0][: MAX_NAME - 6]
    for number in range(2, 1000):
        name = f"{base}-{number}"
        if not identity.name_taken(connection, name):
            return name
    raise Conflict(f"no free user name for '{base}': an admin can rename users")


def _sync_roles(
    connection: sa.Connection,
    user_id: int,
    name: str,
    groups: list[str],
    role_map: RoleMap,
    created: bool,
) -> None:
    held = set(get_user(connection, name).roles)
    before_directory = identity.directory_roles_of(connection, user_id)
    manual = held - before_directory
    mapped = {role for group in groups for role in role_map.get(group, ())}
    roles = manual | mapped
    from_directory = mapped - manual
    if roles == held and from_directory == before_directory and not created:
        return
    identity.set_roles(connection, user_id, roles, from_directory)
    audit.record(
        connection,
        actor=None,
        action="user.roles-synced",
        details={
            "user": name,
            "added": sorted(roles - held),
            "removed": sorted(held - roles),
            "from_directory": sorted(from_directory),
        },
    )


# ----------------------------------------------------------------- admin: accounts


def accounts(store: Store, actor: Actor, search: str = "") -> list[Account]:
    require_admin(actor, "list users")
    with store.read() as connection:
        return identity.accounts(connection, search[:200])


def account(store: Store, actor: Actor, name: str) -> Account:
    require_admin(actor, "see user accounts")
    with store.read() as connection:
        user = get_user(connection, name)
        for found in identity.accounts(connection, user.name, limit=1000):
            if found.user_id == user.id:
                return found
    return Account(user.id, user.name, user.roles)  # pragma: no cover - the search finds it


def set_roles(store: Store, actor: Actor, name: str, roles: Sequence[str]) -> User:
    """Replace ``name``'s roles.  Roles the directory granted stay marked so (the next
    sign-in may change them); the rest are manual from now on."""
    require_admin(actor, "change roles")
    wanted = {_role(role) for role in roles if role.strip()}
    with store.write() as connection:
        user = get_user(connection, name)
        if (
            isinstance(actor, User)
            and actor.id == user.id
            and "admin" in user.roles
            and "admin" not in wanted
        ):
            raise Conflict("you cannot take the admin role from yourself: ask another admin")
        directory = identity.directory_roles_of(connection, user.id)
        identity.set_roles(connection, user.id, wanted, directory & wanted)
        audit.record(
            connection,
            actor=actor_name(actor),
            action="user.roles-set",
            details={"user": user.name, "roles": sorted(wanted), "before": list(user.roles)},
        )
        return get_user(connection, user.name)


def _role(value: str) -> str:
    role = " ".join(value.split())
    if not role or "|" in role or len(role) > MAX_NAME:
        raise UsageError(f"invalid role {value!r}: one line, without '|'")
    return role


def deactivate(store: Store, actor: Actor, name: str) -> User:
    """Deactivate ``name``: every session and API token ends at once, in the same
    transaction, and no sign-in (password or provider) works until reactivated."""
    require_admin(actor, "deactivate users")
    with store.write() as connection:
        user = get_user(connection, name)
        if isinstance(actor, User) and actor.id == user.id:
            raise Conflict("you cannot deactivate yourself: ask another admin")
        at = now()
        identity.upsert(connection, user.id, deactivated_at=at)
        ended = sessions.revoke_user(connection, user.id, at)
        revoked = connection.execute(
            sa.update(api_tokens)
            .where(api_tokens.c.user_id == user.id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
        ).rowcount
        audit.record(
            connection,
            actor=actor_name(actor),
            action="user.deactivated",
            details={"user": user.name, "sessions": ended, "tokens": revoked},
        )
        return user


def reactivate(store: Store, actor: Actor, name: str) -> User:
    require_admin(actor, "reactivate users")
    with store.write() as connection:
        user = get_user(connection, name)
        identity.upsert(connection, user.id, deactivated_at=None)
        audit.record(
            connection, actor=actor_name(actor), action="user.reactivated", details={"user": name}
        )
        return user


def is_deactivated(store: Store, user: User) -> bool:
    with store.read() as connection:
        return identity.is_deactivated(connection, user.id)


def reset_password(store: Store, actor: Actor, name: str) -> str:
    """A new random password for ``name``, returned to be shown once; every session of
    theirs ends (as any new password does)."""
    require_admin(actor, "reset passwords")
    password = secrets.token_urlsafe(12)
    passwords.set_password(store, name, password, actor=actor_name(actor))
    return password


# ----------------------------------------------------------------- API tokens


def create_token(
    store: Store,
    actor: Actor,
    name: str,
    label: str,
    scope: str,
    expires_in_days: int,
    *,
    at: datetime | None = None,
) -> str:
    """A named token for ``name`` (users make their own, admins anyone's), shown once;
    ``expires_in_days`` 0 means it never expires."""
    _self_or_admin(actor, name, "make API tokens for others")
    if expires_in_days < 0 or expires_in_days > 3650:
        raise UsageError("a token expires in 0 (never) to 3650 days")
    expires = (at or now()) + timedelta(days=expires_in_days) if expires_in_days else None
    with store.write() as connection:
        user = get_user(connection, name)
        return token_records.create(
            connection, user, label, scope, expires, actor=actor_name(actor)
        )


def tokens(store: Store, actor: Actor, name: str) -> list[TokenInfo]:
    _self_or_admin(actor, name, "see the API tokens of others")
    with store.read() as connection:
        return token_records.tokens_of(connection, get_user(connection, name))


def revoke_token(store: Store, actor: Actor, name: str, token_id: int) -> TokenInfo:
    _self_or_admin(actor, name, "revoke the API tokens of others")
    with store.write() as connection:
        user = get_user(connection, name)
        return token_records.revoke(connection, user, token_id, actor=actor_name(actor))


def _self_or_admin(actor: Actor, name: str, doing: str) -> None:
    require_reader(actor)
    if isinstance(actor, Console) or actor.name != name:
        require_admin(actor, doing)


def linked_to_provider(store: Store, user: User) -> bool:
    """True when ``user`` signs in through an OpenID provider (signing out then ends
    their session there too)."""
    with store.read() as connection:
        found = identity.account(connection, user.id)
    return found is not None and found.get("oidc_subject") is not None
