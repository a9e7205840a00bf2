"""Sign-in, sessions, CSRF and security headers, through the app in process."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from web_client import sign_in, token
from web_support import password

from techspec.service.passwords import set_password
from techspec.store.audit import events
from techspec.store.engine import Store
from techspec.web.security import CSP
from techspec.web.throttle import SignInThrottle


@pytest.mark.parametrize("path", ["/login", "/", "/specs", "/no-such-page", "/static/app.css"])
def test_every_page_carries_the_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["content-security-policy"] == CSP
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"


def test_the_policy_allows_no_inline_script_and_no_framing() -> None:
    directives = dict(part.split(" ", 1) for part in CSP.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in directives["default-src"] + directives["style-src"]


def test_the_api_keeps_its_own_headers(client: TestClient) -> None:
    response = client.get("/api/v1/specs")
    assert response.status_code == 401
    assert "content-security-policy" not in response.headers


def test_pages_are_not_cached_but_static_files_may_be(client: TestClient) -> None:
    assert client.get("/login").headers["cache-control"] == "no-store"
    assert "no-store" not in client.get("/static/app.js").headers.get("cache-control", "")


def test_an_anonymous_visitor_is_sent_to_sign_in_and_back(client: TestClient) -> None:
    response = client.get("/specs?status=Draft", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/specs%3Fstatus%3DDraft"
    assert sign_in(client, "ada", next="/specs?status=Draft") == 303


def test_the_session_cookie_is_http_only_and_same_site_lax(client: TestClient) -> None:
    cookie = client.get("/login").headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie


def test_the_session_cookie_is_secure_over_https(client: TestClient) -> None:
    secure = TestClient(client.app, base_url="https://testserver")
    assert "Secure" in secure.get("/login").headers["set-cookie"]


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(client: TestClient) -> None:
    wrong = client.post(
        "/login", data={"username": "ada", "password": "nope-nope", "csrf": token(client)}
    )
    unknown = client.post(
        "/login", data={"username": "zed", "password": "nope-nope", "csrf": token(client)}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert "unknown user name or wrong password" in wrong.text
    assert "unknown user name or wrong password" in unknown.text


def test_signing_in_is_recorded_in_the_audit_log(client: TestClient, store: Store) -> None:
    assert sign_in(client, "bob") == 303
    logins = [e for e in events(store) if e.action == "user.login"]
    assert logins[-1].actor == "bob"
    assert logins[-1].details == {"via": "password"}


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_sign_in_returns_only_to_local_pages(client: TestClient, target: str) -> None:
    response = client.post(
        "/login",
        data={
            "username": "ada",
            "password": password("ada"),
            "csrf": token(client),
            "next": target,
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_a_tampered_session_cookie_is_ignored(client: TestClient) -> None:
    sign_in(client, "ada")
    value = client.cookies["techspec_session"]
    client.cookies.clear()
    client.cookies.set("techspec_session", value[:-2] + ("AA" if value[-2:] != "AA" else "BB"))
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_new_password_signs_out_every_browser_that_used_the_old_one(
    client: TestClient, store: Store
) -> None:
    sign_in(client, "ada")
    assert client.get("/", follow_redirects=False).status_code == 200
    set_password(store, "ada", "a-brand-new-password")
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_form_without_the_session_token_is_refused(client: TestClient) -> None:
    sign_in(client, "ada")
    response = client.post("/new", data={"title": "Sneaky"})
    assert response.status_code == 403
    assert "security token" in response.text
    other = TestClient(client.app)
    foreign = token(other)
    assert client.post("/new", data={"title": "Sneaky", "csrf": foreign}).status_code == 403


def test_a_form_posted_from_another_site_is_refused(client: TestClient) -> None:
    sign_in(client, "ada")
    response = client.post(
        "/new",
        data={"title": "Sneaky", "csrf": token(client, "/new")},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert "another site" in response.text


def test_htmx_requests_carry_the_token_in_a_header(client: TestClient) -> None:
    sign_in(client, "ada")
    response = client.post(
        "/specs/0002-search-reindexing/check",
        data={"text": "# Technical Specification: X\n"},
        headers={"X-CSRF-Token": token(client, "/new"), "HX-Request": "true"},
    )
    assert response.status_code == 200


def test_signing_out_ends_the_session(client: TestClient) -> None:
    sign_in(client, "ada")
    assert client.post("/logout", data={}).status_code == 403
    response = client.post("/logout", data={"csrf": token(client, "/new")})
    assert "You are signed out." in response.text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_repeated_failed_sign_ins_from_one_address_are_slowed_down(client: TestClient) -> None:
    app: Any = client.app
    app.state.web.throttle = SignInThrottle(3, clock=lambda: 0.0)  # time stands still
    statuses = [
        client.post(
            "/login", data={"username": "pat", "password": "wrong-guess", "csrf": token(client)}
        ).status_code
        for _ in range(5)
    ]
    assert statuses == [401, 401, 401, 401, 429]
    right = {"username": "pat", "password": password("pat"), "csrf": token(client)}
    refused = client.post("/login", data=right)
    assert refused.status_code == 429
    assert "try again in 1 s" in refused.text
    assert refused.headers["retry-after"] == "1"
