"""Accounts beside the users table: display name, email, deactivation, the OpenID
identity a user signs in with, and the roles the directory granted.

``users`` stays what every layer knows (an id, a name, roles); these rows are what single
sign-on and the admin pages add (migration ``identity_0001``).  A user is linked to an
OpenID identity by the pair (issuer, ``sub``) only, never by name or email: a provider
account called ``admin`` does not become the local ``admin``.  ``directory_roles``
records which of a user's roles came from the directory's groups, so that the next
sign-in can take those away again and leave the roles an admin granted by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from techspec.store.clock import as_utc
from techspec.store.schema import Timestamp, user_roles, users

tables = sa.MetaData()
user_accounts = sa.Table(
    "user_accounts",
    tables,
    sa.Column("user_id", sa.Integer, primary_key=True),
    sa.Column("display_name", sa.String(200), nullable=False, server_default=""),
    sa.Column("email", sa.String(320), nullable=False, server_default=""),
    sa.Column("deactivated_at", Timestamp, nullable=True),
    sa.Column("oidc_issuer", sa.String(500), nullable=True),
    sa.Column("oidc_subject", sa.String(255), nullable=True),
)
directory_roles = sa.Table(
    "directory_roles",
    tables,
    sa.Column("user_id", sa.Integer, primary_key=True),
    sa.Column("role", sa.String(200), primary_key=True),
)
site_settings = sa.Table(
    "site_settings",
    tables,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)


@dataclass(frozen=True, slots=True)
class Account:
    """What the admin pages show of a user beyond name and roles."""

    user_id: int
    name: str
    roles: tuple[str, ...]
    display_name: str = ""
    email: str = ""
    deactivated_at: datetime | None = None
    oidc_subject: str | None = None
    directory_roles: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return self.deactivated_at is None


def account(connection: Connection, user_id: int) -> dict[str, object] | None:
    """The ``user_accounts`` row of a user, as a dict; None when it has none."""
    row = connection.execute(
        sa.select(user_accounts).where(user_accounts.c.user_id == user_id)
    ).first()
    return None if row is None else dict(row._mapping)


def is_deactivated(connection: Connection, user_id: int) -> bool:
    query = sa.select(user_accounts.c.deactivated_at).where(user_accounts.c.user_id == user_id)
    return connection.execute(query).scalar() is not None


def upsert(connection: Connection, user_id: int, **values: object) -> None:
    """Set columns of the user's account row, making the row first when missing."""
    found = connection.execute(
        sa.select(user_accounts.c.user_id).where(user_accounts.c.user_id == user_id)
    ).first()
    if found is None:
        connection.execute(sa.insert(user_accounts).values(user_id=user_id, **values))
    elif values:
        connection.execute(
            sa.update(user_accounts).where(user_accounts.c.user_id == user_id).values(**values)
        )


def by_subject(connection: Connection, issuer: str, subject: str) -> int | None:
    """The id of the user linked to the OpenID identity (issuer, subject)."""
    query = sa.select(user_accounts.c.user_id).where(
        user_accounts.c.oidc_issuer == issuer, user_accounts.c.oidc_subject == subject
    )
    found = connection.execute(query).scalar()
    return int(found) if found is not None else None


def name_taken(connection: Connection, name: str) -> bool:
    query = sa.select(users.c.id).where(users.c.name == name)
    return connection.execute(query).first() is not None


def directory_roles_of(connection: Connection, user_id: int) -> set[str]:
    query = sa.select(directory_roles.c.role).where(directory_roles.c.user_id == user_id)
    return set(connection.execute(query).scalars().all())


def set_roles(
    connection: Connection, user_id: int, roles: set[str], from_directory: set[str]
) -> None:
    """Replace a user's roles, recording which of them the directory granted."""
    connection.execute(sa.delete(user_roles).where(user_roles.c.user_id == user_id))
    if roles:
        rows = [{"user_id": user_id, "role": role} for role in sorted(roles)]
        connection.execute(sa.insert(user_roles), rows)
    connection.execute(sa.delete(directory_roles).where(directory_roles.c.user_id == user_id))
    granted = sorted(from_directory & roles)
    if granted:
        connection.execute(
            sa.insert(directory_roles), [{"user_id": user_id, "role": role} for role in granted]
        )


def accounts(connection: Connection, search: str = "", limit: int = 200) -> list[Account]:
    """Users whose name, display name or email contains ``search`` (any case), by name."""
    query = (
        sa.select(
            users.c.id,
            users.c.name,
            user_accounts.c.display_name,
            user_accounts.c.email,
            user_accounts.c.deactivated_at,
            user_accounts.c.oidc_subject,
        )
        .select_from(users.outerjoin(user_accounts, user_accounts.c.user_id == users.c.id))
        .order_by(users.c.name)
        .limit(limit)
    )
    wanted = search.strip().casefold()
    if wanted:
        pattern = "%" + wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            sa.or_(
                sa.func.lower(users.c.name).like(pattern, escape="\\"),
                sa.func.lower(sa.func.coalesce(user_accounts.c.display_name, "")).like(
                    pattern, escape="\\"
                ),
                sa.func.lower(sa.func.coalesce(user_accounts.c.email, "")).like(
                    pattern, escape="\\"
                ),
            )
        )
    rows = connection.execute(query).all()
    ids = [row.id for row in rows]
    held: dict[int, list[str]] = {user_id: [] for user_id in ids}
    granted: dict[int, list[str]] = {user_id: [] for user_id in ids}
    if ids:
        for user_id, role in connection.execute(
            sa.select(user_roles.c.user_id, user_roles.c.role).where(user_roles.c.user_id.in_(ids))
        ):
            held[user_id].append(role)
        for user_id, role in connection.execute(
            sa.select(directory_roles.c.user_id, directory_roles.c.role).where(
                directory_roles.c.user_id.in_(ids)
            )
        ):
            granted[user_id].append(role)
    return [
        Account(
            row.id,
            row.name,
            tuple(sorted(held[row.id])),
            row.display_name or "",
            row.email or "",
            as_utc(row.deactivated_at) if row.deactivated_at is not None else None,
            row.oidc_subject,
            tuple(sorted(granted[row.id])),
        )
        for row in rows
    ]


def get_setting(connection: Connection, name: str) -> str | None:
    query = sa.select(site_settings.c.value).where(site_settings.c.name == name)
    found = connection.execute(query).scalar()
    return str(found) if found is not None else None


def put_setting(connection: Connection, name: str, value: str) -> None:
    connection.execute(sa.delete(site_settings).where(site_settings.c.name == name))
    connection.execute(sa.insert(site_settings).values(name=name, value=value))
