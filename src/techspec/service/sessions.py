"""Web sessions: signing in with a password starts one, each page view resumes it, and
signing out, a new password or an admin ends it.

A session lives in the database (``web_sessions``); the browser holds only its random
id.  So ending a session works at once, on every server process, and a cookie copied
before the end is worth nothing afterwards.  A session also ends by itself when it has
been idle longer than :attr:`Timeouts.idle` or began longer than :attr:`Timeouts.absolute`
ago (OWASP's idle and absolute timeouts).  Activity is written at most once per
:attr:`Timeouts.touch_every`, so page views do not each cost a database write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from techspec.service import passwords
from techspec.store import audit, identity, sessions
from techspec.store.clock import now
from techspec.store.engine import Store
from techspec.store.users import User, get_user


@dataclass(frozen=True, slots=True)
class Timeouts:
    idle: timedelta = timedelta(minutes=120)
    """A session nobody used for this long has ended."""
    absolute: timedelta = timedelta(hours=12)
    """A session this old has ended, however busy it was."""

    @classmethod
    def of(cls, idle_minutes: float, max_hours: float) -> Timeouts:
        """From the settings; a value below one minute counts as one minute."""
        return cls(
            idle=timedelta(minutes=max(1.0, idle_minutes)),
            absolute=timedelta(hours=max(1 / 60, max_hours)),
        )

    @property
    def touch_every(self) -> timedelta:
        """How stale the recorded activity may get: a tenth of the idle time, at most a
        minute (an idle timeout is then exact to within that)."""
        return min(timedelta(minutes=1), self.idle / 10)

    def live(self, row: sessions.SessionRow, at: datetime) -> bool:
        return (
            row.revoked_at is None
            and at - row.created_at < self.absolute
            and at - row.last_seen_at < self.idle
        )


def sign_in(
    store: Store, name: str, password: str, timeouts: Timeouts, *, at: datetime | None = None
) -> tuple[User, str]:
    """The user and the id of their new session when ``password`` is theirs; otherwise
    :class:`~techspec.service.passwords.BadCredentials`.  Spends one argon2 verification:
    callers bound how many run at once."""
    user = passwords.verify(store, name, password)
    with store.read() as connection:
        if identity.is_deactivated(connection, user.id):
            raise passwords.BadCredentials(f"{user.name} is deactivated: ask an admin")
    return user, start(store, user, timeouts, at=at)


def start(store: Store, user: User, timeouts: Timeouts, *, at: datetime | None = None) -> str:
    """A new session for ``user`` (their ended sessions are cleared away); returns its id."""
    when = at or now()
    session_id = sessions.new_id()
    with store.write() as connection:
        sessions.prune(
            connection,
            user.id,
            started_before=when - timeouts.absolute,
            seen_before=when - timeouts.idle,
        )
        sessions.create(connection, user.id, session_id, when)
    return session_id


def resume(
    store: Store, session_id: str, timeouts: Timeouts, *, at: datetime | None = None
) -> User | None:
    """The signed-in user of a live session, or None when it is unknown or has ended."""
    when = at or now()
    with store.read() as connection:
        row = sessions.find(connection, session_id)
        if row is None or not timeouts.live(row, when):
            return None
        user = get_user(connection, row.user_name)
    seen_before = when - timeouts.touch_every
    if row.last_seen_at <= seen_before:
        with store.write() as connection:
            sessions.touch(connection, row.id, when, seen_before=seen_before)
    return user


def end(store: Store, session_id: str, *, at: datetime | None = None) -> None:
    """Sign out: the session ends now, wherever its cookie is."""
    with store.write() as connection:
        sessions.revoke(connection, session_id, at or now())


def end_all(store: Store, name: str, *, actor: str | None, at: datetime | None = None) -> int:
    """End every session of user ``name`` (audited); returns how many were live."""
    with store.write() as connection:
        user = get_user(connection, name)
        count = sessions.revoke_user(connection, user.id, at or now())
        audit.record(
            connection,
            actor=actor,
            action="user.signed-out",
            details={"user": user.name, "sessions": count},
        )
    return count
