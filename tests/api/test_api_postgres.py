"""Two server processes on one PostgreSQL database, 20 clients x 50 concurrent PUTs with
If-Match spread over both: no lost update.  Every accepted write is exactly one revision,
every refused one got 412 with the ETag that was current.  And both append to one
transparency log, signing checkpoints with one shared key, without forking it."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest
from api_pg import Cluster
from api_support import TECHSPEC, draft, edited, schema_differences, serve
from receiver import Receiver, receiver

from techspec.proofs.keys import KeyRing, SigningKey
from techspec.service import transparency
from techspec.service.permissions import CONSOLE
from techspec.store import inbox_schema, revisions, webhooks
from techspec.store.engine import open_store
from techspec.store.users import add_user, create_token, find_user

CLIENTS = 20
WRITES = 50
BUDGET_S = 150


def test_the_webhook_migration_matches_the_table_definitions_on_postgresql(
    postgres: Cluster,
) -> None:
    postgres.admin("CREATE DATABASE migrated")
    url = postgres.url("migrated")
    subprocess.run([str(TECHSPEC), "db", "upgrade", "--db", url], check=True, capture_output=True)
    assert schema_differences(url) == []
    assert schema_differences(url, inbox_schema.tables) == []


@pytest.mark.slow
def test_two_servers_lose_no_update_under_concurrent_conditional_puts(
    postgres: Cluster, tmp_path: Path
) -> None:
    postgres.admin("CREATE DATABASE two_servers")
    url = postgres.url("two_servers")
    upgraded = subprocess.run(
        [str(TECHSPEC), "db", "upgrade", "--db", url], capture_output=True, text=True, check=False
    )
    assert upgraded.returncode == 0, upgraded.stderr
    store = open_store(url)
    add_user(store, "ada", ["author"])
    token = create_token(store, "ada")
    base = draft("Contended", "ada")
    revisions.create_spec(store, "contended", base, author=find_user(store, "ada"))
    etag = f'"{revisions.get_revision(store, "contended").sha256}"'
    store.close()

    accepted: list[str] = []
    refused: list[str] = []
    unexpected: list[str] = []
    lock = threading.Lock()
    started = time.monotonic()

    def client(number: int, urls: list[str]) -> None:
        current = etag
        auth = {"Authorization": f"Bearer {token}"}
        with httpx.Client(headers=auth, timeout=30) as http:
            for write in range(WRITES):
                marker = f"Write {number}-{write}."
                response = http.put(
                    f"{urls[(number + write) % 2]}/api/v1/specs/contended",
                    json={"content": edited(base, marker)},
                    headers={"If-Match": current},
                )
                with lock:
                    if response.status_code == 200:
                        accepted.append(marker)
                    elif response.status_code == 412:
                        refused.append(marker)
                    else:
                        unexpected.append(f"{response.status_code} {response.text[:200]}")
                current = response.headers.get("ETag", current)
                if time.monotonic() - started > BUDGET_S:
                    return

    env = {"TECHSPEC_AUTH_CACHE_SECONDS": "30", "TECHSPEC_WEBHOOKS": "0"}
    with (
        serve(url, tmp_path / "one.log", env=env) as one,
        serve(url, tmp_path / "two.log", env=env) as two,
    ):
        threads = [
            threading.Thread(target=client, args=(n, [one.url, two.url])) for n in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    print(f"accepted {len(accepted)} refused {len(refused)} in {time.monotonic() - started:.1f} s")
    assert unexpected == []
    assert time.monotonic() - started < BUDGET_S, "the run took too long to count"
    assert len(accepted) + len(refused) == CLIENTS * WRITES
    assert accepted, "no write was accepted"

    store = open_store(url)
    history = revisions.history(store, "contended")
    store.close()
    assert [r.number for r in history] == list(range(1, len(accepted) + 2))
    written = [next(m for m in accepted + refused if m in r.text) for r in history[1:]]
    assert sorted(written) == sorted(accepted)
    assert not any(marker in r.text for r in history for marker in refused)


def test_two_servers_append_to_one_transparency_log_without_forking(
    postgres: Cluster, tmp_path: Path
) -> None:
    """Both processes write specs and sign checkpoints with the one shared key, at once:
    every checkpoint either signed is a prefix of the one log that verifies."""
    postgres.admin("CREATE DATABASE one_log")
    url = postgres.url("one_log")
    upgraded = subprocess.run(
        [str(TECHSPEC), "db", "upgrade", "--db", url], capture_output=True, text=True, check=False
    )
    assert upgraded.returncode == 0, upgraded.stderr
    ring = KeyRing([], SigningKey.generate())
    store = open_store(url)
    add_user(store, "ada", ["author"])
    token = create_token(store, "ada")
    store.close()
    env = {
        "TECHSPEC_SIGNING_KEY": ring.to_text(),
        "TECHSPEC_WEBHOOK_ALLOW_PRIVATE": "true",
        "TECHSPEC_WEBHOOK_POLL_SECONDS": "0.05",
        "TECHSPEC_AUTH_CACHE_SECONDS": "30",
    }
    failures: list[str] = []

    def client(number: int, urls: list[str]) -> None:
        auth = {"Authorization": f"Bearer {token}", "Content-Type": "text/markdown"}
        with httpx.Client(headers=auth, timeout=30) as http:
            for write in range(SPECS_EACH):
                response = http.post(
                    f"{urls[(number + write) % 2]}/api/v1/specs",
                    content=draft(f"Spec {number} {write}", "ada").encode(),
                )
                if response.status_code != 201:
                    failures.append(f"{response.status_code} {response.text[:200]}")

    with (
        receiver() as witness,
        serve(url, tmp_path / "one.log", env=env) as one,
        serve(url, tmp_path / "two.log", env=env) as two,
    ):
        store = open_store(url)
        webhooks.add(store, witness.url, ["checkpoint"], allow_private=True)
        store.close()
        threads = [
            threading.Thread(target=client, args=(n, [one.url, two.url]))
            for n in range(SPEC_CLIENTS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        expected = 1 + 2 * SPEC_CLIENTS * SPECS_EACH  # webhook.added, then event + revision
        notes = _checkpoints_until(witness, expected)
    assert failures == []
    store = open_store(url)
    try:
        report = transparency.verify(store, CONSOLE, ring=ring)
        assert report.ok, report.problem
        assert report.revisions == SPEC_CLIENTS * SPECS_EACH
        assert report.checkpoints >= 2
        for note in notes:
            kept = transparency.verify(store, CONSOLE, ring=ring, against=note)
            assert kept.ok, kept.problem
        sizes = [int(note.split("\n")[1]) for note in notes]
        assert len(set(sizes)) == len(sizes), "one checkpoint per tree size: no two signers raced"
    finally:
        store.close()


SPEC_CLIENTS = 6
SPECS_EACH = 10


def _checkpoints_until(witness: Receiver, size: int, timeout: float = 30.0) -> list[str]:
    """Every checkpoint delivered, once one covers at least ``size`` leaves."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        notes = [json.loads(got.body)["details"]["note"] for got in list(witness.received)]
        if any(int(note.split("\n")[1]) >= size for note in notes):
            return notes
        time.sleep(0.1)
    raise AssertionError(f"no checkpoint of {size} leaves arrived")
