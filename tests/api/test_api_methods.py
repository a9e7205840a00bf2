"""The methods of a path: ``OPTIONS`` answers with every method some route takes there,
a 405 lists the same in ``Allow``, ``HEAD`` is ``GET`` without the body, and the OpenAPI
document lists the problems each operation can answer."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from techspec.api.bodies import COMMON

People = dict[str, dict[str, str]]

ALLOWED = {
    "/api/v1/specs": "GET, HEAD, POST, OPTIONS",
    "/api/v1/specs/ledger": "GET, HEAD, PUT, DELETE, OPTIONS",
    "/api/v1/specs/1": "GET, HEAD, PUT, DELETE, OPTIONS",
    "/api/v1/specs/ledger.md": "GET, HEAD, OPTIONS",
    "/api/v1/specs/ledger/approvals": "GET, HEAD, POST, OPTIONS",
    "/api/v1/specs/ledger/transitions": "POST, OPTIONS",
    "/api/v1/specs/ledger/revisions/2": "GET, HEAD, OPTIONS",
    "/api/v1/templates": "GET, HEAD, POST, OPTIONS",
    "/api/v1/webhooks/3": "DELETE, OPTIONS",
    "/api/v1/lint": "POST, OPTIONS",
    "/metrics": "GET, HEAD, OPTIONS",
    "/api/v1/docs": "GET, HEAD, OPTIONS",
}


@pytest.mark.parametrize(("path", "allow"), ALLOWED.items())
def test_options_lists_every_method_of_the_path_without_a_token(
    client: TestClient, path: str, allow: str
) -> None:
    response = client.options(path)
    assert response.status_code == 204
    assert response.headers["allow"] == allow
    assert response.content == b""


@pytest.mark.parametrize(("path", "allow"), ALLOWED.items())
def test_a_method_the_path_does_not_take_is_a_405_with_the_same_allow(
    client: TestClient, people: People, path: str, allow: str
) -> None:
    response = client.request("PATCH", path, headers=people["root"])
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["allow"] == allow


def test_options_on_no_route_is_a_404(client: TestClient) -> None:
    response = client.options("/api/v1/nothing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_a_ref_ending_md_is_the_markdown_not_a_spec_to_overwrite(
    client: TestClient, people: People, ledger: dict[str, Any]
) -> None:
    headers = {**people["ada"], "If-Match": str(ledger["etag"]), "Content-Type": "text/markdown"}
    response = client.put("/api/v1/specs/payments-ledger.md", content="x", headers=headers)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, OPTIONS"


def test_head_answers_the_headers_of_get_without_the_body(
    client: TestClient, people: People, ledger: dict[str, Any]
) -> None:
    for path in ("/api/v1/specs/1", "/api/v1/specs/1.md", "/api/v1/specs", "/healthz"):
        got = client.get(path, headers=people["ada"])
        head = client.head(path, headers=people["ada"])
        assert head.status_code == got.status_code == 200
        assert head.content == b""
        assert head.headers["content-type"] == got.headers["content-type"]
        assert head.headers.get("etag") == got.headers.get("etag")
    assert client.head("/api/v1/specs/1").status_code == 401


def test_head_is_counted_under_its_route(client: TestClient, people: People) -> None:
    client.head("/api/v1/templates", headers=people["ada"])
    text = client.get("/metrics").text
    assert 'techspec_http_requests_total{method="HEAD",route="/api/v1/templates"' in text


def _operations(client: TestClient) -> list[tuple[str, str, dict[str, Any]]]:
    document = client.get("/api/v1/openapi.json").json()
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def test_every_operation_documents_the_problems_it_can_answer(client: TestClient) -> None:
    for method, path, operation in _operations(client):
        codes = {int(code) for code in operation["responses"] if code.isdigit()}
        label = f"{method.upper()} {path}"
        assert 413 in codes, label
        if path.startswith("/api/"):
            assert set(COMMON) <= codes, label
        if "{ref}" in path or "{webhook_id}" in path:
            assert 404 in codes, label
        if "requestBody" in operation:
            assert {400, 415} <= codes, label
        if any(param["name"] == "if-match" for param in operation.get("parameters", [])):
            assert {412, 428} <= codes, label
        # A step on a spec may meet a concurrent one; opening a thread writes no spec text.
        if method == "post" and path.startswith("/api/v1/specs") and not path.endswith("/threads"):
            assert 409 in codes, label


def test_problems_document_the_headers_they_carry(client: TestClient) -> None:
    for _method, _path, operation in _operations(client):
        responses = operation["responses"]
        if "401" in responses:
            assert "WWW-Authenticate" in responses["401"]["headers"]
        if "429" in responses:
            assert "Retry-After" in responses["429"]["headers"]
        if "412" in responses:
            assert "ETag" in responses["412"]["headers"]
