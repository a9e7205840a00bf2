"""Webhooks: registered by admins, signed with HMAC-SHA256, delivered by a background
worker with retries, logged, and kept in an outbox that survives a restart."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from receiver import Receiver, receiver
from webhook_support import SECRET, People, create, deliveries, fast, register

from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.store.engine import Store


@pytest.fixture
def hooked(settings: Settings, store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(fast(settings), store=store)) as client:
        yield client


@pytest.fixture
def inbox() -> Iterator[Receiver]:
    with receiver() as found:
        yield found


def test_a_new_revision_is_posted_signed_with_the_receivers_secret(
    hooked: TestClient, people: People, inbox: Receiver
) -> None:
    register(hooked, people, inbox.url)
    spec = create(hooked, people)
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
    register(hooked, people, inbox.url, events=["transition"])
    spec = create(hooked, people)
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
        hook = register(hooked, people, flaky.url)
        create(hooked, people)
        got = flaky.wait_for(3)
        log = deliveries(hooked, people, hook["id"], 3)
    assert len({r.headers["X-Techspec-Delivery"] for r in got}) == 1
    assert [(d["attempt"], d["status_code"], d["error"], d["outcome"]) for d in reversed(log)] == [
        (1, 500, "answered 500", "retry"),
        (2, 503, "answered 503", "retry"),
        (3, 200, "", "delivered"),
    ]


def test_delivery_gives_up_after_the_last_attempt(hooked: TestClient, people: People) -> None:
    with receiver([500, 500, 500, 500]) as broken:
        hook = register(hooked, people, broken.url)
        create(hooked, people)
        log = deliveries(hooked, people, hook["id"], 3)
        time.sleep(0.3)
        assert len(broken.received) == 3
    assert log[0]["outcome"] == "failed"


def test_an_unreachable_receiver_is_logged_without_the_systems_error_text(
    hooked: TestClient, people: People
) -> None:
    from api_support import free_port

    hook = register(hooked, people, f"http://127.0.0.1:{free_port()}/nobody")
    create(hooked, people)
    log = deliveries(hooked, people, hook["id"], 1)
    assert (log[-1]["status_code"], log[-1]["error"]) == (None, "could not connect")


def test_a_delivery_survives_a_restart_of_the_server(
    settings: Settings, store: Store, people: People
) -> None:
    import sqlalchemy as sa

    from techspec.store.clock import now
    from techspec.store.webhooks import webhook_outbox

    patient = replace(fast(settings), webhook_backoff_seconds=60)
    with receiver([500]) as flaky:
        with TestClient(create_app(patient, store=store)) as client:
            hook = register(client, people, flaky.url)
            create(client, people)
            deliveries(client, people, hook["id"], 1)
        # The server is gone; its failed delivery waits in the outbox for its retry time.
        with store.write() as connection:
            [row] = connection.execute(sa.select(webhook_outbox)).all()
            assert (row.state, row.attempts) == ("pending", 1)
            connection.execute(sa.update(webhook_outbox).values(next_attempt_at=now()))
        with TestClient(create_app(fast(settings), store=store)) as client:
            got = flaky.wait_for(2)
            log = deliveries(client, people, hook["id"], 2)
    assert got[0].body == got[1].body
    assert got[0].headers["X-Techspec-Delivery"] == got[1].headers["X-Techspec-Delivery"]
    assert [d["outcome"] for d in reversed(log)] == ["retry", "delivered"]


def test_writes_are_not_delayed_by_a_slow_receiver(
    hooked: TestClient, people: People, inbox: Receiver
) -> None:
    register(hooked, people, inbox.url)
    started = time.perf_counter()
    for n in range(3):
        create(hooked, people, f"Spec {n}")
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
    hook = register(hooked, people, inbox.url)
    assert (
        hooked.delete(f"/api/v1/webhooks/{hook['id']}", headers=people["root"]).status_code == 204
    )
    create(hooked, people)
    time.sleep(0.3)
    assert inbox.received == []
    assert hooked.get("/api/v1/webhooks", headers=people["root"]).json() == []


def test_a_removed_webhook_keeps_its_delivery_log(
    hooked: TestClient, people: People, inbox: Receiver
) -> None:
    hook = register(hooked, people, inbox.url)
    create(hooked, people)
    [delivered] = deliveries(hooked, people, hook["id"], 1)
    removed = hooked.delete(f"/api/v1/webhooks/{hook['id']}", headers=people["root"])
    assert removed.status_code == 204
    log = hooked.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=people["root"])
    assert log.status_code == 200
    assert log.json() == [delivered]
