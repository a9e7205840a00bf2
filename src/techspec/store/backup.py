"""Back up and restore a whole store.

SQLite uses its online backup API (consistent while others read and write).
PostgreSQL uses ``pg_dump`` in custom format and ``pg_restore --clean``.  The audit
log travels with the data, so ``techspec audit verify`` passes after a restore; the
restore itself is then recorded as an audit event.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from glob import glob
from pathlib import Path

import sqlalchemy as sa

from techspec.errors import InputError
from techspec.store import audit, migrations
from techspec.store.engine import Store, redact
from techspec.store.errors import StoreError


def backup(store: Store, target: Path) -> Path:
    if store.dialect == "sqlite":
        _sqlite_copy(_sqlite_path(store), target)
    else:
        _run(
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--file",
                str(target),
                _libpq_url(store),
            ],
            store,
        )
    return target


def restore(store: Store, source: Path, *, actor: str | None = None) -> None:
    """Replace the store's contents with a backup made by :func:`backup`."""
    if not source.is_file():
        raise InputError("no such backup file", path=str(source))
    store.engine.dispose()
    if store.dialect == "sqlite":
        _check_sqlite_backup(source)
        _sqlite_copy(source, _sqlite_path(store))
    else:
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                _libpq_url(store),
                str(source),
            ],
            store,
        )
    store.engine.dispose()
    migrations.ensure_current(store, auto=store.dialect == "sqlite")
    with store.write() as connection:
        audit.record(
            connection, actor=actor, action="store.restored", details={"from": source.name}
        )


def _sqlite_path(store: Store) -> Path:
    return Path(sa.make_url(store.url).database or "")


def _sqlite_copy(source: Path, target: Path) -> None:
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as error:
        raise InputError(f"cannot copy the SQLite database: {error}", path=str(target)) from None


def _check_sqlite_backup(source: Path) -> None:
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as connection:
            connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        raise InputError("not a techspec SQLite backup", path=str(source)) from None


def _libpq_url(store: Store) -> str:
    url = sa.make_url(store.url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _tool(name: str) -> str:
    """``pg_dump``/``pg_restore``: $TECHSPEC_PG_BIN, then PATH, then the newest
    /usr/lib/postgresql/*/bin."""
    configured = os.environ.get("TECHSPEC_PG_BIN")
    candidates = [str(Path(configured) / name)] if configured else []
    found = shutil.which(name)
    if found:
        candidates.append(found)
    installed = glob(f"/usr/lib/postgresql/*/bin/{name}")
    candidates.extend(sorted(installed, key=_major, reverse=True))
    for candidate in candidates:
        if Path(candidate).is_file():
            return candidate
    raise StoreError(f"{name} not found: install the PostgreSQL client tools")


def _major(path: str) -> int:
    part = Path(path).parent.parent.name
    return int(part) if part.isdigit() else 0


def _run(command: list[str], store: Store) -> None:
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        lines = [line for line in completed.stderr.splitlines() if line.strip()]
        reason = lines[0] if lines else f"exit status {completed.returncode}"
        raise StoreError(f"{Path(command[0]).name} failed for {redact(store.url)}: {reason}")
