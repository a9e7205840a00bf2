"""Helpers for the API suite (imported explicitly; not a conftest): spec texts, people
with tokens, and a real ``techspec serve`` process on a free loopback port."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from techspec.authoring.scaffold import scaffold
from techspec.lint.template import builtin_template
from techspec.store import webhooks
from techspec.store.engine import Store, make_engine
from techspec.store.users import add_user, create_token

TECHSPEC = Path(sys.executable).parent / "techspec"
_SIGNOFF = re.compile(r"\| \[Name\]\s*\| \[Date\]\s*\| \[Approval\]\s*\|")
_PLACEHOLDER = re.compile(r"\[(?! \]|x\])([^\[\]\n]+)\]")

PEOPLE: dict[str, tuple[str, ...]] = {
    "root": ("admin",),
    "ada": ("author",),
    "bob": ("author",),
    "vic": ("viewer",),
    "tom": ("Technical Lead",),
    "pat": ("Product Owner",),
    "sue": ("Security Lead",),
    "nobody": (),
}
"""Who the suite's users are: an admin, two authors, a viewer, one reviewer per sign-off
role of the built-in template, and a user with no role."""


def raw_draft(title: str = "Payments Ledger", author: str = "Ada") -> str:
    """``techspec new`` output: placeholders everywhere, so it fails the Review gate."""
    return scaffold(builtin_template(), title, author, date.today())


def draft(title: str = "Payments Ledger", author: str = "Ada", *, words: str = "") -> str:
    """A Draft with every placeholder filled: it lints clean at Review."""
    text = _SIGNOFF.sub("|  |  |  |", raw_draft(title, author))
    text = _PLACEHOLDER.sub(lambda m: re.sub(r"[^\w -]", "", m.group(1)).strip() or "x", text)
    text = text.replace("High/Medium/Low", "Medium")
    if words:
        text = edited(text, words)
    return text


def edited(text: str, words: str) -> str:
    return text.replace("## Executive Summary\n\n", f"## Executive Summary\n\n{words}\n\n", 1)


def with_tasks_done(text: str) -> str:
    return text.replace("- [ ]", "- [x]")


def add_people(store: Store) -> dict[str, dict[str, str]]:
    """Every user of :data:`PEOPLE` with a token; returns name -> Authorization header."""
    headers: dict[str, dict[str, str]] = {}
    for name, roles in PEOPLE.items():
        add_user(store, name, list(roles))
        headers[name] = {"Authorization": f"Bearer {create_token(store, name)}"}
    return headers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def logs(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_log(self, text: str, timeout: float = 10.0) -> bool:
        """True once ``text`` is in the server's log.  The access line is written after
        the response is sent, so a test that reads the log at once can miss it."""
        return self.wait_for_entry(lambda _entry, line: text in line, timeout)

    def wait_for_log_entry(self, timeout: float = 10.0, **fields: object) -> bool:
        """True once a JSON log line holds every one of ``fields``."""

        def matches(entry: dict[str, object], _line: str) -> bool:
            return all(entry.get(name) == value for name, value in fields.items())

        return self.wait_for_entry(matches, timeout)

    def wait_for_entry(
        self, wanted: Callable[[dict[str, object], str], bool], timeout: float
    ) -> bool:
        deadline = time.monotonic() + timeout
        while not any(wanted(entry, line) for entry, line in self.entries()):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def entries(self) -> list[tuple[dict[str, object], str]]:
        """Each log line with its JSON object (empty for a line that is not JSON)."""
        found = []
        for line in self.logs().splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                entry = None
            found.append((entry if isinstance(entry, dict) else {}, line))
        return found


@contextmanager
def serve(
    db_url: str,
    log: Path,
    *,
    env: Mapping[str, str] | None = None,
    args: tuple[str, ...] = (),
    timeout: float = 30.0,
) -> Iterator[Server]:
    """``techspec serve`` on a free port, until it answers /readyz; stopped afterwards."""
    port = free_port()
    environment = {**os.environ, "TECHSPEC_RATE_PER_SECOND": "0", **(env or {})}
    command = [str(TECHSPEC), "serve", "--db", db_url, "--port", str(port), *args]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=environment)
    url = f"http://127.0.0.1:{port}"
    server = Server(url, process, log)
    try:
        _wait_ready(server, timeout)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"techspec serve exited early:\n{server.logs()}")
        try:
            if httpx.get(f"{server.url}/readyz", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"techspec serve did not become ready:\n{server.logs()}")


def schema_differences(url: str, tables: sa.MetaData = webhooks.tables) -> list[object]:
    """What differs between the migrated tables of ``tables`` (the webhook tables unless
    told) and their definitions."""
    engine = make_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "include_name": lambda name, kind, _parent: kind != "table" or name in tables.tables
            },
        )
        found: list[object] = compare_metadata(context, tables)
    engine.dispose()
    return found
