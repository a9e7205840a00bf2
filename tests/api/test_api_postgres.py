"""Two server processes on one PostgreSQL database, 20 clients x 50 concurrent PUTs with
If-Match spread over both: no lost update.  Every accepted write is exactly one revision,
every refused one got 412 with the ETag that was current."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api_pg import Cluster, cluster, pg_bin
from api_support import TECHSPEC, draft, edited, schema_differences, serve

from techspec.store import inbox_schema, revisions
from techspec.store.engine import open_store
from techspec.store.users import add_user, create_token, find_user

CLIENTS = 20
WRITES = 50
BUDGET_S = 150


@pytest.fixture(scope="module")
def postgres() -> Iterator[Cluster]:
    if not (pg_bin() / "initdb").exists():
        pytest.skip("PostgreSQL is not installed: run 'make system-deps'")
    with cluster() as found:
        yield found


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
