"""What a user is called and how they are reached: a display name, an email address and
how they want mail (one per inbox item, a daily digest, or none).

A user without a profile row has none of these and the default mail preference; the row
is made the first time something is set (or a reminder or digest is stamped on it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from techspec.errors import UsageError
from techspec.store import audit
from techspec.store.engine import Store
from techspec.store.inbox_schema import MAIL_MODES, user_profiles
from techspec.store.people import DEFAULT_MAIL, ensure
from techspec.store.schema import users
from techspec.store.users import get_user

_EMAIL = re.compile(r"[^@\s<>,;:\"()\[\]\\]{1,64}@[A-Za-z0-9.-]{1,253}")
"""One address: no spaces, angle brackets or header punctuation (nothing that could
start a second recipient or header), a host name of letters, digits, dots and dashes."""


@dataclass(frozen=True, slots=True)
class Profile:
    user_id: int
    name: str
    email: str | None
    display_name: str | None
    mail: str


class Unset:
    """A field left as it is (``None`` clears it)."""


UNSET = Unset()


def email_address(value: str) -> str:
    """``value`` as one plain address, or a :class:`UsageError` naming the problem."""
    text = value.strip()
    host = text.rpartition("@")[2]
    if not _EMAIL.fullmatch(text) or ".." in host or host.startswith((".", "-")):
        raise UsageError(f"email: {value[:80]!r} is not one plain address such as ada@example.com")
    return text


def mail_mode(value: str) -> str:
    mode = value.strip().casefold()
    if mode not in MAIL_MODES:
        raise UsageError(f"mail: {value[:40]!r} is not one of {', '.join(MAIL_MODES)}")
    return mode


def profile(connection: Connection, user_id: int) -> Profile:
    row = connection.execute(
        sa.select(
            users.c.id,
            users.c.name,
            user_profiles.c.email,
            user_profiles.c.display_name,
            user_profiles.c.mail,
        )
        .select_from(users.outerjoin(user_profiles, user_profiles.c.user_id == users.c.id))
        .where(users.c.id == user_id)
    ).one()
    return Profile(row.id, row.name, row.email, row.display_name, row.mail or DEFAULT_MAIL)


def get_profile(store: Store, name: str) -> Profile:
    with store.read() as connection:
        return profile(connection, get_user(connection, name).id)


def set_profile(
    store: Store,
    name: str,
    *,
    email: str | Unset | None = UNSET,
    display_name: str | Unset | None = UNSET,
    mail: str | None = None,
    actor: str | None = None,
) -> Profile:
    """Change the fields given (``None`` clears an address or display name)."""
    values: dict[str, Any] = {}
    if not isinstance(email, Unset):
        values["email"] = email_address(email) if email else None
    if not isinstance(display_name, Unset):
        values["display_name"] = _display(display_name) if display_name else None
    if mail is not None:
        values["mail"] = mail_mode(mail)
    with store.write() as connection:
        user = get_user(connection, name)
        ensure(connection, user.id)
        if values:
            connection.execute(
                sa.update(user_profiles).where(user_profiles.c.user_id == user.id).values(**values)
            )
            audit.record(
                connection,
                actor=actor,
                action="user.profile",
                details={"user": user.name, "changed": sorted(values)},
            )
        return profile(connection, user.id)


def _display(value: str) -> str:
    text = value.strip()
    if not text or len(text) > 200 or any(ch in text for ch in "\r\n\t|,;"):
        raise UsageError(
            f"display name: {value[:80]!r} must be one line of at most 200 characters, "
            "without '|', ',' or ';'"
        )
    return text
