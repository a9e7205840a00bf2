"""``/metrics`` cannot be grown or read by just anyone: a spec's Status is a label value
only when a template defines it (anything an author writes beyond that is ``other``),
made-up methods are ``other`` too, and ``TECHSPEC_METRICS_TOKEN`` puts the scrape behind
a bearer token."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

import pytest
from api_support import draft
from fastapi.testclient import TestClient

from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.lint.template import builtin_template
from techspec.store import revisions
from techspec.store.engine import Store
from techspec.store.users import find_user

People = dict[str, dict[str, str]]
SERIES = re.compile(r'^techspec_specs\{status="([^"]*)"\} (\S+)$', re.MULTILINE)


def _with_status(title: str, status: str) -> str:
    return draft(title, "ada").replace("**Status**: Draft", f"**Status**: {status}", 1)


def _statuses(client: TestClient, **headers: str) -> dict[str, float]:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200
    return {label: float(value) for label, value in SERIES.findall(response.text)}


def test_spec_statuses_are_labels_only_when_a_template_has_them(
    client: TestClient, store: Store
) -> None:
    user = find_user(store, "ada")
    statuses = ["Draft", "review", "Bogus-1", "Bogus-2", "x" * 200, "Draft"]
    for number, status in enumerate(statuses):
        text = _with_status(f"Spec {number}", status)
        revisions.create_spec(store, f"spec-{number}", text, author=user)
    found = _statuses(client)
    assert found == {"Draft": 2.0, "Review": 1.0, "other": 3.0}
    assert set(found) <= {*builtin_template().statuses, "other"}


def test_a_made_up_method_is_counted_as_other(client: TestClient) -> None:
    client.request("BREW", "/healthz")
    text = client.get("/metrics").text
    assert 'method="other"' in text
    assert "BREW" not in text


@pytest.fixture
def guarded(settings: Settings, store: Store) -> Iterator[TestClient]:
    app = create_app(replace(settings, metrics_token="scrape-me-please"), store=store)
    with TestClient(app, raise_server_exceptions=False) as opened:
        yield opened


def test_with_a_metrics_token_a_scrape_needs_it(guarded: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}):
        refused = guarded.get("/metrics", headers=headers)
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.headers["www-authenticate"].startswith("Bearer")
        assert "TECHSPEC_METRICS_TOKEN" in refused.json()["detail"]
    assert _statuses(guarded, Authorization="Bearer scrape-me-please") == {}


def test_without_a_metrics_token_anyone_may_scrape(client: TestClient) -> None:
    assert client.get("/metrics").status_code == 200


def test_the_metrics_token_is_a_setting_of_the_environment() -> None:
    settings = Settings.from_env({"TECHSPEC_METRICS_TOKEN": "t0ken"})
    assert settings.metrics_token == "t0ken"
    assert Settings.from_env(settings.to_env()).metrics_token == "t0ken"
