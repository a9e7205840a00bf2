"""Health, readiness, Prometheus metrics and JSON access logs."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from api_support import draft, raw_draft
from fastapi.testclient import TestClient

from techspec.api.logging import JsonFormatter
from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.store.engine import Store, make_engine

People = dict[str, dict[str, str]]


def test_healthz_and_readyz_answer_without_a_token(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "detail": ""}
    assert client.get("/readyz").json()["status"] == "ready"


def test_readyz_is_503_when_the_database_is_gone(settings: Settings, store: Store) -> None:
    app = create_app(settings, store=store)
    gone = "sqlite:////nonexistent/dir/x.db"
    app.state.api.store = Store(make_engine(gone), gone)
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "database not reachable" in response.json()["detail"]


def test_metrics_count_requests_by_route_template_and_status(
    client: TestClient, people: People
) -> None:
    client.post(
        "/api/v1/specs",
        content=raw_draft("Ledger", "ada").encode(),
        headers={**people["ada"], "Content-Type": "text/markdown"},
    )
    client.get("/api/v1/specs/1", headers=people["vic"])
    client.get("/api/v1/specs/99", headers=people["vic"])
    text = client.get("/metrics").text
    read = 'techspec_http_requests_total{method="GET",route="/api/v1/specs/{ref}"'
    assert f'{read},status="200"}} 1.0' in text
    assert f'{read},status="404"}} 1.0' in text
    posted = 'techspec_http_request_duration_seconds_count{method="POST",route="/api/v1/specs"}'
    assert f"{posted} 1.0" in text
    assert 'techspec_specs{status="Draft"} 1.0' in text
    assert 'techspec_lint_findings_total{rule="TS2' in text


def test_posted_lint_counts_findings_by_rule(client: TestClient, people: People) -> None:
    client.post("/api/v1/lint", json={"content": raw_draft()}, headers=people["vic"])
    lines = [
        line
        for line in client.get("/metrics").text.splitlines()
        if line.startswith("techspec_lint_findings_total")
    ]
    assert lines
    assert all(float(line.rsplit(" ", 1)[1]) >= 1 for line in lines)


@pytest.fixture
def log_lines(caplog: pytest.LogCaptureFixture) -> Iterator[list[str]]:
    caplog.set_level(logging.INFO, logger="techspec")
    lines: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(JsonFormatter().format(record))

    handler = Capture()
    logging.getLogger("techspec").addHandler(handler)
    yield lines
    logging.getLogger("techspec").removeHandler(handler)


def test_each_request_logs_one_json_line_with_its_id_and_never_a_token_or_body(
    client: TestClient, people: People, log_lines: list[str]
) -> None:
    secret_words = "Quetzalcoatl-ledger-secret"
    client.post(
        "/api/v1/specs?slug=ledger",
        content=draft("Ledger", "ada", words=secret_words).encode(),
        headers={**people["ada"], "Content-Type": "text/markdown", "X-Request-ID": "log-1"},
    )
    access = [json.loads(line) for line in log_lines if '"techspec.access"' in line]
    assert len(access) == 1
    entry = access[0]
    assert entry["request_id"] == "log-1"
    assert entry["route"] == "/api/v1/specs"
    assert entry["status"] == 201
    assert entry["user"] == "ada"
    token = people["ada"]["Authorization"].split()[1]
    everything = "\n".join(log_lines)
    assert token not in everything
    assert secret_words not in everything
    assert "slug=ledger" not in everything
