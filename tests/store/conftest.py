"""Fixtures for the store suite: every test that takes ``store`` or ``db_url`` runs on
SQLite (a real file) and on a real PostgreSQL server started here.

Each pytest process (each xdist worker) starts one PostgreSQL cluster in a temp dir on
a free port, migrates a template database once, and gives every test a fresh copy of
it (``CREATE DATABASE ... TEMPLATE``), dropped afterwards; the cluster stops at the end.
As root the server runs as the ``postgres`` user (it refuses to run as root).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from git_history import History, build

from techspec.store.engine import Store, make_engine, open_store


def _pg_bin() -> Path:
    """$TECHSPEC_PG_BIN, else PostgreSQL 15 as Debian installs it, else the newest there."""
    configured = os.environ.get("TECHSPEC_PG_BIN")
    if configured:
        return Path(configured)
    preferred = Path("/usr/lib/postgresql/15/bin")
    if (preferred / "initdb").exists():
        return preferred
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else preferred


PG_BIN = _pg_bin()
ENGINES = ["sqlite", "postgresql"]


@dataclass(frozen=True)
class PgServer:
    port: int
    base: Path

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres").replace("+psycopg", ""), autocommit=True) as c:
            c.execute(sql)


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(base: Path) -> PgServer:
    data = base / "data"
    subprocess.run(
        _as_server_user(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ]
        ),
        check=True,
        capture_output=True,
    )
    last_error = ""
    for _attempt in range(5):
        port = _free_port()
        options = (
            f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        started = subprocess.run(
            _as_server_user(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    options,
                    "-w",
                    "-l",
                    str(base / "server.log"),
                    "start",
                ]
            ),
            capture_output=True,
            text=True,
            check=False,
        )
        if started.returncode == 0:
            return PgServer(port, base)
        last_error = started.stderr + (base / "server.log").read_text(errors="replace")
    raise RuntimeError(f"PostgreSQL did not start: {last_error}")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    if not (PG_BIN / "initdb").exists():
        pytest.skip(
            f"PostgreSQL is not installed ({PG_BIN}/initdb missing): run 'make system-deps'"
        )
    base = Path(tempfile.mkdtemp(prefix="tspg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    server = _start(base)
    try:
        server.admin("CREATE DATABASE techspec_template")
        url = server.url("techspec_template")
        from techspec.store import migrations

        engine = make_engine(url)
        migrations.upgrade(Store(engine, url))
        engine.dispose()
        yield server
    finally:
        subprocess.run(
            _as_server_user(
                [str(PG_BIN / "pg_ctl"), "-D", str(base / "data"), "-m", "fast", "-w", "stop"]
            ),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "techspec.db"
    open_store(f"sqlite:///{path}").close()
    return path


@pytest.fixture(params=ENGINES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    """A migrated, empty database on each engine."""
    if request.param == "sqlite":
        path = tmp_path / "techspec.db"
        shutil.copyfile(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    server: PgServer = request.getfixturevalue("pg_server")
    name = f"t_{uuid.uuid4().hex[:16]}"
    server.admin(f"CREATE DATABASE {name} TEMPLATE techspec_template STRATEGY FILE_COPY")
    yield server.url(name)
    server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = open_store(db_url)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    repo = tmp_path_factory.mktemp("git") / "specs-repo"
    return History(repo, build(repo))


@pytest.fixture
def own_history(history: History, tmp_path: Path) -> History:
    """A copy of the history that a test may add commits to."""
    repo = tmp_path / "repo"
    shutil.copytree(history.repo, repo)
    return History(repo, dict(history.shas))
