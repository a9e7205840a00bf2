"""Sessions kept in the database: signing out, a new password and ``techspec user
signout`` end them at once, wherever the cookie was copied, and they end by themselves
after an idle and an absolute timeout (judged by a clock the tests move)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from fastapi.testclient import TestClient
from starlette.requests import Request
from web_client import sign_in, token

from techspec.cli.main import cli
from techspec.service.passwords import set_password
from techspec.service.sessions import Timeouts, end, resume, start
from techspec.service.users import revoke_sessions
from techspec.store.audit import events
from techspec.store.engine import Store
from techspec.store.errors import Forbidden
from techspec.store.schema import web_sessions
from techspec.store.sessions import hash_id
from techspec.store.users import find_user
from techspec.web.sessions import COOKIE, SessionCodec

COOKIE_KEY = "web-suite-secret"


@dataclass
class Clock:
    """A clock that moves only when told to."""

    at: datetime

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@pytest.fixture
def clock(client: TestClient) -> Clock:
    moved = Clock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    app: Any = client.app
    app.state.web.clock = moved
    return moved


def signed_in(client: TestClient) -> bool:
    return client.get("/", follow_redirects=False).status_code == 200


def cookie_sid(value: str) -> str:
    scope = {"type": "http", "headers": [(b"cookie", f"{COOKIE}={value}".encode())]}
    session = SessionCodec(COOKIE_KEY).load(Request(scope))
    assert session is not None
    return session.sid


def test_signing_out_makes_a_copy_of_the_old_cookie_useless_at_once(client: TestClient) -> None:
    assert sign_in(client, "ada") == 303
    copied = client.cookies[COOKIE]
    assert client.post("/logout", data={"csrf": token(client, "/new")}).status_code == 200
    client.cookies.clear()
    client.cookies.set(COOKIE, copied)  # replayed by whoever kept it
    replayed = client.get("/", follow_redirects=True)
    assert replayed.url.path == "/login"
    assert "Your session has ended: sign in again." in replayed.text


def test_signing_in_again_ends_the_session_the_browser_had(client: TestClient) -> None:
    assert sign_in(client, "ada") == 303
    first = client.cookies[COOKIE]
    assert sign_in(client, "bob") == 303
    client.cookies.clear()
    client.cookies.set(COOKIE, first)
    assert not signed_in(client)


def test_a_new_password_ends_every_session_of_its_user_and_no_other(store: Store) -> None:
    ada, bob = find_user(store, "ada"), find_user(store, "bob")
    laptop, phone = start(store, ada, Timeouts()), start(store, ada, Timeouts())
    bobs = start(store, bob, Timeouts())
    set_password(store, "ada", "adas-brand-new-password")
    assert resume(store, laptop, Timeouts()) is None
    assert resume(store, phone, Timeouts()) is None
    assert resume(store, bobs, Timeouts()) == bob


def test_the_database_keeps_only_a_hash_of_the_session_id(client: TestClient, store: Store) -> None:
    assert sign_in(client, "ada") == 303
    sid = cookie_sid(client.cookies[COOKIE])
    assert len(sid) >= 43  # 256 random bits
    with store.read() as connection:
        kept = connection.execute(sa.select(web_sessions.c.id_hash)).scalars().all()
    assert kept == [hash_id(sid)]


def test_ended_sessions_are_cleared_away_when_their_user_signs_in_again(store: Store) -> None:
    ada = find_user(store, "ada")
    at = datetime(2026, 12, 1, tzinfo=UTC)
    end(store, start(store, ada, Timeouts(), at=at))
    start(store, ada, Timeouts(), at=at)  # idle too long by the next sign-in
    start(store, ada, Timeouts(), at=at + timedelta(hours=3))
    with store.read() as connection:
        rows = connection.execute(sa.select(sa.func.count()).select_from(web_sessions))
        assert rows.scalar_one() == 1


def test_a_session_left_idle_too_long_ends(client: TestClient, clock: Clock) -> None:
    assert sign_in(client, "ada") == 303
    for _ in range(3):  # busy enough: each visit within the idle time keeps it going
        clock.advance(minutes=110)
        assert signed_in(client)
    clock.advance(minutes=121)
    assert not signed_in(client)


def test_a_session_ends_after_its_absolute_lifetime_however_busy(
    client: TestClient, clock: Clock
) -> None:
    assert sign_in(client, "ada") == 303
    for _ in range(11):
        clock.advance(hours=1)
        assert signed_in(client)
    clock.advance(minutes=59)
    assert signed_in(client)
    clock.advance(minutes=2)  # 12 hours and a minute after signing in
    assert not signed_in(client)


def test_the_timeouts_come_from_the_settings() -> None:
    timeouts = Timeouts.of(idle_minutes=30, max_hours=8)
    assert (timeouts.idle, timeouts.absolute) == (timedelta(minutes=30), timedelta(hours=8))
    assert timeouts.touch_every == timedelta(minutes=1)
    assert Timeouts.of(idle_minutes=0, max_hours=0).idle == timedelta(minutes=1)


def test_user_signout_ends_every_session_of_that_user_and_is_audited(
    client: TestClient, db_url: str, store: Store
) -> None:
    assert sign_in(client, "ada") == 303
    result = CliRunner().invoke(cli, ["user", "signout", "ada", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "signed ada out of 1 session" in result.output
    assert not signed_in(client)
    last = events(store, limit=1)[-1]
    assert (last.action, last.details) == ("user.signed-out", {"user": "ada", "sessions": 1})


def test_user_signout_names_an_unknown_user_in_one_line(db_url: str) -> None:
    result = CliRunner().invoke(cli, ["user", "signout", "zed", "--db", db_url])
    assert result.exit_code == 2
    assert "unknown user 'zed'" in result.output


def test_users_may_end_their_own_sessions_and_only_admins_anyone_s(store: Store) -> None:
    ada, bob, root = (find_user(store, name) for name in ("ada", "bob", "root"))
    start(store, ada, Timeouts())
    with pytest.raises(Forbidden, match="sign out others"):
        revoke_sessions(store, bob, "ada")
    assert revoke_sessions(store, ada, "ada") == 1
    start(store, ada, Timeouts())
    assert revoke_sessions(store, root, "ada") == 1
