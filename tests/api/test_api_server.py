"""A real ``techspec serve`` process on a free loopback port, and the server commands:
``token create|revoke``, ``webhook add``, ``serve --demo`` (what ``make run`` does)."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api_support import TECHSPEC, Server, draft, edited, serve
from receiver import receiver

from techspec.store.engine import open_store
from techspec.store.users import add_user


def _cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The command line, with webhooks to loopback allowed (the suite's receivers)."""
    environ = {**os.environ, "TECHSPEC_WEBHOOK_ALLOW_PRIVATE": "1"}
    return subprocess.run(
        [str(TECHSPEC), *args, "--db", db_url],
        capture_output=True,
        text=True,
        check=False,
        env=environ,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str, str]]:
    """``techspec serve --demo`` on a new SQLite file: the server, its URL and the token."""
    base = tmp_path_factory.mktemp("served")
    db_url = f"sqlite:///{base / 'demo.db'}"
    env = {"TECHSPEC_MAIL_LOG": str(base / "mail.log")}
    with serve(db_url, base / "server.log", args=("--demo",), env=env) as server:
        found = re.search(r"demo admin token \(shown once\): (\S+)", server.logs())
        assert found is not None, server.logs()
        yield server, found.group(1), db_url


def test_serve_prints_the_url_and_the_demo_admin_token(demo: tuple[Server, str, str]) -> None:
    server, token, _db = demo
    assert f"techspec web UI: {server.url}/" in server.logs()
    assert f"techspec API: {server.url}/api/v1 (docs at {server.url}/api/v1/docs)" in server.logs()
    response = httpx.get(f"{server.url}/api/v1/specs", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    slugs = sorted(item["slug"] for item in response.json()["items"])
    assert slugs == ["0001-payments-ledger", "0002-search-reindexing", "0003-broken-notifications"]


def test_demo_users_have_addresses_and_without_smtp_mails_go_to_the_mail_log(
    demo: tuple[Server, str, str],
) -> None:
    server, token, db_url = demo
    auth = {"Authorization": f"Bearer {token}"}
    profile = httpx.get(f"{server.url}/api/v1/users/Mei Lin/profile", headers=auth).json()
    assert profile["email"] == "mei.lin@example.com" and profile["mail"] == "immediate"
    log = Path(db_url.removeprefix("sqlite:///")).parent / "mail.log"
    deadline = time.monotonic() + 20
    while "To: Mei Lin <mei.lin@example.com>" not in (
        log.read_text("utf-8") if log.exists() else ""
    ):
        assert time.monotonic() < deadline, f"no mail to Mei Lin in {log}"
        time.sleep(0.1)
    assert "asks for your review of" in log.read_text("utf-8")


def test_the_served_api_reads_edits_and_refuses_a_stale_write(
    demo: tuple[Server, str, str],
) -> None:
    server, token, _db = demo
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.url, headers=auth) as client:
        created = client.post(
            "/api/v1/specs?slug=served",
            content=draft("Served", "admin").encode(),
            headers={"Content-Type": "text/markdown"},
        )
        assert created.status_code == 201
        etag = created.headers["ETag"]
        assert (
            client.get("/api/v1/specs/served", headers={"If-None-Match": etag}).status_code == 304
        )
        text = edited(draft("Served", "admin"), "Edited over HTTP.")
        ok = client.put("/api/v1/specs/served", json={"content": text}, headers={"If-Match": etag})
        assert ok.status_code == 200
        stale = client.put(
            "/api/v1/specs/served", json={"content": text + "\n"}, headers={"If-Match": etag}
        )
        assert stale.status_code == 412
        assert stale.headers["ETag"] == ok.headers["ETag"]
        assert client.get("/api/v1/specs/served.md").text == text


def test_the_served_api_has_docs_metrics_and_request_ids(demo: tuple[Server, str, str]) -> None:
    server, _token, _db = demo
    assert httpx.get(f"{server.url}/api/v1/openapi.json").json()["info"]["title"] == "techspec"
    assert httpx.get(f"{server.url}/api/v1/docs").status_code == 200
    assert "techspec_specs{" in httpx.get(f"{server.url}/metrics").text
    answer = httpx.get(f"{server.url}/healthz", headers={"X-Request-ID": "real-1"})
    assert answer.headers["X-Request-ID"] == "real-1"
    assert server.wait_for_log_entry(request_id="real-1", route="/healthz"), server.logs()


