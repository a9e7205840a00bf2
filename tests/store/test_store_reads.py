"""``Store.reads()``: a page that asks a dozen small questions asks them in one read
transaction (on PostgreSQL each transaction of its own cost three round trips besides
its query).  Reads inside share it; writes do not; another thread or another store
never sees it.  Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from techspec.store.engine import Store, open_store
from techspec.store.users import add_user, find_user


def _checkouts(store: Store) -> list[object]:
    """Every connection the pool hands out from now on."""
    seen: list[object] = []
    sa.event.listen(store.engine, "checkout", lambda dbapi, *_args: seen.append(dbapi))
    return seen


def test_reads_inside_the_scope_share_its_one_connection(store: Store) -> None:
    add_user(store, "ada", ["author"])
    checkouts = _checkouts(store)
    with store.reads() as shared:
        with store.read() as first, store.read() as second:
            assert first is shared and second is shared
        assert find_user(store, "ada").name == "ada"
    assert len(checkouts) == 1
    with store.read() as outside:
        assert outside is not shared
    assert len(checkouts) == 2


def test_a_write_inside_the_scope_has_its_own_transaction_and_commits(store: Store) -> None:
    with store.reads() as shared:
        with store.write() as writing:
            assert writing is not shared
        add_user(store, "ada", ["author"])
    with store.read() as connection:
        names = connection.execute(sa.text("SELECT name FROM users")).scalars().all()
    assert "ada" in names


def test_another_thread_does_not_share_the_scope(store: Store) -> None:
    found: list[object] = []
    with store.reads() as shared:

        def read_elsewhere() -> None:
            with store.read() as connection:
                found.append(connection)

        worker = threading.Thread(target=read_elsewhere)
        worker.start()
        worker.join()
    assert found and found[0] is not shared


def test_another_store_does_not_share_the_scope(store: Store, db_url: str) -> None:
    other = open_store(db_url)
    try:
        with store.reads() as shared, other.read() as connection:
            assert connection is not shared
    finally:
        other.close()
