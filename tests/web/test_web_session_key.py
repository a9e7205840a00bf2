"""Where the session signing key comes from: signing in survives a restart of a server on
a SQLite file, without ``TECHSPEC_SECRET_KEY`` being set."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_client import sign_in

from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.store.engine import Store
from techspec.web.sessions import SECRET_ENV, key_file_for, secret_key


def test_the_environment_wins_and_no_file_is_written(tmp_path: Path) -> None:
    kept = tmp_path / "techspec.db.secret"
    assert secret_key({SECRET_ENV: "from-the-environment"}, kept) == "from-the-environment"
    assert not kept.exists()


def test_a_key_kept_beside_the_database_is_the_same_after_a_restart(tmp_path: Path) -> None:
    kept = tmp_path / "techspec.db.secret"
    first = secret_key({}, kept)
    assert secret_key({}, kept) == first  # the next process reads it back
    assert len(first) >= 32
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600  # readable by its owner only


def test_a_key_file_that_cannot_be_written_falls_back_to_a_random_key_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    kept = tmp_path / "no-such-folder" / "techspec.db.secret"
    with caplog.at_level(logging.WARNING, logger="techspec.web"):
        one, two = secret_key({}, kept), secret_key({}, kept)
    assert one != two
    assert f"cannot keep the session key in {kept}" in caplog.text


def test_a_key_file_too_short_to_be_a_key_is_not_used(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    kept = tmp_path / "techspec.db.secret"
    kept.write_text("short\n", "ascii")
    with caplog.at_level(logging.WARNING, logger="techspec.web"):
        key = secret_key({}, kept)
    assert key != "short" and len(key) >= 32
    assert "shorter than 32 characters" in caplog.text
    assert kept.read_text("ascii") == "short\n"  # never overwritten


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///techspec.db", Path("techspec.db.secret")),
        ("sqlite:////srv/specs/team.db", Path("/srv/specs/team.db.secret")),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
        ("postgresql+psycopg://techspec@db/specs", None),
        ("not a url", None),
    ],
)
def test_the_key_lives_beside_a_sqlite_file_only(url: str, expected: Path | None) -> None:
    assert key_file_for(url) == expected


def test_signing_in_survives_a_restart_of_a_server_on_a_sqlite_file(
    db_url: str, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)
    settings = Settings(database_url=db_url, webhooks=False, rate_per_second=0)
    with TestClient(create_app(settings, store=store)) as before:
        assert sign_in(before, "bob") == 303
        cookies = dict(before.cookies)
    with TestClient(create_app(settings, store=store), cookies=cookies) as after:
        page = after.get("/", follow_redirects=False)
    assert page.status_code == 200 and "Sign out" in page.text
    kept = key_file_for(db_url)
    assert kept is not None and kept.exists()
