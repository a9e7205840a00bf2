"""Webhooks: registered by admins, signed with HMAC-SHA256, delivered by a background
worker with retries, logged, and kept in an outbox that survives a restart."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from api_support import draft
from fastapi.testclient import TestClient
from receiver import Receiver, receiver

from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.store.engine import Store

People = dict[str, dict[str, str]]
SECRET = "s3cret-s3cret-s3cret"


def _fast(settings: Settings) -> Settings:
    return replace(
        settings,
        webhooks=True,
        webhook_poll_seconds=0.05,
        webhook_backoff_seconds=0.05,
        webhook_timeout_seconds=2,
        webhook_max_attempts=3,
        public_url="http://techspec.test",
    )


@pytest.fixture
def hooked(settings: Settings, store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(_fast(settings), store=store)) as client:
        yield client


@pytest.fixture
def inbox() -> Iterator[Receiver]:
    with receiver() as found:
        yield found


def _register(client: TestClient, people: People, url: str, **extra: Any) -> dict[str, Any]:
    response = client.post(
        "/api/v1/webhooks", json={"url": url, "secret": SECRET, **extra}, headers=people["root"]
    )
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found


def _create(client: TestClient, people: People, title: str = "Ledger") -> dict[str, Any]:
    response = client.post(
        "/api/v1/specs",
        content=draft(title, "ada").encode(),
        headers={**people["ada"], "Content-Type": "text/markdown"},
    )
    assert response.status_code == 201
    found: dict[str, Any] = response.json()
    return found


def _deliveries(client: TestClient, people: People, hook: int, count: int) -> list[Any]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found: list[Any] = client.get(
            f"/api/v1/webhooks/{hook}/deliveries", headers=people["root"]
        ).json()
        if len(found) >= count:
            return found
        time.sleep(0.02)
    raise AssertionError(f"fewer than {count} deliveries logged")


def test_a_new_revision_is_posted_signed_with_the_receivers_secret(
    hooked: TestClient, people: People, inbox: Receiver
) -> None:
    _register(hooked, people, inbox.url)
    spec = _create(hooked, people)
    [got] = inbox.wait_for(1)
    expected = "sha256=" + hmac.new(SECRET.encode(), got.body, hashlib.sha256).hexdigest()
    assert got.headers["X-Techspec-Signature"] == expected
    assert got.headers["X-Techspec-Event"] == "revision"
    payload = json.loads(got.body)
    assert payload["action"] == "spec.created"
    assert payload["actor"] == "ada"
    assert payload["spec"] == {
        "id": spec["id"],
        "slug": "ledger",
        "url": f"http://techspec.test/api/v1/specs/{spec['id']}",
    }


def test_a_receiver_hears_only_the_events_it_subscribed_to(
    hooked: TestClient, people: People, inbox: Receiver
) -> None:
    _register(hooked, people, inbox.url, events=["transition"])
    spec = _create(hooked, people)
    moved = hooked.post(
        f"/api/v1/specs/{spec['id']}/transitions", json={"to": "Review"}, headers=people["ada"]
    )
    assert moved.status_code == 200
    [got] = inbox.wait_for(1)
    payload = json.loads(got.body)
    assert (payload["event"], payload["details"]["to"]) == ("transition", "Review")
    time.sleep(0.2)
    assert len(inbox.received) == 1


def test_the_secret_is_shown_only_when_the_webhook_is_made(
    hooked: TestClient, people: People, inbox: Receiver
) -> None:
    made = hooked.post("/api/v1/webhooks", json={"url": inbox.url}, headers=people["root"]).json()
    assert len(made["secret"]) > 20
    listed = hooked.get("/api/v1/webhooks", headers=people["root"]).json()
    assert [(w["id"], w["secret"]) for w in listed] == [(made["id"], None)]


def test_a_failed_delivery_is_retried_and_every_attempt_is_logged(
    hooked: TestClient, people: People
) -> None:
    with receiver([500, 503]) as flaky:
        hook = _register(hooked, people, flaky.url)
        _create(hooked, people)
        got = flaky.wait_for(3)
        log = _deliveries(hooked, people, hook["id"], 3)
    assert len({r.headers["X-Techspec-Delivery"] for r in got}) == 1
    assert [(d["attempt"], d["status_code"], d["outcome"]) for d in reversed(log)] == [
        (1, 500, "retry"),
        (2, 503, "retry"),
        (3, 200, "delivered"),
    ]


def test_delivery_gives_up_after_the_last_attempt(hooked: TestClient, people: People) -> None:
    with receiver([500, 500, 500, 500]) as broken:
        hook = _register(hooked, people, broken.url)
        _create(hooked, people)
        log = _deliveries(hooked, people, hook["id"], 3)
        time.sleep(0.3)
        assert len(broken.received) == 3
    assert log[0]["outcome"] == "failed"


def test_an_unreachable_receiver_is_logged_with_the_error(
    hooked: TestClient, people: People
) -> None:
    from api_support import free_port

    hook = _register(hooked, people, f"http://127.0.0.1:{free_port()}/nobody")
    _create(hooked, people)
    log = _deliveries(hooked, people, hook["id"], 1)
    assert log[-1]["status_code"] is None
    assert "ConnectError" in log[-1]["error"]


def test_a_delivery_survives_a_restart_of_the_server(
    settings: Settings, store: Store, people: People
) -> None:
    import sqlalchemy as sa

    from techspec.store.clock import now
    from techspec.store.webhooks import webhook_outbox

    patient = replace(_fast(settings), webhook_backoff_seconds=60)
    with receiver([500]) as flaky:
        with TestClient(create_app(patient, store=store)) as client:
            hook = _register(client, people, flaky.url)
            _create(client, people)
            _deliveries(client, people, hook["id"], 1)
        # The server is gone; its failed delivery waits in the outbox for its retry time.
        with store.write() as connection:
            [row] = connection.execute(sa.select(webhook_outbox)).all()
            assert (row.state, row.attempts) == ("pending", 1)
            connection.execute(sa.update(webhook_outbox).values(next_attempt_at=now()))
        with TestClient(create_app(_fast(settings), store=store)) as client:
            got = flaky.wait_for(2)
            log = _deliveries(client, people, hook["id"], 2)
    assert got[0].body == got[1].body
    assert got[0].headers["X-Techspec-Delivery"] == got[1].headers["X-Techspec-Delivery"]
    assert [d["outcome"] for d in reversed(log)] == ["retry", "delivered"]


def test_writes_are_not_delayed_by_a_slow_receiver(
    hooked: TestClient, people: People, inbox: Receiver
) -> None:
    _register(hooked, people, inbox.url)
    started = time.perf_counter()
    for n in range(3):
        _create(hooked, people, f"Spec {n}")
    assert time.perf_counter() - started < 5
    assert len(inbox.wait_for(3)) == 3


def test_only_admins_manage_webhooks(client: TestClient, people: People) -> None:
    for who in ("ada", "vic", "tom"):
        assert client.get("/api/v1/webhooks", headers=people[who]).status_code == 403
        added = client.post(
            "/api/v1/webhooks", json={"url": "http://127.0.0.1:9/x"}, headers=people[who]
        )
        assert added.status_code == 403
    assert client.get("/api/v1/webhooks/1/deliveries", headers=people["root"]).status_code == 404


def test_a_removed_webhook_gets_nothing_more(
    hooked: TestClient, people: People, inbox: Receiver
) -> None:
    hook = _register(hooked, people, inbox.url)
    assert (
        hooked.delete(f"/api/v1/webhooks/{hook['id']}", headers=people["root"]).status_code == 204
    )
    _create(hooked, people)
    time.sleep(0.3)
    assert inbox.received == []
    assert hooked.get("/api/v1/webhooks", headers=people["root"]).json() == []
