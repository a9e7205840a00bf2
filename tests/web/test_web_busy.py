"""A full CPU pool is explained, not a stall: a page that needs a revision computed gets a
503 page with Retry-After while every worker and queue place is taken."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_client import sign_in

from techspec.api.cpu import CpuPool
from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.store.engine import Store


def wait_for(path: str) -> str:
    """A job that keeps its worker until ``path`` exists."""
    deadline = time.monotonic() + 60
    while not os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.01)
    return path


@pytest.fixture
def one_worker(db_url: str, store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("TECHSPEC_SECRET_KEY", "web-suite-secret")
    settings = Settings(
        database_url=db_url, webhooks=False, rate_per_second=0, cpu_workers=1, cpu_queue=0
    )
    with TestClient(create_app(settings, store=store), raise_server_exceptions=False) as opened:
        yield opened


def test_a_page_that_needs_the_full_pool_is_a_503_page_with_retry_after(
    one_worker: TestClient, tmp_path: Path
) -> None:
    sign_in(one_worker, "ada")
    cpu: CpuPool = one_worker.app.state.api.cpu  # type: ignore[attr-defined]
    gate = str(tmp_path / "gate")
    held = cpu.submit(wait_for, gate)

    refused = one_worker.get("/specs/0001-payments-ledger")
    assert refused.status_code == 503
    assert refused.headers["content-type"].startswith("text/html")
    assert refused.headers["Retry-After"].isdigit()
    assert "The server is busy" in refused.text

    Path(gate).touch()
    held.result(timeout=60)
    assert one_worker.get("/specs/0001-payments-ledger").status_code == 200
