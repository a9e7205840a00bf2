"""Opening the store: the database a URL names, with its schema checked (or brought up to
date) by :mod:`techspec.store.migrations`.

The database itself (URLs, the engine, :class:`Store` and its transactions) is
:mod:`techspec.store.database`, below the migrations that take a Store; its names are
re-exported here, where the rest of techspec imports them.
"""

from __future__ import annotations

from techspec.store import migrations
from techspec.store.database import (
    Store,
    database_url,
    make_engine,
    normalize_url,
    redact,
)

__all__ = ["Store", "database_url", "make_engine", "normalize_url", "open_store", "redact"]


def open_store(url: str | None = None, *, upgrade: bool | None = None) -> Store:
    """Open the store at ``url`` (see :func:`database_url`).

    The schema must be current.  SQLite upgrades itself on first use (the default);
    PostgreSQL is upgraded explicitly with ``techspec db upgrade`` so that many app
    instances never race to migrate one database.
    """
    resolved = database_url(url)
    engine = make_engine(resolved)
    store = Store(engine, resolved)
    auto = upgrade if upgrade is not None else store.dialect == "sqlite"
    try:
        migrations.ensure_current(store, auto=auto)
    except BaseException:
        engine.dispose()
        raise
    return store
