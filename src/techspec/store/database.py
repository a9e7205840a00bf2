"""The database: its URL, an engine with the store's connection settings, and the
:class:`Store` with its read and write transactions.

SQLite is the zero-set-up default: WAL mode so readers never wait for the writer, a
busy timeout so writers queue instead of failing, and ``BEGIN IMMEDIATE`` for write
transactions so two writers never both read a revision and then both try to commit.
PostgreSQL serves many stateless app instances on one database; there, conditional
updates and row locks give the same guarantees.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from techspec.store.errors import StoreError

if TYPE_CHECKING:
    from techspec.proofs.keys import KeyRing
    from techspec.proofs.signoff import Signer

ENV_VAR = "TECHSPEC_DATABASE_URL"
DEFAULT_URL = "sqlite:///techspec.db"
BUSY_TIMEOUT_MS = 30_000
log = logging.getLogger("techspec.store")
CONNECT_TIMEOUT_S = 5


def database_url(explicit: str | None = None) -> str:
    """``--db``, else ``$TECHSPEC_DATABASE_URL``, else ``sqlite:///techspec.db``."""
    return explicit or os.environ.get(ENV_VAR) or DEFAULT_URL


def normalize_url(url: str) -> sa.URL:
    """Parse and check a URL; ``postgresql://`` means the psycopg 3 driver."""
    try:
        parsed = sa.make_url(url)
    except (ArgumentError, ValueError):
        raise StoreError(
            f"invalid database URL {url!r}: expected sqlite:///FILE or "
            "postgresql+psycopg://USER@HOST/DB"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "postgresql" and parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if backend not in ("sqlite", "postgresql"):
        raise StoreError(
            f"invalid database URL {redact(url)!r}: only sqlite and postgresql are supported"
        )
    if backend == "postgresql" and parsed.drivername != "postgresql+psycopg":
        raise StoreError(f"invalid database URL {redact(url)!r}: use postgresql+psycopg://")
    return parsed


def redact(url: str | sa.URL) -> str:
    """The URL with any password hidden, for messages."""
    try:
        parsed = sa.make_url(url) if isinstance(url, str) else url
    except (ArgumentError, ValueError):
        return str(url)
    return parsed.render_as_string(hide_password=True)


def make_engine(url: str, **options: Any) -> Engine:
    """An engine with the store's connection settings (see the module docstring)."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, **options)
    connect_args = {"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "techspec"}
    try:
        return sa.create_engine(parsed, connect_args=connect_args, pool_pre_ping=True, **options)
    except (ArgumentError, NoSuchModuleError) as error:
        raise StoreError(f"invalid database URL {redact(parsed)!r}: {error}") from None


def _sqlite_engine(parsed: sa.URL, **options: Any) -> Engine:
    database = parsed.database or ""
    if database in ("", ":memory:"):
        raise StoreError("invalid database URL: SQLite needs a file (sqlite:///techspec.db)")
    engine = sa.create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **options)

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get("immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


_SHARED: ContextVar[tuple[Store, Connection] | None] = ContextVar(
    "techspec_shared_read", default=None
)
"""The read transaction of the innermost :meth:`Store.reads` scope, and its store."""


@dataclass
class Store:
    """An open store: an engine plus read and write transactions.

    Build one with :func:`techspec.store.engine.open_store`; the library's functions take it first.
    """

    engine: Engine
    url: str
    _watcher: sqlite3.Connection | None = field(default=None, init=False, repr=False)
    _watch_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _signer: Signer | None = field(default=None, init=False, repr=False)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def data_version(self) -> int | None:
        """A number that changes whenever a write commits, from any connection in any
        process; None when the database offers no such signal (PostgreSQL).

        It lets a cache of read answers stay exact without asking the database for the
        data itself: SQLite's ``PRAGMA data_version``, read on a connection of its own that
        never writes (a connection does not see its own commits in it), costs a few
        microseconds.
        """
        if self.dialect != "sqlite":
            return None
        with self._watch_lock:
            try:
                if self._watcher is None:
                    self._watcher = _watch(self.engine)
                row = self._watcher.execute("PRAGMA data_version").fetchone()
            except sqlite3.Error:
                return None
        return int(row[0])

    def signer(self) -> Signer:
        """Signs the sign-off rows the workflow writes, with the server's keyring
        (:func:`techspec.proofs.keys.resolve`: made beside a SQLite file on first use).
        A store given no keyring and with no file to keep one beside (PostgreSQL without
        ``$TECHSPEC_SIGNING_KEY`` or ``$TECHSPEC_SIGNING_KEYRING``) writes unsigned rows,
        with a warning: ``techspec verify`` reports them."""
        from techspec.proofs.keys import NoKeyConfigured, resolve
        from techspec.proofs.signoff import Signer

        if self._signer is None:
            try:
                ring: KeyRing | None = resolve(self.url)
            except NoKeyConfigured as error:
                log.warning("sign-offs are written unsigned: %s", error.message)
                ring = None
            self._signer = Signer(ring)
        return self._signer

    def use_keyring(self, ring: KeyRing | None) -> None:
        """Sign with ``ring`` (None: unsigned) instead of the configured keyring."""
        from techspec.proofs.signoff import Signer

        self._signer = Signer(ring)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A transaction that only reads (the one of :meth:`reads` when inside it)."""
        shared = _SHARED.get()
        if shared is not None and shared[0] is self:
            yield shared[1]
            return
        with database_errors(self.url), self.engine.begin() as connection:
            yield connection

    @contextmanager
    def reads(self) -> Iterator[Connection]:
        """One read transaction that every :meth:`read` inside shares, in this thread or
        task: for a page that asks many small questions.  Each transaction of its own
        costs PostgreSQL three round trips besides its query (the pool's ping, BEGIN,
        COMMIT), a third of the dashboard's time when each read took one.  Only reads
        share it: a :meth:`write` inside still has its own transaction, and on SQLite
        what it commits is not seen by the reads after it in the scope (one snapshot)."""
        with self.read() as connection:
            token = _SHARED.set((self, connection))
            try:
                yield connection
            finally:
                _SHARED.reset(token)

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """A read transaction that sees one moment throughout, for a reader that reads
        several tables one after another (``audit verify``).  SQLite's read transaction
        is one already; PostgreSQL's default (READ COMMITTED) lets each statement see what
        was committed before it, so a reader would mix two states of a log being appended
        to, and call a sound log broken."""
        if self.engine.dialect.name != "postgresql":
            with self.read() as connection:
                yield connection
            return
        with database_errors(self.url), self.engine.connect() as connection:
            fixed = connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
            with fixed.begin():
                yield fixed

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: on SQLite it holds the write lock from its first statement."""
        with database_errors(self.url):
            engine = self.engine.execution_options(immediate=True)
            with engine.begin() as connection:
                yield connection

    def close(self) -> None:
        with self._watch_lock:
            if self._watcher is not None:
                self._watcher.close()
                self._watcher = None
        self.engine.dispose()


def _watch(engine: Engine) -> sqlite3.Connection:
    """A connection of its own to the engine's SQLite file, only for ``data_version``."""
    database = engine.url.database or ""
    return sqlite3.connect(database, isolation_level=None, check_same_thread=False)


@contextmanager
def database_errors(url: str) -> Iterator[None]:
    """Turn a driver's connection failure into one clear line naming the database."""
    try:
        yield
    except DBAPIError as error:
        if error.connection_invalidated or _is_connect_error(error):
            reason = _first_line(error.orig) or type(error.orig).__name__
            raise StoreError(f"cannot reach the database {redact(url)}: {reason}") from None
        raise
    except SQLAlchemyError as error:
        if type(error).__name__ == "ArgumentError":
            raise StoreError(f"invalid database URL {redact(url)!r}: {error}") from None
        raise


def _is_connect_error(error: DBAPIError) -> bool:
    text = str(error.orig).casefold()
    markers = (
        "connection",
        "connect",
        "unable to open database",
        "could not translate",
        "server closed",
        "timeout expired",
        "no such host",
        "does not exist",
    )
    return isinstance(error, sa.exc.OperationalError) and any(m in text for m in markers)


def _first_line(value: object) -> str:
    return str(value).strip().splitlines()[0].strip() if str(value).strip() else ""