def test_a_second_demo_start_keeps_the_data_and_prints_no_token(
    demo: tuple[Server, str, str], tmp_path: Path
) -> None:
    _server, _token, db_url = demo
    with serve(db_url, tmp_path / "again.log", args=("--demo",)) as again:
        assert "demo data already seeded" in again.logs()
        assert "shown once" not in again.logs()


def test_token_create_prints_the_token_alone_on_the_last_line_and_revoke_stops_it(
    demo: tuple[Server, str, str],
) -> None:
    server, _token, db_url = demo
    made = _cli(db_url, "token", "create", "viewer", "--label", "ci")
    assert made.returncode == 0, made.stderr
    token = made.stdout.splitlines()[-1]
    assert made.stdout == token + "\n"
    assert token.startswith("tsk_")
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{server.url}/api/v1/specs", headers=auth).status_code == 200
    revoked = _cli(db_url, "token", "revoke", "viewer")
    assert revoked.stdout.startswith("revoked 1 token of viewer")
    # The server reuses a token's user for at most auth_cache_seconds (2 s by default).
    codes = []
    for _ in range(60):
        codes.append(httpx.get(f"{server.url}/api/v1/specs", headers=auth).status_code)
        if codes[-1] == 401:
            break
        time.sleep(0.1)
    assert codes[-1] == 401


def test_token_create_for_an_unknown_user_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = _cli(f"sqlite:///{tmp_path / 't.db'}", "token", "create", "ghost")
    assert result.returncode == 2
    assert result.stderr.startswith("techspec: unknown user 'ghost'")
    assert "Traceback" not in result.stderr


def test_a_webhook_added_from_the_cli_hears_writes_to_the_served_api(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'hooks.db'}"
    store = open_store(db_url)
    add_user(store, "ada", ["author"])
    store.close()
    token = _cli(db_url, "token", "create", "ada").stdout.splitlines()[-1]
    with receiver() as inbox:
        added = _cli(db_url, "webhook", "add", inbox.url, "--event", "revision")
        assert added.returncode == 0, added.stderr
        assert added.stdout.startswith("webhook 1: ")
        secret = added.stdout.splitlines()[-1]
        env = {"TECHSPEC_WEBHOOK_POLL_SECONDS": "0.1", "TECHSPEC_WEBHOOK_ALLOW_PRIVATE": "1"}
        with serve(db_url, tmp_path / "server.log", env=env) as server:
            created = httpx.post(
                f"{server.url}/api/v1/specs",
                content=draft("Hooked", "ada").encode(),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "text/markdown"},
            )
            assert created.status_code == 201
            [got] = inbox.wait_for(1)
    expected = hmac.new(secret.encode(), got.body, hashlib.sha256).hexdigest()
    assert got.headers["X-Techspec-Signature"] == f"sha256={expected}"
    listed = _cli(db_url, "webhook", "list")
    assert inbox.url in listed.stdout


def test_serve_with_a_bad_database_url_fails_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(TECHSPEC), "serve", "--db", "mysql://nope/x"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "only sqlite and postgresql are supported" in result.stderr
    assert "Traceback" not in result.stderr


def test_two_worker_processes_serve_the_same_store(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'w.db'}"
    store = open_store(db_url)
    add_user(store, "vic", ["viewer"])
    store.close()
    token = _cli(db_url, "token", "create", "vic").stdout.splitlines()[-1]
    with serve(db_url, tmp_path / "server.log", args=("--workers", "2")) as server:
        auth = {"Authorization": f"Bearer {token}"}
        codes = {
            httpx.get(f"{server.url}/api/v1/specs", headers=auth).status_code for _ in range(10)
        }
    assert codes == {200}


def test_the_cli_refuses_a_loopback_webhook_as_the_api_does(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'hooks.db'}"
    environ = {k: v for k, v in os.environ.items() if k != "TECHSPEC_WEBHOOK_ALLOW_PRIVATE"}
    refused = subprocess.run(
        [str(TECHSPEC), "webhook", "add", "http://127.0.0.1:9/hook", "--db", db_url],
        capture_output=True,
        text=True,
        check=False,
        env=environ,
    )
    assert refused.returncode == 2
    assert refused.stderr == (
        "techspec: webhook URL 'http://127.0.0.1:9/hook' refused: loopback address "
        "(TECHSPEC_WEBHOOK_ALLOW_PRIVATE=1 allows it)\n"
    )
