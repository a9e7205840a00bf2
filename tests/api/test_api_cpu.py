"""The CPU pool: worker processes for parsing, linting and rendering request text, with
a bound on the jobs in flight (503 and Retry-After beyond it), errors that come back as
they were raised, and a worker that dies replaced."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import cpu_support
import pytest
from api_support import draft, edited
from fastapi import FastAPI
from fastapi.testclient import TestClient

from techspec.api.cpu import Busy, CpuPool, WorkerError
from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.store.engine import Store
from techspec.store.errors import PreconditionFailed

People = dict[str, dict[str, str]]
MARKDOWN = {"Content-Type": "text/markdown"}


@pytest.fixture
def pool() -> Iterator[CpuPool]:
    opened = CpuPool(workers=1, queue=1)
    yield opened
    opened.close()


@pytest.fixture
def small(settings: Settings, store: Store) -> Iterator[tuple[FastAPI, TestClient]]:
    """The app with one worker and room for one more job."""
    app = create_app(replace(settings, cpu_workers=1, cpu_queue=1), store=store)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield app, client


def test_a_job_beyond_the_workers_and_the_queue_is_refused_until_one_ends(
    pool: CpuPool, tmp_path: Path
) -> None:
    gate = str(tmp_path / "gate")
    running = pool.submit(cpu_support.wait_for, gate)
    waiting = pool.submit(cpu_support.wait_for, gate)
    with pytest.raises(Busy) as refused:
        pool.submit(cpu_support.wait_for, gate)
    assert refused.value.http_status == 503
    assert refused.value.retry_after >= 1
    assert pool.in_flight == 2
    Path(gate).touch()
    assert running.result(timeout=60) == waiting.result(timeout=60) == gate
    assert pool.call(cpu_support.wait_for, gate) == gate


def test_prefetching_waits_for_an_idle_worker(pool: CpuPool, tmp_path: Path) -> None:
    gate = str(tmp_path / "gate")
    running = pool.submit(cpu_support.wait_for, gate)
    assert pool.prefetch(cpu_support.wait_for, gate) is None
    Path(gate).touch()
    running.result(timeout=60)
    started = pool.prefetch(cpu_support.wait_for, gate)
    assert started is not None
    assert started.result(timeout=60) == gate


def test_an_error_in_a_worker_comes_back_as_it_was_raised(pool: CpuPool) -> None:
    with pytest.raises(PreconditionFailed) as stale:
        pool.call(_stale, "abc")
    assert stale.value.etag == "abc"
    assert str(stale.value) == "changed meanwhile"
    with pytest.raises(WorkerError, match="ZeroDivisionError"):
        pool.call(cpu_support.divide_by_zero)


def _stale(etag: str) -> None:
    raise PreconditionFailed("changed meanwhile", etag=etag)


def test_a_worker_that_dies_is_replaced(pool: CpuPool, tmp_path: Path) -> None:
    with pytest.raises(Busy, match="worker process stopped"):
        pool.call(cpu_support.stop_the_process)
    assert pool.in_flight == 0
    Path(tmp_path / "gate").touch()
    assert pool.call(cpu_support.wait_for, str(tmp_path / "gate")) == str(tmp_path / "gate")


def test_a_full_pool_answers_503_with_retry_after_and_saves_nothing(
    small: tuple[FastAPI, TestClient], people: People, tmp_path: Path
) -> None:
    app, client = small
    created = client.post(
        "/api/v1/specs",
        content=draft("Ledger", "ada").encode(),
        headers={**people["ada"], **MARKDOWN},
    )
    assert created.status_code == 201, created.text
    gate = str(tmp_path / "gate")
    cpu: CpuPool = app.state.api.cpu
    held = [cpu.submit(cpu_support.wait_for, gate) for _ in range(cpu.limit)]

    linted = client.post(
        "/api/v1/lint", content=draft().encode(), headers={**people["vic"], **MARKDOWN}
    )
    saved = client.put(
        "/api/v1/specs/ledger",
        content=edited(draft("Ledger", "ada"), "More words.").encode(),
        headers={**people["ada"], **MARKDOWN, "If-Match": created.headers["ETag"]},
    )
    for refused in (linted, saved):
        assert refused.status_code == 503
        assert refused.headers["Retry-After"].isdigit()
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["type"] == "urn:techspec:problem:busy"

    Path(gate).touch()
    for job in held:
        job.result(timeout=60)
    assert client.get("/api/v1/specs/ledger", headers=people["vic"]).json()["revision"] == 1
    linted = client.post(
        "/api/v1/lint", content=draft().encode(), headers={**people["vic"], **MARKDOWN}
    )
    assert linted.status_code == 200


def test_a_created_spec_is_analysed_once_for_its_answer_and_every_read(
    app: FastAPI, client: TestClient, people: People
) -> None:
    created = client.post(
        "/api/v1/specs",
        content=draft("Ledger", "ada").encode(),
        headers={**people["ada"], **MARKDOWN},
    )
    assert created.status_code == 201, created.text
    for n in range(3):  # a new query each time gets past the response cache to the analysis
        read = client.get("/api/v1/specs/ledger", headers=people["vic"], params={"n": n})
        assert read.json()["model"] == created.json()["model"]
    assert app.state.api.computed.computed["model"] == 1
