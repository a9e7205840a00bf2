"""The rows ``audit verify`` reads: the leaves, the events and the revisions, each
streamed in its own key order and matched up in Python.

Why three streams and not one join: the join (each leaf with its event or its revision)
costs the database an index probe per leaf; on PostgreSQL that was a third of a
million-event verify's time, spent while the client waited.  Each table read once in
key order is a plain scan, and rows arrive while the client hashes the previous batch.

Matching is cheap because a log that verifies lists its events in ``seq`` order (each
event's leaf is appended under the same lock that numbers it).  Revisions usually come in
``id`` order too, but two writers on PostgreSQL may append them the other way round (the
id is drawn before the log's lock is taken), so a revision passed over waits in a small
table until its leaf comes.  What waits keeps only whether its text matched its sha256,
never the text: a forged order costs memory in proportion to the revisions, not to their
texts.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from hashlib import sha256
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

BATCH = 5000
"""Rows per fetch: large enough that the round trips do not count, small enough that a
batch of revision texts stays a few megabytes."""

LEAVES = "SELECT idx, kind, ref, hash FROM log_leaves ORDER BY idx"
_EVENTS = (
    "SELECT seq, {at}, actor, action, spec_id, revision, details, prev_hash, hash"
    " FROM audit_events ORDER BY seq"
)
REVISIONS = "SELECT id, spec_id, number, sha256, text FROM revisions ORDER BY id"
_PG_STAMP = "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
"""PostgreSQL spells the time as SQLite stores it (UTC ``YYYY-MM-DD HH:MM:SS.ffffff``), so
the walk re-spells text and never builds a datetime per event."""

Revision = tuple[int, int, int, str, bool]
"""``(id, spec_id, number, recorded sha256, whether the text hashes to it)``."""


def events_sql(dialect: str) -> str:
    """The events, in ``seq`` order, with each time as text."""
    return _EVENTS.format(at=_PG_STAMP if dialect == "postgresql" else "at")


def stream(connection: Connection, sql: str, batch: int = BATCH) -> Iterator[Any]:
    """Every row of ``sql`` as the driver's own tuples, fetched ``batch`` at a time: a
    server-side (named) cursor on PostgreSQL, so a million rows are never held at once.
    The driver's cursor, not SQLAlchemy's result: a million rows pass through here, and
    SQLAlchemy's rows and buffering doubled the time spent fetching them."""
    dialect = connection.dialect
    raw = connection.connection.driver_connection
    assert raw is not None
    name = f"techspec_log_{next(_CURSORS)}"
    cursor = raw.cursor(name=name) if dialect.name == "postgresql" else raw.cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(batch):
            yield from rows
    except dialect.loaded_dbapi.Error as error:
        raise DBAPIError.instance(sql, None, error, dialect.loaded_dbapi.Error) from None
    finally:
        cursor.close()


_CURSORS = itertools.count(1)
"""Names for the server-side cursors (unique within a connection while they are open)."""


def revision_of(row: Any) -> Revision:
    """A revision row as the walk keeps it: its text checked and dropped."""
    rid, spec_id, number, recorded, text = row
    matches = sha256(text.encode("utf-8", "surrogatepass")).hexdigest() == recorded
    return rid, spec_id, number, recorded, matches


class InKeyOrder:
    """Rows of one table in ascending key order (the key is each row's first column),
    taken by the key a leaf names.

    ``take(key)`` returns that row, or None when the table has none: a row with a smaller
    key is passed over (kept for a later ``take`` when ``shape`` is given, dropped
    otherwise), and a larger key means the one asked for is not there.
    """

    def __init__(self, rows: Iterator[Any], shape: Callable[[Any], Any] | None = None) -> None:
        self._rows = rows
        self._shape = shape
        self._next: Any = next(rows, None)
        self._passed: dict[int, Any] = {}

    def take(self, key: int) -> Any:
        if self._passed:
            kept = self._passed.pop(key, None)
            if kept is not None:
                return kept
        shape = self._shape
        while (row := self._next) is not None:
            found = row[0]
            if found > key:
                return None
            self._next = next(self._rows, None)
            if found == key:
                return row if shape is None else shape(row)
            if shape is not None:
                self._passed[found] = shape(row)
        return None
