"""Personal API tokens made in the browser: a name, a scope and an expiry; the secret is
shown once; last use shows; revoking, expiring and deactivating the user each stop it.
A ``read`` token is refused by every write endpoint of the API."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from web_client import sign_in, token

from techspec.lint.template import builtin_template
from techspec.service import identity
from techspec.service.permissions import CONSOLE
from techspec.store.clock import now
from techspec.store.engine import Store

SECRET = re.compile(r'id="token-secret">(tsk_[A-Za-z0-9_-]+)<')


def make_token(client: TestClient, label: str, scope: str, expires: int = 30) -> str:
    answer = client.post(
        "/tokens",
        data={
            "label": label,
            "scope": scope,
            "expires": str(expires),
            "csrf": token(client, "/tokens"),
        },
    )
    assert answer.status_code == 201, answer.text
    found = SECRET.search(answer.text)
    assert found is not None
    return found.group(1)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def create_spec(client: TestClient, secret: str, title: str) -> Any:
    name = builtin_template().name
    return client.post(f"/api/v1/specs?from_template={name}&title={title}", headers=bearer(secret))


def test_a_token_made_in_the_browser_is_shown_once_and_then_listed(client: TestClient) -> None:
    assert sign_in(client, "ada") == 303
    secret = make_token(client, "CI lint job", "read")
    page = client.get("/tokens").text
    assert secret not in page
    assert "CI lint job" in page
    assert page.count("<td>never</td>") == 1  # last used: never (it expires in 30 days)
    assert client.get("/api/v1/specs", headers=bearer(secret)).status_code == 200
    assert eventually(lambda: "<td>never</td>" not in client.get("/tokens").text)  # last use


def eventually(check: Callable[[], bool], seconds: float = 10.0) -> bool:
    """The API records a token's use in the background, just after answering."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/specs"),
        ("PUT", "/api/v1/specs/payments-ledger"),
        ("DELETE", "/api/v1/specs/payments-ledger"),
        ("POST", "/api/v1/specs/payments-ledger/transitions"),
        ("POST", "/api/v1/specs/payments-ledger/approvals"),
        ("POST", "/api/v1/templates"),
        ("POST", "/api/v1/webhooks"),
        ("DELETE", "/api/v1/webhooks/1"),
    ],
)
def test_a_read_token_is_refused_by_every_write(client: TestClient, method: str, path: str) -> None:
    sign_in(client, "root")
    secret = make_token(client, "read only", "read")
    answer = client.request(method, path, headers=bearer(secret), json={})
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "scope is 'read'" in answer.json()["detail"]


def test_a_read_token_may_lint_text(client: TestClient) -> None:
    sign_in(client, "ada")
    secret = make_token(client, "linter", "read")
    answer = client.post(
        "/api/v1/lint",
        headers={**bearer(secret), "Content-Type": "text/markdown"},
        content=b"# Technical Specification: X\n",
    )
    assert answer.status_code == 200


def test_a_read_write_token_writes(client: TestClient) -> None:
    sign_in(client, "ada")
    secret = make_token(client, "deploy bot", "read-write")
    assert create_spec(client, secret, "Token made").status_code == 201


def test_revoking_a_token_stops_it(client: TestClient) -> None:
    sign_in(client, "ada")
    secret = make_token(client, "short lived", "read")
    page = client.get("/tokens").text
    token_id = re.search(r'action="/tokens/(\d+)/revoke"', page)
    assert token_id is not None
    answer = client.post(
        f"/tokens/{token_id.group(1)}/revoke", data={"csrf": token(client, "/tokens")}
    )
    assert answer.status_code == 200  # followed to the list
    assert "revoked" in answer.text
    assert client.get("/api/v1/specs", headers=bearer(secret)).status_code == 401


def test_an_expired_token_stops_working(client: TestClient, store: Store) -> None:
    secret = identity.create_token(
        store, CONSOLE, "ada", "old", "read", 1, at=now() - timedelta(days=2)
    )
    answer = client.get("/api/v1/specs", headers=bearer(secret))
    assert answer.status_code == 401
    assert "expired" in answer.json()["detail"]


def test_a_deactivated_users_tokens_stop_working(client: TestClient, store: Store) -> None:
    secret = identity.create_token(store, CONSOLE, "bob", "bob's", "read-write", 30)
    assert client.get("/api/v1/specs", headers=bearer(secret)).status_code == 200
    identity.deactivate(store, CONSOLE, "bob")
    app: Any = client.app
    app.state.api.tokens.forget()  # what the cache does by itself within seconds
    assert client.get("/api/v1/specs", headers=bearer(secret)).status_code == 401
    assert sign_in(client, "bob") == 401  # and the password no longer signs in


def test_nobody_revokes_anothers_token_from_their_page(client: TestClient, store: Store) -> None:
    secret = identity.create_token(store, CONSOLE, "bob", "bob's", "read", 30)
    bobs = identity.tokens(store, CONSOLE, "bob")[0].id
    sign_in(client, "ada")
    answer = client.post(f"/tokens/{bobs}/revoke", data={"csrf": token(client, "/tokens")})
    assert answer.status_code == 404
    assert client.get("/api/v1/specs", headers=bearer(secret)).status_code == 200


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"label": "  ", "scope": "read"}, "give the token a name"),
        ({"label": "x", "scope": "admin"}, "unknown scope"),
    ],
)
def test_a_bad_form_says_what_is_wrong(
    client: TestClient, values: dict[str, str], words: str
) -> None:
    sign_in(client, "ada")
    answer = client.post("/tokens", data={**values, "csrf": token(client, "/tokens")})
    assert answer.status_code == 400
    assert words in answer.text


def test_token_forms_need_the_csrf_token(client: TestClient) -> None:
    sign_in(client, "ada")
    assert client.post("/tokens", data={"label": "x", "scope": "read"}).status_code == 403
    assert client.post("/tokens/1/revoke").status_code == 403
