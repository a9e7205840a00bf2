"""A throwaway PostgreSQL cluster for the API suite: the minimal start-up of
``tests/store/conftest.py`` (initdb in a temp dir, a free loopback port, trust auth,
fsync off), kept separate so the store suite's fixtures stay its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from api_support import free_port


def pg_bin() -> Path:
    configured = os.environ.get("TECHSPEC_PG_BIN")
    if configured:
        return Path(configured)
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


@dataclass(frozen=True)
class Cluster:
    port: int

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres").replace("+psycopg", ""), autocommit=True) as c:
            c.execute(sql)


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def cluster() -> Iterator[Cluster]:
    """Start a cluster (PostgreSQL refuses to run as root: as root it runs as postgres)."""
    binaries = pg_bin()
    base = Path(tempfile.mkdtemp(prefix="tsapi-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    data = base / "data"
    initdb = [str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]
    subprocess.run(
        _as_postgres([*initdb, "-E", "UTF8", "--locale=C", "--no-sync"]),
        check=True,
        capture_output=True,
    )
    port = free_port()
    options = (
        f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
    )
    pg_ctl = str(binaries / "pg_ctl")
    log = str(base / "server.log")
    subprocess.run(
        _as_postgres([pg_ctl, "-D", str(data), "-o", options, "-w", "-l", log, "start"]),
        check=True,
        capture_output=True,
    )
    try:
        yield Cluster(port)
    finally:
        subprocess.run(
            _as_postgres([pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"]),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(base, ignore_errors=True)
