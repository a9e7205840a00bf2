"""Every error is RFC 9457 problem+json with a clear detail, never a stack trace; bodies
and rates are limited."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from api_support import draft
from fastapi import FastAPI
from fastapi.testclient import TestClient

from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.store.engine import Store

People = dict[str, dict[str, str]]
PROBLEM_KEYS = {"type", "title", "status", "detail", "instance", "request_id"}


def _is_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert set(body) >= PROBLEM_KEYS
    assert body["status"] == status
    assert body["type"].startswith("urn:techspec:problem:")
    assert body["detail"]
    assert "Traceback" not in response.text
    return body


def test_a_request_without_a_token_is_401_with_how_to_get_one(client: TestClient) -> None:
    body = _is_problem(client.get("/api/v1/specs"), 401)
    assert "techspec token create" in body["detail"]


@pytest.mark.parametrize(
    "header",
    ["Bearer tsk_not-a-token", "Basic dXNlcjpwYXNz", "Bearer", "tsk_abc"],
)
def test_a_bad_or_malformed_token_is_401(client: TestClient, header: str) -> None:
    response = client.get("/api/v1/specs", headers={"Authorization": header})
    _is_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_stops_working(client: TestClient, people: People, store: Store) -> None:
    from techspec.store.users import revoke_tokens

    assert client.get("/api/v1/specs", headers=people["vic"]).status_code == 200
    revoke_tokens(store, "vic")
    _is_problem(client.get("/api/v1/specs", headers=people["vic"]), 401)


def test_an_unknown_endpoint_is_a_404_problem(client: TestClient) -> None:
    body = _is_problem(client.get("/api/v1/nothing"), 404)
    assert body["detail"] == "no such endpoint: GET /api/v1/nothing"


def test_an_unknown_endpoint_is_a_404_problem_for_every_method(client: TestClient) -> None:
    """The web UI's HTML 404 for unknown pages must not turn these into 405s."""
    for method in ("post", "put", "delete"):
        _is_problem(getattr(client, method)("/api/v1/nothing"), 404)


def test_a_wrong_method_is_a_405_problem(client: TestClient) -> None:
    _is_problem(client.patch("/api/v1/specs"), 405)


def test_malformed_json_is_400_naming_where(client: TestClient, people: People) -> None:
    response = client.post(
        "/api/v1/specs",
        content=b'{"content": ',
        headers={**people["ada"], "Content-Type": "application/json"},
    )
    body = _is_problem(response, 400)
    assert body["detail"].startswith("malformed JSON at line 1, column 13")


def test_json_of_the_wrong_shape_is_refused(client: TestClient, people: People) -> None:
    not_object = client.post("/api/v1/specs", json=["x"], headers=people["ada"])
    assert "must be an object" in _is_problem(not_object, 400)["detail"]
    wrong_field = client.post("/api/v1/specs", json={"content": 3}, headers=people["ada"])
    assert "'content'" in _is_problem(wrong_field, 422)["detail"]
    unknown = client.post("/api/v1/specs", json={"content": "x", "x": 1}, headers=people["ada"])
    assert "'x'" in _is_problem(unknown, 422)["detail"]


def test_markdown_that_is_not_utf8_is_422_with_the_byte_and_line(
    client: TestClient, people: People
) -> None:
    response = client.post(
        "/api/v1/specs",
        content=b"# Title\n\nna\xefve\n",
        headers={**people["ada"], "Content-Type": "text/markdown"},
    )
    body = _is_problem(response, 422)
    assert "not UTF-8: invalid byte 0xef at line 3, column 3" in body["detail"]


def test_an_empty_body_is_400(client: TestClient, people: People) -> None:
    response = client.post(
        "/api/v1/specs", content=b"", headers={**people["ada"], "Content-Type": "text/markdown"}
    )
    assert "empty" in _is_problem(response, 400)["detail"]


def test_an_unsupported_media_type_is_415(client: TestClient, people: People) -> None:
    response = client.post(
        "/api/v1/specs", content=b"<x/>", headers={**people["ada"], "Content-Type": "text/xml"}
    )
    assert "text/xml" in _is_problem(response, 415)["detail"]


def test_a_body_over_one_mib_is_413_before_it_is_read(client: TestClient, people: People) -> None:
    big = draft() + "x" * (1024 * 1024)
    response = client.post(
        "/api/v1/specs",
        content=big.encode(),
        headers={**people["ada"], "Content-Type": "text/markdown"},
    )
    assert "limit of 1048576 bytes" in _is_problem(response, 413)["detail"]


def test_a_streamed_body_over_the_limit_is_413(client: TestClient, people: People) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(20):
            yield b"x" * 65536

    response = client.post(
        "/api/v1/lint",
        content=chunks(),
        headers={**people["ada"], "Content-Type": "text/markdown"},
    )
    _is_problem(response, 413)


def test_invalid_query_parameters_are_422_naming_the_parameter(
    client: TestClient, people: People
) -> None:
    response = client.get("/api/v1/specs?has_errors=maybe", headers=people["vic"])
    body = _is_problem(response, 422)
    assert body["detail"].startswith("query.has_errors")
    assert body["errors"][0]["where"] == "query.has_errors"


def test_the_request_id_is_echoed_or_made(client: TestClient) -> None:
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert len(made.headers["X-Request-ID"]) == 32
    problem = client.get("/api/v1/specs", headers={"X-Request-ID": "req-7"}).json()
    assert problem["request_id"] == "req-7"


def test_an_unexpected_error_is_a_500_problem_without_a_trace(
    app: FastAPI, people: People, caplog: pytest.LogCaptureFixture
) -> None:
    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    app.router.routes.insert(0, app.router.routes.pop())  # before any catch-all route

    with (
        caplog.at_level(logging.ERROR, logger="techspec.api"),
        TestClient(app, raise_server_exceptions=False) as client,
    ):
        response = client.get("/api/v1/boom", headers={"X-Request-ID": "req-500"})
    body = _is_problem(response, 500)
    assert "secret internals" not in response.text
    assert "req-500" in body["detail"]
    logged = [r for r in caplog.records if r.name == "techspec.api" and "unhandled" in r.message]
    assert len(logged) == 1  # once, by the observer, with its id and frames
    assert getattr(logged[0], "request_id", None) == "req-500"
    assert logged[0].exc_info is not None


def test_a_token_over_its_rate_gets_429_with_retry_after(
    settings: Settings, store: Store, people: People
) -> None:
    limited = create_app(
        Settings(database_url=settings.database_url, rate_per_second=1, rate_burst=3),
        store=store,
    )
    with TestClient(limited) as client:
        codes = [client.get("/api/v1/specs", headers=people["vic"]).status_code for _ in range(4)]
        refused = client.get("/api/v1/specs", headers=people["vic"])
        other = client.get("/api/v1/specs", headers=people["ada"])
    assert codes == [200, 200, 200, 429]
    body = _is_problem(refused, 429)
    assert int(refused.headers["Retry-After"]) >= 1
    assert "rate limit" in body["detail"]
    assert other.status_code == 200
