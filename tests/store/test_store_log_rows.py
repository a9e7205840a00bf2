"""How ``audit verify`` reads the log: leaves, events and revisions each streamed in key
order and matched up (``store/log_rows.py``), inside one snapshot.  A revision whose leaf
was appended before an older one's (two writers on PostgreSQL), a writer appending while
the log is read, and a leaf that does not hash its row all get the right verdict.  Runs on
SQLite and PostgreSQL."""

from __future__ import annotations

import json
from hashlib import sha256

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.exc import DBAPIError
from store_specs import draft

from techspec.proofs.checkpoint import Checkpoint
from techspec.store import audit, log_verify, revisions, transparency
from techspec.store.clock import now
from techspec.store.engine import Store
from techspec.store.log_rows import LEAVES, InKeyOrder, revision_of, stream
from techspec.store.schema import revisions as revisions_table
from techspec.store.users import add_user, create_token

# -- the event serialization ---------------------------------------------------------

texts = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40)
numbers = st.integers(min_value=-(2**63), max_value=2**63 - 1)


@given(
    seq=numbers,
    stamp=texts,
    actor=st.none() | texts,
    action=texts,
    spec_id=st.none() | numbers,
    revision=st.none() | numbers,
    details=texts,
)
def test_event_fields_are_byte_for_byte_the_json_encoders(
    seq: int,
    stamp: str,
    actor: str | None,
    action: str,
    spec_id: int | None,
    revision: int | None,
    details: str,
) -> None:
    expected = json.dumps(
        [seq, stamp, actor, action, spec_id, revision, details],
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()
    found = transparency.event_fields(seq, stamp, actor, action, spec_id, revision, details)
    assert found == expected


def test_event_fields_of_an_unusual_type_still_go_through_the_encoder() -> None:
    found = transparency.event_fields(True, "t", None, "a", None, None, "{}")
    assert found == b'[true,"t",null,"a",null,null,"{}"]'


# -- rows taken in key order -----------------------------------------------------------


def test_rows_are_taken_by_key_and_a_missing_key_is_none() -> None:
    rows = InKeyOrder(iter([(1, "a"), (2, "b"), (4, "d")]))
    assert rows.take(1) == (1, "a")
    assert rows.take(3) is None  # 4 is next: 3 is not in the table
    assert rows.take(4) == (4, "d")
    assert rows.take(5) is None


def test_rows_passed_over_are_dropped_unless_shaped_and_kept() -> None:
    dropped = InKeyOrder(iter([(1, "a"), (2, "b")]))
    assert dropped.take(2) == (2, "b")
    assert dropped.take(1) is None
    kept = InKeyOrder(iter([(1, "a"), (2, "b")]), lambda row: row[1].upper())
    assert kept.take(2) == "B"
    assert kept.take(1) == "A"
    assert kept.take(1) is None  # taken once only


def test_a_kept_revision_holds_whether_its_text_matched_not_the_text() -> None:
    text = "# Spec\n" * 1000
    digest = sha256(text.encode()).hexdigest()
    assert revision_of((7, 1, 2, digest, text)) == (7, 1, 2, digest, True)
    assert revision_of((7, 1, 2, digest, text + "!")) == (7, 1, 2, digest, False)


# -- the whole walk, on both engines ---------------------------------------------------


def _revision_without_leaf(connection: sa.Connection, spec_id: int, number: int) -> int:
    """Insert a revision row as the store does, before its leaf is appended."""
    text = f"# Spec\n\nText {number}.\n"
    digest = sha256(text.encode()).hexdigest()
    return int(
        connection.execute(
            sa.insert(revisions_table)
            .values(
                spec_id=spec_id,
                number=number,
                text=text,
                sha256=digest,
                content_hash=digest,
                created_at=now(),
                kind="save",
                errors=0,
                warnings=0,
                infos=0,
                open_tasks=0,
                high_risks=0,
            )
            .returning(revisions_table.c.id)
        ).scalar_one()
    )


def test_revisions_whose_leaves_came_out_of_id_order_verify(store: Store) -> None:
    """Two writers on PostgreSQL: the first draws the smaller id, the second appends
    its leaf first.  The log is sound, and the walk must say so."""
    ada = add_user(store, "ada", ["author"])
    spec = revisions.create_spec(store, "ledger", draft(), author=ada).spec
    with store.write() as connection:
        first = _revision_without_leaf(connection, spec.id, 50)
        second = _revision_without_leaf(connection, spec.id, 51)
        for revision_id, number in ((second, 51), (first, 50)):
            row = connection.execute(
                sa.select(revisions_table.c.sha256).where(revisions_table.c.id == revision_id)
            ).scalar_one()
            transparency.append_revision(connection, revision_id, spec.id, number, row)
    assert first < second
    report = log_verify.verify(store)
    assert report.ok, report.problem
    assert report.revisions == 3


def test_a_revision_leaf_that_does_not_hash_its_row_is_named(store: Store) -> None:
    ada = add_user(store, "ada", ["author"])
    spec = revisions.create_spec(store, "ledger", draft(), author=ada).spec
    with store.write() as connection:
        revision_id = _revision_without_leaf(connection, spec.id, 50)
        transparency.lock(connection)
        index = transparency.append(
            connection,
            transparency.REVISION,
            revision_id,
            transparency.revision_leaf(revision_id, spec.id, 50, "0" * 64),
        )
    report = log_verify.verify(store)
    assert not report.ok
    assert report.problem == (
        f"revision 50 of spec #{spec.id} does not match its leaf {index} in the tree: edited"
    )


def test_a_writer_appending_while_the_log_is_read_is_not_mistaken_for_tampering(
    store: Store,
) -> None:
    """verify reads the leaves, then the events, then the head rows; on PostgreSQL
    each in its own statement.  Another server appends in between (here: while the walk
    checks the recorded checkpoint): the walk sees the log as it was when it began."""
    add_user(store, "ada", ["author"])
    create_token(store, "ada", "laptop")
    with store.write() as connection:
        size = transparency.head(connection).size
        root = transparency.head(connection).root
        audit.record(
            connection,
            actor=None,
            action=transparency.CHECKPOINT_ACTION,
            details={"size": size, "root": root.hex(), "note": "n"},
        )
    create_token(store, "ada", "phone")
    appended: list[str] = []

    def append_meanwhile(note: str) -> Checkpoint:
        create_token(store, "ada", f"tablet {len(appended)}")  # committed at once
        appended.append(note)
        return Checkpoint("techspec", size, root)

    report = log_verify.verify(store, note_check=append_meanwhile)
    assert appended == ["n"]
    assert report.ok, report.problem
    assert log_verify.verify(store).events == report.events + 1


def test_a_failing_stream_raises_sqlalchemys_error_not_the_drivers(store: Store) -> None:
    """The streams use the driver's cursor for speed; its errors still reach the
    store's error handling as SQLAlchemy's, naming the statement."""
    with store.snapshot() as connection, pytest.raises(DBAPIError, match="no_such_column"):
        list(stream(connection, "SELECT no_such_column FROM log_leaves"))


def test_a_stream_fetches_every_row_across_batches(store: Store) -> None:
    add_user(store, "ada", ["author"])
    for number in range(7):
        create_token(store, "ada", f"laptop {number}")
    with store.snapshot() as connection:
        rows = list(stream(connection, LEAVES, batch=3))
    assert [row[0] for row in rows] == list(range(len(rows)))
    assert len(rows) >= 8


def test_a_log_read_in_batches_smaller_than_it_verifies_the_same(store: Store) -> None:
    ada = add_user(store, "ada", ["author"])
    revisions.create_spec(store, "ledger", draft(), author=ada)
    for number in range(5):
        create_token(store, "ada", f"laptop {number}")
    whole = log_verify.verify(store)
    assert whole.ok, whole.problem
    small = log_verify.verify(store, batch=2)
    assert (small.ok, small.size, small.events, small.root) == (
        True,
        whole.size,
        whole.events,
        whole.root,
    )
