"""No request stalls the others: a job that keeps the CPU (and its interpreter's GIL) for
seconds, standing in for a worst-case spec, runs in a worker process of the CPU pool, so
the server answers ``/healthz`` meanwhile."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cpu_support
import pytest
from api_support import raw_draft
from fastapi.testclient import TestClient

from techspec.api.routes import lint as lint_route

People = dict[str, dict[str, str]]
BACKSTOP = cpu_support.HOLD_SECONDS / 2
"""Far above a healthy answer (milliseconds), far below a stalled one (the whole hold)."""


def test_healthz_answers_while_a_lint_holds_the_cpu_for_seconds(
    client: TestClient, people: People, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lint_route, "_lint", cpu_support.hold_the_gil)
    marker = str(tmp_path / "lint")
    headers = {**people["vic"], "Content-Type": "text/markdown"}
    with ThreadPoolExecutor(1) as background:
        linting = background.submit(
            client.post,
            "/api/v1/lint",
            params={"path": marker},
            content=raw_draft(),
            headers=headers,
        )
        assert (
            cpu_support.wait_for(f"{marker}.started", timeout=60)
            and Path(f"{marker}.started").exists()
        )
        started = time.monotonic()
        Path(f"{marker}.go").touch()  # the job holds the CPU from now on
        time.sleep(0.2)
        health = client.get("/healthz")
        waited = time.monotonic() - started
        assert health.status_code == 200
        assert waited < BACKSTOP, f"/healthz waited {waited:.1f} s for the lint"
        answer = linting.result(timeout=120)
    assert answer.status_code == 400
    assert answer.json()["detail"] == "held the GIL"
