"""Checkpoints carried out by webhooks, so that a second system can witness the log:
a receiver subscribed to ``checkpoint`` gets each new signed checkpoint, checks it with
the server's public key (C2SP formulas written in the tests), and can later prove the
server's log is a consistent extension of what it saw."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from fastapi.testclient import TestClient
from receiver import Receiver, receiver
from webhook_support import People, create, fast, register

from rfc9162 import read_checkpoint
from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.cli import cli
from techspec.service import transparency
from techspec.service.permissions import CONSOLE
from techspec.store.engine import Store


@pytest.fixture
def hooked(settings: Settings, store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(fast(settings), store=store)) as client:
        yield client


@pytest.fixture
def inbox() -> Iterator[Receiver]:
    with receiver() as found:
        yield found


def test_a_witness_receives_signed_checkpoints_and_checks_the_log_against_them(
    hooked: TestClient, people: People, inbox: Receiver, store: Store, tmp_path: Path
) -> None:
    register(hooked, people, inbox.url, events=["checkpoint"])
    create(hooked, people, "Ledger")
    first = inbox.wait_for(1)[0]
    assert first.headers["X-Techspec-Event"] == "checkpoint"
    payload = json.loads(first.body)
    note = payload["details"]["note"]
    ring = transparency.keyring(store)  # beside the SQLite file, made on start
    origin, size, root = read_checkpoint(note, transparency.origin(ring), ring.current.public_bytes)
    assert (payload["action"], origin) == ("log.checkpoint", transparency.origin(ring))
    assert (payload["details"]["size"], payload["details"]["root"]) == (size, root.hex())

    create(hooked, people, "Billing")
    later = _checkpoint_after(inbox, size)
    read_checkpoint(later["note"], origin, ring.current.public_bytes)
    # What the witness kept is a prefix of the server's log, and of its next checkpoint.
    report = transparency.verify(store, CONSOLE, ring=ring, against=note)
    assert report.ok, report.problem
    assert transparency.verify(store, CONSOLE, ring=ring, against=later["note"]).ok


def _checkpoint_after(inbox: Receiver, size: int) -> dict[str, Any]:
    """The first checkpoint delivered of a tree larger than ``size``."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for got in inbox.received:
            details: dict[str, Any] = json.loads(got.body)["details"]
            if details["size"] > size:
                return details
        time.sleep(0.05)
    raise AssertionError(f"no checkpoint of more than {size} leaves arrived")


def test_receivers_that_did_not_ask_for_checkpoints_get_none(
    hooked: TestClient, people: People, inbox: Receiver
) -> None:
    made = register(hooked, people, inbox.url)
    assert made["events"] == ["revision", "transition", "approval", "thread", "review"]
    create(hooked, people)
    [got] = inbox.wait_for(1)
    assert got.headers["X-Techspec-Event"] == "revision"
    listed = hooked.get("/api/v1/audit", headers=people["root"]).json()
    assert "log.checkpoint" not in [event["action"] for event in listed]


def test_the_api_and_the_cli_give_the_same_verdict_on_a_tampered_log(
    client: TestClient, people: People, store: Store, db_url: str
) -> None:
    spec = create(client, people)
    assert client.get("/api/v1/audit/verify", headers=people["root"]).json()["ok"] is True
    with store.write() as connection:
        connection.execute(sa.text("DROP TRIGGER revisions_no_update"))
        connection.execute(sa.text("UPDATE revisions SET text = text || ' ' WHERE number = 1"))
    found = client.get("/api/v1/audit/verify", headers=people["root"]).json()
    said = CliRunner().invoke(cli, ["audit", "verify", "--db", db_url])
    expected = f"revision 1 of spec #{spec['id']}: its text does not match its sha256: edited"
    assert (found["ok"], found["reason"]) == (False, expected)
    assert (said.exit_code, said.stdout) == (1, f"BROKEN: {expected}\n")
    assert found["summary"] == said.stdout.strip()
