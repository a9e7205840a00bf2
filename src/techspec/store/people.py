"""Finding users by the names people write in specs, and making their profile rows.

Kept apart from :mod:`techspec.store.profiles` (which audits what it changes) because the
audit log's own fan-out (:mod:`techspec.store.inbox`) needs these.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from techspec.store.inbox_schema import MAIL_MODES, user_profiles
from techspec.store.schema import users

DEFAULT_MAIL = MAIL_MODES[0]


def ensure(connection: Connection, user_id: int) -> None:
    """Make the user's profile row if there is none (two processes may race: one wins)."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    connection.execute(
        dialect.insert(user_profiles)
        .values(user_id=user_id, mail=DEFAULT_MAIL)
        .on_conflict_do_nothing()
    )


def users_named(connection: Connection, names: list[str]) -> dict[str, int]:
    """Case-folded name or display name -> user id, for the ``names`` that match a user."""
    wanted = {name.casefold() for name in names}
    if not wanted:
        return {}
    rows = connection.execute(
        sa.select(users.c.id, users.c.name, user_profiles.c.display_name).select_from(
            users.outerjoin(user_profiles, user_profiles.c.user_id == users.c.id)
        )
    ).all()
    found: dict[str, int] = {}
    for row in rows:  # display names first: a user's own name wins over another's display
        if row.display_name and row.display_name.casefold() in wanted:
            found[row.display_name.casefold()] = row.id
    for row in rows:
        if row.name.casefold() in wanted:
            found[row.name.casefold()] = row.id
    return found
