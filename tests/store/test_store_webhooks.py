"""The webhook outbox on SQLite and PostgreSQL: a receiver's rows are leased oldest
first and one at a time per claim, a row is leased to one claimer only even when two
processes claim at once, a late attempt cannot undo another's lease, and a removed
receiver keeps its delivery log."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from techspec.store import audit, webhook_outbox, webhooks
from techspec.store.clock import now
from techspec.store.engine import Store, open_store
from techspec.store.webhook_outbox import Pending
from techspec.store.webhook_schema import webhook_outbox as outbox_table


def _events(store: Store, count: int) -> None:
    """``count`` new revisions in the audit log, each a webhook event."""
    with store.write() as connection:
        for n in range(count):
            audit.record(connection, actor="ada", action="spec.revised", details={"n": n})
    webhook_outbox.fan_out(store, "http://api")


def _attempt(store: Store, item: Pending, status: int | None = 200) -> str:
    return webhook_outbox.record(
        store,
        item,
        status_code=status,
        error="" if status == 200 else "could not connect",
        duration_ms=1,
        max_attempts=3,
        backoff_seconds=60,
    )


def test_a_claim_takes_the_oldest_due_row_of_each_receiver_not_skipped(store: Store) -> None:
    first = webhooks.add(store, "http://hooks.example.com/1")
    second = webhooks.add(store, "http://hooks.example.com/2")
    third = webhooks.add(store, "http://hooks.example.com/3")
    _events(store, 2)
    claimed = webhook_outbox.claim(store, lease_seconds=30, skip={third.id})
    seq = claimed[0].seq
    assert [(c.webhook_id, c.seq) for c in claimed] == [(first.id, seq), (second.id, seq)]
    [skipped] = webhook_outbox.claim(store, lease_seconds=30, limit=1)
    assert (skipped.webhook_id, skipped.seq) == (third.id, seq)
    [later] = webhook_outbox.claim(store, lease_seconds=30, limit=1)
    assert (later.webhook_id, later.seq) == (first.id, seq + 1)


def test_two_processes_claiming_at_once_never_lease_one_row_twice(
    store: Store, db_url: str
) -> None:
    for n in range(4):
        webhooks.add(store, f"http://hooks.example.com/{n}")
    _events(store, 15)
    other = open_store(db_url)
    taken: list[int] = []
    lock = threading.Lock()

    def claimer(into: Store) -> None:
        while found := webhook_outbox.claim(into, lease_seconds=60, limit=3):
            with lock:
                taken.extend(item.id for item in found)

    threads = [threading.Thread(target=claimer, args=(s,)) for s in (store, other) * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.close()
    assert len(taken) == 4 * 15
    assert len(set(taken)) == len(taken)


def test_an_attempt_recorded_after_its_lease_was_taken_over_leaves_the_row_alone(
    store: Store,
) -> None:
    hook = webhooks.add(store, "http://hooks.example.com/")
    _events(store, 1)
    [late] = webhook_outbox.claim(store, lease_seconds=-1)  # a lease already over
    [current] = webhook_outbox.claim(store, lease_seconds=60)
    assert (late.id, late.lease_until < current.lease_until) == (current.id, True)
    assert _attempt(store, late) == "delivered"
    with store.read() as connection:
        row = connection.execute(sa.select(outbox_table)).one()
    assert (row.state, row.attempts, row.lease_until is not None) == ("pending", 0, True)
    assert _attempt(store, current, status=None) == "retry"
    assert [d.outcome for d in webhooks.deliveries(store, hook.id)] == ["retry", "delivered"]


def test_a_removed_receiver_keeps_its_log_and_its_pending_rows_are_cancelled(
    store: Store,
) -> None:
    hook = webhooks.add(store, "http://hooks.example.com/")
    _events(store, 2)
    [item] = webhook_outbox.claim(store, lease_seconds=30)
    _attempt(store, item, status=None)
    webhooks.remove(store, hook.id)
    [logged] = webhooks.deliveries(store, hook.id)
    assert (logged.attempt, logged.error, logged.outcome) == (1, "could not connect", "retry")
    with store.read() as connection:
        states = connection.execute(sa.select(outbox_table.c.state)).scalars().all()
    assert states == ["cancelled", "cancelled"]
    with store.write() as connection:  # even if its retry were due now
        connection.execute(sa.update(outbox_table).values(next_attempt_at=now()))
    assert webhook_outbox.claim(store, lease_seconds=30) == []
