"""Leased delivery from an outbox table: what the webhook and mail outboxes share.

An outbox row is ``pending`` until delivered or given up on.  A process that wants to
send one first leases it with a conditional update of a row whose lease is free: of
several server processes claiming one row, exactly one gets it (SQLite runs write
transactions one at a time; on PostgreSQL the second update waits for the first and then
finds the lease taken).  A failed attempt is retried after an exponential backoff with
jitter; the lease runs out by itself when a process dies mid-send, so another retries.
The table needs ``state``, ``next_attempt_at`` and ``lease_until`` columns.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from techspec.store.engine import Store

MAX_BACKOFF_S = 3600.0


def due(table: sa.Table, at: datetime) -> tuple[sa.ColumnElement[bool], ...]:
    """Rows to attempt at ``at``: pending, their time come, no live lease."""
    return (
        table.c.state == "pending",
        table.c.next_attempt_at <= at,
        sa.or_(table.c.lease_until.is_(None), table.c.lease_until < at),
    )


def lease(
    connection: Connection, table: sa.Table, row_id: int, at: datetime, until: datetime
) -> bool:
    """Lease row ``row_id`` until ``until`` if it is still due; whether this call got it."""
    taken = connection.execute(
        sa.update(table).where(table.c.id == row_id, *due(table, at)).values(lease_until=until)
    )
    return taken.rowcount == 1


def claim(
    store: Store,
    table: sa.Table,
    candidates: sa.Select[Any],
    read: Callable[[list[int]], sa.Select[Any]],
    *,
    at: datetime,
    lease_seconds: float,
) -> tuple[Sequence[Any], datetime]:
    """Lease the rows whose ids ``candidates`` selects (due rows, see :func:`due`) and
    return those this call got, as ``read(ids)`` selects them, with the lease's end.
    The candidates are read first in a read transaction, so that a round with nothing
    due takes no write lock."""
    until = at + timedelta(seconds=lease_seconds)
    with store.read() as connection:
        found = sorted(connection.execute(candidates).scalars().all())
    if not found:
        return [], until
    with store.write() as connection:
        taken = [row for row in found if lease(connection, table, row, at, until)]
        return connection.execute(read(taken)).all(), until


Step = Literal["done", "retry", "failed"]
"""What became of an attempt: ``done`` (sent, delivered), to be retried, or failed for good."""


def settle(
    *,
    succeeded: bool,
    done: str,
    attempt: int,
    at: datetime,
    max_attempts: int,
    backoff_seconds: float,
) -> tuple[Step, dict[str, Any]]:
    """What became of attempt number ``attempt`` and the values it gives its row: state
    ``done`` (``sent``, ``delivered``; and the ``<done>_at`` time) when it succeeded,
    ``failed`` after the last attempt allowed, else due again after a :func:`backoff`."""
    if succeeded:
        return "done", {"state": done, f"{done}_at": at}
    if attempt >= max_attempts:
        return "failed", {"state": "failed"}
    delay = backoff(attempt, base_seconds=backoff_seconds)
    return "retry", {"next_attempt_at": at + timedelta(seconds=delay)}


def release(
    connection: Connection, table: sa.Table, pending_id: int, lease_until: datetime, **values: Any
) -> None:
    """Write an attempt's result and free the row's lease, while the lease it was made
    under still holds: a lease that ran out and was taken by another process keeps that
    process's state."""
    connection.execute(
        sa.update(table)
        .where(table.c.id == pending_id, table.c.lease_until == lease_until)
        .values(lease_until=None, **values)
    )


def backoff(attempt: int, base_seconds: float) -> float:
    """Seconds before retry number ``attempt`` (1 is the first retry): doubling from
    ``base_seconds``, capped at an hour, with 20 % jitter so retries spread out."""
    delay: float = min(MAX_BACKOFF_S, base_seconds * 2.0 ** (attempt - 1))
    jitter: float = random.uniform(0.8, 1.2)
    return delay * jitter
