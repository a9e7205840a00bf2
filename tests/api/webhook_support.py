"""Helpers for the webhook tests (imported explicitly; not a conftest): settings that
poll and retry quickly, and an admin registering receivers and reading their log."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from api_support import draft
from fastapi.testclient import TestClient

from techspec.api.settings import Settings

People = dict[str, dict[str, str]]
SECRET = "s3cret-s3cret-s3cret"


def fast(settings: Settings) -> Settings:
    """Quick polls and retries; the receivers of this suite are on loopback, which the
    admin setting allows."""
    return replace(
        settings,
        webhooks=True,
        webhook_allow_private=True,
        webhook_poll_seconds=0.05,
        webhook_backoff_seconds=0.05,
        webhook_timeout_seconds=2,
        webhook_max_attempts=3,
        public_url="http://techspec.test",
    )


def register(client: TestClient, people: People, url: str, **extra: Any) -> dict[str, Any]:
    response = client.post(
        "/api/v1/webhooks", json={"url": url, "secret": SECRET, **extra}, headers=people["root"]
    )
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found


def create(client: TestClient, people: People, title: str = "Ledger") -> dict[str, Any]:
    response = client.post(
        "/api/v1/specs",
        content=draft(title, "ada").encode(),
        headers={**people["ada"], "Content-Type": "text/markdown"},
    )
    assert response.status_code == 201
    found: dict[str, Any] = response.json()
    return found


def deliveries(client: TestClient, people: People, hook: int, count: int) -> list[Any]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found: list[Any] = client.get(
            f"/api/v1/webhooks/{hook}/deliveries", headers=people["root"]
        ).json()
        if len(found) >= count:
            return found
        time.sleep(0.02)
    raise AssertionError(f"fewer than {count} deliveries logged")
