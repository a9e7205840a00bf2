"""Single sign-on refuses what an attacker or a broken set-up sends: an ID token signed
with another key, expired, for another nonce or audience; a forged state; a replayed
callback; a wrong client secret; a missing groups claim; a provider that is down; an
``http://`` issuer off loopback.  Each is a clear page with a 4xx or 502 status and a log
line, never a 500.  The provider here is the attacker's own (identity_support.Attacker)."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from identity_support import Attacker, attacker_running, query_of
from web_support import TECHSPEC, free_port

from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.errors import ConfigError
from techspec.store.engine import Store
from techspec.store.users import find_user


@pytest.fixture(scope="module")
def attacker() -> Iterator[Attacker]:
    with attacker_running(free_port()) as running:
        yield running


@pytest.fixture
def sso(
    db_url: str, store: Store, attacker: Attacker, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    monkeypatch.setenv("TECHSPEC_SECRET_KEY", "web-suite-secret")
    attacker.mode = "good"
    settings = Settings(
        database_url=db_url, webhooks=False, rate_per_second=0, **attacker.settings()
    )
    with TestClient(create_app(settings, store=store), raise_server_exceptions=False) as client:
        yield client


def round_trip(client: TestClient) -> Any:
    """Start a sign-in, let the provider answer, and follow its redirect back."""
    started = client.get("/login/oidc", follow_redirects=False)
    assert started.status_code == 303
    back = httpx.get(started.headers["location"], follow_redirects=False)
    return client.get(callback_path(back.headers["location"]), follow_redirects=False)


def callback_path(url: str) -> str:
    parts = url.split("/login/oidc/callback", 1)
    return "/login/oidc/callback" + parts[1]


def test_a_good_token_signs_in_and_maps_the_groups(sso: TestClient, store: Store) -> None:
    answer = round_trip(sso)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/"
    assert find_user(store, "mallory").roles == ("admin",)
    assert sso.get("/").status_code == 200


def test_the_authorization_request_uses_pkce_state_and_nonce(sso: TestClient) -> None:
    started = sso.get("/login/oidc", follow_redirects=False)
    query = query_of(started.headers["location"])
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) >= 43
    assert len(query["state"]) >= 20 and len(query["nonce"]) >= 20
    assert query["scope"] == "openid email profile"
    assert query["redirect_uri"].endswith("/login/oidc/callback")


@pytest.mark.parametrize(
    ("mode", "status", "words"),
    [
        ("wrong-key", 401, "ID token was refused"),
        ("expired", 401, "has expired"),
        ("wrong-nonce", 401, "nonce"),
        ("wrong-audience", 401, "ID token was refused"),
        ("bad-secret", 502, "TECHSPEC_OIDC_CLIENT_SECRET"),
        ("no-groups", 502, "TECHSPEC_OIDC_ROLES_CLAIM"),
    ],
)
def test_a_spoiled_answer_is_a_clear_page_and_signs_no_one_in(
    sso: TestClient,
    store: Store,
    attacker: Attacker,
    caplog: pytest.LogCaptureFixture,
    mode: str,
    status: int,
    words: str,
) -> None:
    attacker.mode = mode
    with caplog.at_level(logging.WARNING, logger="techspec.web.oidc"):
        answer = round_trip(sso)
    assert answer.status_code == status
    assert words in answer.text
    assert "<!DOCTYPE html>" in answer.text
    assert any("oidc sign-in refused" in record.getMessage() for record in caplog.records)
    assert sso.get("/", follow_redirects=False).status_code == 303  # still signed out
    with pytest.raises(Exception, match="unknown user"):
        find_user(store, "mallory")


def test_a_forged_state_is_refused(sso: TestClient) -> None:
    started = sso.get("/login/oidc", follow_redirects=False)
    back = httpx.get(started.headers["location"], follow_redirects=False).headers["location"]
    query = query_of(back)
    forged = f"/login/oidc/callback?code={query['code']}&state=attacker-chosen"
    answer = sso.get(forged, follow_redirects=False)
    assert answer.status_code == 400
    assert "state does not match" in answer.text


def test_a_callback_works_once(sso: TestClient) -> None:
    started = sso.get("/login/oidc", follow_redirects=False)
    back = httpx.get(started.headers["location"], follow_redirects=False).headers["location"]
    assert sso.get(callback_path(back), follow_redirects=False).status_code == 303
    again = sso.get(callback_path(back), follow_redirects=False)
    assert again.status_code == 400
    assert "no sign-in is in progress" in again.text


def test_a_callback_in_another_browser_is_refused(sso: TestClient, db_url: str) -> None:
    started = sso.get("/login/oidc", follow_redirects=False)
    back = httpx.get(started.headers["location"], follow_redirects=False).headers["location"]
    sso.cookies.clear()  # the victim's browser: it never started this sign-in
    answer = sso.get(callback_path(back), follow_redirects=False)
    assert answer.status_code == 400


def test_the_provider_says_no(sso: TestClient) -> None:
    started = sso.get("/login/oidc", follow_redirects=False)
    state = query_of(started.headers["location"])["state"]
    answer = sso.get(f"/login/oidc/callback?error=access_denied&state={state}")
    assert answer.status_code == 403
    assert "refused the sign-in: access_denied" in answer.text


def test_a_provider_that_is_down_is_a_clear_page(
    db_url: str, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(
        database_url=db_url,
        webhooks=False,
        oidc_issuer=f"http://127.0.0.1:{free_port()}",
        oidc_client_id="techspec",
    )
    with (
        TestClient(create_app(settings, store=store), raise_server_exceptions=False) as client,
        caplog.at_level(logging.WARNING, logger="techspec.web.oidc"),
    ):
        answer = client.get("/login/oidc", follow_redirects=False)
    assert answer.status_code == 502
    assert "cannot reach the identity provider" in answer.text
    assert any("cannot reach" in record.getMessage() for record in caplog.records)


def test_the_sign_in_page_offers_the_provider_and_can_hide_passwords(
    db_url: str, store: Store, attacker: Attacker
) -> None:
    settings = Settings(
        database_url=db_url,
        webhooks=False,
        **attacker.settings(oidc_provider_name="Acme SSO", password_login=False),
    )
    with TestClient(create_app(settings, store=store), raise_server_exceptions=False) as client:
        page = client.get("/login").text
        assert "Sign in with Acme SSO" in page
        assert 'name="password"' not in page
        token = page.split('"X-CSRF-Token": "')[1].split('"')[0]
        refused = client.post(
            "/login", data={"username": "ada", "password": "ada-correct-horse", "csrf": token}
        )
        assert refused.status_code == 403
        assert "turned off" in refused.text


@pytest.mark.parametrize(
    ("issuer", "words"),
    [
        ("http://id.example.com", "must use https://"),
        ("ftp://id.example.com", "is not a URL"),
        ("https://id.example.com?x=1", "query"),
    ],
)
def test_a_bad_issuer_stops_the_server_at_start(issuer: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        Settings(oidc_issuer=issuer, oidc_client_id="techspec")


def test_loopback_issuers_may_use_http() -> None:
    for issuer in ("http://127.0.0.1:9000", "http://localhost:9000", "http://[::1]:9000"):
        assert Settings(oidc_issuer=issuer, oidc_client_id="c").oidc_issuer == issuer


def test_passwords_off_without_a_provider_is_refused() -> None:
    with pytest.raises(ConfigError, match="nobody"):
        Settings(password_login=False)


def test_a_malformed_role_map_names_the_entry() -> None:
    with pytest.raises(ConfigError, match="'eng-leads'"):
        Settings(
            oidc_issuer="https://id.example.com", oidc_client_id="c", oidc_role_map="eng-leads"
        )


def test_serve_reports_a_bad_issuer_in_one_line(tmp_path: Path) -> None:
    env = {"TECHSPEC_OIDC_ISSUER": "http://id.example.com", "TECHSPEC_OIDC_CLIENT_ID": "c"}
    import os

    done = subprocess.run(
        [str(TECHSPEC), "serve", "--db", f"sqlite:///{tmp_path / 'x.db'}"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "must use https://" in done.stderr
    assert "Traceback" not in done.stderr


def test_serve_help_lists_the_settings() -> None:
    done = subprocess.run(
        [str(TECHSPEC), "serve", "--help"], capture_output=True, text=True, timeout=60
    )
    for name in (
        "TECHSPEC_OIDC_ISSUER",
        "TECHSPEC_OIDC_CLIENT_ID",
        "TECHSPEC_OIDC_CLIENT_SECRET",
        "TECHSPEC_OIDC_SCOPES",
        "TECHSPEC_OIDC_ROLES_CLAIM",
        "TECHSPEC_OIDC_ROLE_MAP",
        "TECHSPEC_OIDC_PROVIDER_NAME",
        "TECHSPEC_PASSWORD_LOGIN",
    ):
        assert name in done.stdout
