"""Who delivers what, when: one worker posts to a receiver one delivery at a time,
oldest first; two server processes deliver from one outbox (on SQLite and on
PostgreSQL) and each delivery is POSTed by one of them, once, even when the receivers
are slow; receivers are served in parallel."""

from __future__ import annotations

import json
import time
from contextlib import ExitStack, closing
from itertools import pairwise

import pytest
from api_pg import Cluster
from api_support import draft
from fastapi.testclient import TestClient
from receiver import receiver, slow
from webhook_support import People, create, fast, register

from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.store import revisions, webhooks
from techspec.store.engine import Store, open_store
from techspec.store.users import add_user, find_user

RECEIVERS = 4
EVENTS = 10
HOLD_S = 0.4
"""How long each receiver takes to answer."""


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_url(request: pytest.FixtureRequest, db_url: str) -> str:
    """An empty store two server processes share."""
    if request.param == "sqlite":
        return db_url
    postgres: Cluster = request.getfixturevalue("postgres")
    postgres.admin("DROP DATABASE IF EXISTS two_workers WITH (FORCE)")
    postgres.admin("CREATE DATABASE two_workers")
    url = postgres.url("two_workers")
    with closing(open_store(url, upgrade=True)) as store:
        add_user(store, "ada", ["author"])
    return url


def test_two_workers_post_each_delivery_once(shared_url: str) -> None:
    settings = Settings(
        database_url=shared_url,
        webhook_allow_private=True,  # the receivers are on loopback
        webhook_poll_seconds=0.05,
        webhook_timeout_seconds=1,
        rate_per_second=0,
    )
    with ExitStack() as stack:
        inboxes = [stack.enter_context(receiver(answer=slow(HOLD_S))) for _ in range(RECEIVERS)]
        first, second = (stack.enter_context(closing(open_store(shared_url))) for _ in "12")
        for inbox in inboxes:
            webhooks.add(first, inbox.url)
        ada = find_user(first, "ada")
        for n in range(EVENTS):
            revisions.create_spec(first, f"spec-{n}", draft(f"Spec {n}"), author=ada)
        started = time.monotonic()
        for store in (first, second):
            stack.enter_context(TestClient(create_app(settings, store=store)))
        for inbox in inboxes:
            inbox.wait_until_answered(EVENTS, timeout=30)
        took = time.monotonic() - started
        time.sleep(2 * HOLD_S)  # time for a second POST of any of them to show
        posted = [r.headers["X-Techspec-Delivery"] for inbox in inboxes for r in inbox.received]
    print(f"{len(posted)} deliveries of {HOLD_S} s each in {took:.1f} s")
    assert len(posted) == RECEIVERS * EVENTS
    assert len(set(posted)) == len(posted)
    assert took < RECEIVERS * EVENTS * HOLD_S / 2  # receivers in parallel


def test_one_worker_posts_to_a_receiver_one_delivery_at_a_time_oldest_first(
    settings: Settings, store: Store, people: People
) -> None:
    with (
        receiver(answer=slow(0.2)) as inbox,
        TestClient(create_app(fast(settings), store=store)) as client,
    ):
        register(client, people, inbox.url)
        for n in range(3):
            create(client, people, f"Spec {n}")
        got = inbox.wait_until_answered(3)
    seqs = [json.loads(r.body)["seq"] for r in got]
    assert seqs == sorted(seqs)
    assert all(one.finished <= later.started for one, later in pairwise(got))
