"""Engine and schema: URLs, SQLite settings, migrations that match the tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from techspec.store import migrations
from techspec.store.database import Store, database_url, make_engine
from techspec.store.engine import open_store
from techspec.store.errors import StoreError
from techspec.store.schema import metadata


def test_the_url_comes_from_the_option_then_the_environment_then_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TECHSPEC_DATABASE_URL", raising=False)
    assert database_url() == "sqlite:///techspec.db"
    monkeypatch.setenv("TECHSPEC_DATABASE_URL", "sqlite:///env.db")
    assert database_url() == "sqlite:///env.db"
    assert database_url("sqlite:///cli.db") == "sqlite:///cli.db"


def test_a_plain_postgresql_url_uses_psycopg() -> None:
    engine = make_engine("postgresql://u@localhost/db")
    assert engine.dialect.driver == "psycopg"
    engine.dispose()


@pytest.mark.parametrize(
    "url", ["nonsense", "mysql://u@h/db", "sqlite://", "postgresql+pg8000://u@h/d"]
)
def test_an_invalid_url_is_a_store_error(url: str) -> None:
    with pytest.raises(StoreError, match="invalid database URL"):
        make_engine(url)


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'x.db'}")
    with store.read() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.close()


def test_sqlite_upgrades_itself_on_first_use(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'fresh.db'}")
    with store.read() as connection:
        assert migrations.current(connection) == migrations.HEAD
    store.close()


def test_postgresql_is_not_upgraded_implicitly(pg_server: Any) -> None:
    pg_server.admin("CREATE DATABASE empty_one")
    try:
        with pytest.raises(StoreError, match="run 'techspec db upgrade'"):
            open_store(pg_server.url("empty_one"))
    finally:
        pg_server.admin("DROP DATABASE empty_one WITH (FORCE)")


def test_head_is_the_newest_alembic_revision() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = migrations.alembic_config()
    assert isinstance(config, Config)
    assert ScriptDirectory.from_config(config).get_current_head() == migrations.HEAD


def test_the_migrated_schema_matches_the_table_definitions(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(db_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            # Only the store's tables: other components add their own (web UI passwords).
            opts={
                "include_name": lambda name, kind, _parent: (
                    kind != "table" or name in metadata.tables
                )
            },
        )
        assert compare_metadata(context, metadata) == []
    engine.dispose()


def test_every_filter_column_has_an_index(db_url: str) -> None:
    engine = make_engine(db_url)
    names = {ix["name"] for ix in sa.inspect(engine).get_indexes("specs")}
    engine.dispose()
    assert {
        "ix_specs_status",
        "ix_specs_author",
        "ix_specs_template",
        "ix_specs_open_tasks",
        "ix_specs_errors",
        "ix_specs_high_risks",
        "ix_specs_listing",
    } <= names


def test_the_store_knows_its_dialect(store: Store) -> None:
    assert store.dialect in ("sqlite", "postgresql")
    assert store.dialect in store.url


def test_sqlite_data_version_moves_with_every_commit_from_any_connection(store: Store) -> None:
    if store.dialect != "sqlite":
        assert store.data_version() is None  # PostgreSQL has no such signal
        return
    from techspec.store import revisions

    start = store.data_version()
    assert start is not None
    assert store.data_version() == start  # reading it changes nothing
    revisions.create_spec(store, "mine", "# Technical Specification: Mine\n")
    mine = store.data_version()
    assert mine != start
    other = open_store(store.url)  # another engine, as another process would have
    try:
        revisions.create_spec(other, "theirs", "# Technical Specification: Theirs\n")
    finally:
        other.close()
    theirs = store.data_version()
    assert theirs not in (start, mine)
    with store.read() as connection:
        connection.execute(sa.text("SELECT count(*) FROM specs")).scalar_one()
    assert store.data_version() == theirs  # a read is no change
