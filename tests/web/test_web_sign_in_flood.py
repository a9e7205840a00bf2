"""Forty sign-ins at once, each from its own loopback address (so the per-address
throttle lets every one through), with random names and the longest passwords accepted,
against a real ``techspec serve``: the password-check gate keeps the server's memory
bounded and ``/healthz`` answering.  Before the gate, each check held 64 MiB and they all
ran at once (2.6 GB for forty), in the thread pool ``/healthz`` needs.

The bounds are generous backstops (600 MB peak, a 2 s 99th percentile), not timings; run
with ``-s`` to see the measured numbers.  Before the gate: a 2.3 GB peak and a /healthz
99th percentile of 6.8 s on the 2-core development machine.
"""

from __future__ import annotations

import secrets
import shutil
import statistics
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from web_client import _TOKEN
from web_support import Server, serve

FLOOD = 40
MB = 1024 * 1024


@pytest.fixture(scope="module")
def flood_server(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("flood-server")
    shutil.copyfile(template_db, base / "techspec.db")
    settings = {"TECHSPEC_SIGN_IN_HASHES": "2", "TECHSPEC_SIGN_IN_QUEUE": "16"}
    with serve(f"sqlite:///{base / 'techspec.db'}", base / "server.log", settings=settings) as up:
        yield up


def memory(pid: int, field: str) -> int:
    """``VmRSS`` (now) or ``VmHWM`` (the peak so far) of a process, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field} for process {pid}")


class HealthProbe(threading.Thread):
    """Asks ``/healthz`` every 20 ms until stopped, timing each answer."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.seconds: list[float] = []
        self.failures: list[str] = []
        self.done = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as client:
            while not self.done.is_set():
                started = time.perf_counter()
                answer = client.get("/healthz")
                self.seconds.append(time.perf_counter() - started)
                if answer.status_code != 200:
                    self.failures.append(str(answer.status_code))
                time.sleep(0.02)

    def p99(self) -> float:
        return statistics.quantiles(self.seconds, n=100, method="inclusive")[98]


def sign_in_at(server: Server, address: str) -> httpx.Response:
    """A sign-in from ``address`` with a random name and a 1,024-character password."""
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(base_url=server.url, transport=transport, timeout=120) as client:
        found = _TOKEN.search(client.get("/login").text)
        assert found is not None
        form = {
            "username": "flood-" + secrets.token_hex(6),
            "password": secrets.token_urlsafe(768)[:1024],
            "csrf": found.group(1),
        }
        return client.post("/login", data=form)


def test_forty_sign_ins_at_once_keep_memory_bounded_and_health_answering(
    flood_server: Server,
) -> None:
    pid = flood_server.process.pid
    before = memory(pid, "VmRSS")
    probe = HealthProbe(flood_server.url)
    probe.start()
    started = time.perf_counter()
    addresses = [f"127.0.1.{n}" for n in range(1, FLOOD + 1)]
    with ThreadPoolExecutor(FLOOD) as pool:
        answers = list(pool.map(lambda address: sign_in_at(flood_server, address), addresses))
    took = time.perf_counter() - started
    probe.done.set()
    probe.join()
    peak, after = memory(pid, "VmHWM"), memory(pid, "VmRSS")

    statuses = Counter(answer.status_code for answer in answers)
    print(
        f"\nsign-in flood: {FLOOD} at once in {took:.1f} s, answers {dict(statuses)}; "
        f"server RSS {before / MB:.0f} MB before, peak {peak / MB:.0f} MB, "
        f"{after / MB:.0f} MB after; /healthz {len(probe.seconds)} probes, "
        f"p50 {statistics.median(probe.seconds) * 1000:.0f} ms, "
        f"p99 {probe.p99() * 1000:.0f} ms, max {max(probe.seconds) * 1000:.0f} ms"
    )
    assert set(statuses) <= {401, 503}, statuses
    assert statuses[401] >= 2  # some were checked (and refused: no such users)
    busy = [answer for answer in answers if answer.status_code == 503]
    assert all(int(answer.headers["retry-after"]) >= 1 for answer in busy)
    assert all("try again in" in answer.text for answer in busy)
    assert peak < 600 * MB
    assert probe.failures == []
    assert probe.p99() < 2.0
