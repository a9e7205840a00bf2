"""Big specs against a live server: does one request stall the others, and does a 1 MiB
spec stay fast once it is stored?

    python benchmarks/stall_bench.py [--clients 4] [--seconds 30] [--views 3]
                                     [--baseline-src DIR] [--json]

Starts ``techspec serve`` on a fresh SQLite file (one uvicorn worker, its default CPU pool)
and measures, in one run:

* ``/healthz`` latency polled one request at a time (every 10 ms) while the server is idle,
  then while ``--clients`` clients each post worst-case 1 MiB specs in turn to
  ``POST /api/v1/lint`` and ``PUT /api/v1/specs/{id}`` (a table of about 100,000 rows, and
  a spec of a few hundred 4 KB lines): p50, p99 and max, idle and under load, and their
  ratio.  The heavy answers are counted by status (a 503 is the pool saying it is full);
* a 1 MiB table spec's life: ``POST /api/v1/specs`` (create), then the first and later
  ``GET /api/v1/specs/{id}`` and web views of ``/specs/{slug}`` (median of ``--views``);
* the server's resident memory afterwards: its own process, and with its child
  processes (the CPU pool's fork server and workers).

``--baseline-src DIR`` runs the same measurements against another source tree (for
example ``git archive COMMIT | tar -x -C DIR``: the code before a change) first, with
``PYTHONPATH=DIR/src``, so that before and after come from the same run on the same
machine (``--src DIR`` likewise picks the tree measured as "now").  Seeding runs under
each tree's own code, as its schema may differ.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

BIN = Path(sys.executable).parent
MIB = 1024 * 1024
LIMIT = MIB - 4096
"""Each big spec's size: just under the server's default 1 MiB body limit."""
POLL_SECONDS = 0.01
PASSWORD = "stall-bench-password-1"
SERVE = "from techspec.cli import main; main()"
"""``techspec`` from whichever tree ``PYTHONPATH`` names (the venv's script would do too)."""

SEED = """
import sys
from techspec.lint.template import builtin_template
from techspec.authoring.scaffold import scaffold
from techspec.service.passwords import set_password
from techspec.store import revisions
from techspec.store.engine import open_store
from techspec.store.users import add_user, create_token
import datetime
store = open_store("sqlite:///" + sys.argv[1])
add_user(store, "bench", ["admin"])
set_password(store, "bench", sys.argv[2])
print(create_token(store, "bench"))
for n in range(int(sys.argv[3])):
    text = scaffold(builtin_template(), f"Client {n}", "bench", datetime.date(2026, 1, 1))
    revisions.create_spec(store, f"client-{n}", text)
store.close()
"""


# -- the specs ---------------------------------------------------------------------------


def _head(title: str) -> str:
    return (
        f"# Technical Specification: {title}\n\n"
        "**Document Version**: 1.0\\\n**Author**: bench\\\n**Date**: 2026-01-01\\\n"
        "**Status**: Draft\\\n**Reviewers**: bench\n\n## Executive Summary\n\n"
    )


def table_spec(title: str, marker: str = "") -> str:
    """About 100,000 rows of a two-column table (every cell filled): 1 MiB."""
    head = _head(title) + f"{marker}\n\n| Key | Value |\n| --- | --- |\n"
    rows = "| k | v |\n" * ((LIMIT - len(head)) // 10)
    return head + rows


def long_lines_spec(title: str, marker: str = "") -> str:
    """Paragraphs of 4 KB lines of words and inline code: 1 MiB."""
    line = ("words and `code` and **bold** text " * 120)[:4000] + "\n\n"
    head = _head(title) + f"{marker}\n\n"
    return head + line * ((LIMIT - len(head)) // len(line))


# -- measuring ---------------------------------------------------------------------------


@dataclass
class Latencies:
    seconds: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        found = sorted(self.seconds) or [float("nan")]
        return {
            "count": len(self.seconds),
            "p50_ms": 1000 * found[len(found) // 2],
            "p99_ms": 1000 * found[min(len(found) - 1, int(len(found) * 0.99))],
            "max_ms": 1000 * found[-1],
        }


def poll_healthz(client: httpx.Client, stop: threading.Event, into: Latencies) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        client.get("/healthz").raise_for_status()
        into.seconds.append(time.perf_counter() - started)
        time.sleep(POLL_SECONDS)


def idle(client: httpx.Client, seconds: float) -> Latencies:
    found = Latencies()
    stop = threading.Event()
    timer = threading.Timer(seconds, stop.set)
    timer.start()
    poll_healthz(client, stop, found)
    return found


def load(base: str, token: str, clients: int, seconds: float) -> tuple[Latencies, Counter[str]]:
    """``clients`` threads post big specs (lint, then PUT, alternating the two shapes)
    until ``seconds`` have passed; ``/healthz`` is polled meanwhile."""
    stop = threading.Event()
    health = Latencies()
    answers: Counter[str] = Counter()
    lock = threading.Lock()
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "text/markdown"}

    def client(n: int) -> None:
        with httpx.Client(base_url=base, timeout=600) as http:
            etag = http.get(f"/api/v1/specs/client-{n}", headers=auth).headers["etag"]
            turn = 0
            while not stop.is_set():
                shape = table_spec if turn % 2 == 0 else long_lines_spec
                text = shape(f"Client {n}", f"turn {turn}").encode()
                linted = http.post("/api/v1/lint", content=text, headers=auth)
                put = http.put(
                    f"/api/v1/specs/client-{n}", content=text, headers={**auth, "If-Match": etag}
                )
                if put.status_code == 200:
                    etag = put.headers["etag"]
                with lock:
                    answers[f"lint {linted.status_code}"] += 1
                    answers[f"put {put.status_code}"] += 1
                turn += 1

    with httpx.Client(base_url=base, timeout=600) as poller:
        workers = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for worker in workers:
            worker.start()
        timer = threading.Timer(seconds, stop.set)
        timer.start()
        poll_healthz(poller, stop, health)
        for worker in workers:
            worker.join()
        for _ in range(50):  # the tail of the last requests, still under load
            started = time.perf_counter()
            poller.get("/healthz")
            health.seconds.append(time.perf_counter() - started)
    return health, answers


def big_spec_life(base: str, token: str, views: int) -> dict[str, float]:
    """Create a 1 MiB table spec, then read it through the API and the web."""
    auth = {"Authorization": f"Bearer {token}"}
    found: dict[str, float] = {}
    with httpx.Client(base_url=base, timeout=900) as http:
        started = time.perf_counter()
        created = http.post(
            "/api/v1/specs",
            content=table_spec("Big Table").encode(),
            headers={**auth, "Content-Type": "text/markdown"},
        )
        found["create_s"] = time.perf_counter() - started
        created.raise_for_status()
        spec = created.json()
        found["api_first_s"], found["api_later_s"] = _views(
            http, f"/api/v1/specs/{spec['id']}", auth, views, fresh=True
        )
        _sign_in(http)
        found["web_first_s"], found["web_later_s"] = _views(
            http, f"/specs/{spec['slug']}", {}, views, fresh=False
        )
    return found


def _views(
    http: httpx.Client, path: str, headers: dict[str, str], views: int, *, fresh: bool
) -> tuple[float, float]:
    times = []
    for n in range(views + 1):
        # The API's read cache answers a repeated read before routing; a new query string
        # gets past it, so "later" measures the analysis cache, not the response cache.
        query = {"view": str(n)} if fresh else {}
        started = time.perf_counter()
        http.get(path, headers=headers, params=query).raise_for_status()
        times.append(time.perf_counter() - started)
    return times[0], statistics.median(times[1:])


def _sign_in(http: httpx.Client) -> None:
    form = http.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)
    assert csrf is not None
    answer = http.post(
        "/login",
        data={"username": "bench", "password": PASSWORD, "csrf": csrf.group(1), "next": "/"},
    )
    if answer.status_code != 303:  # signed in: redirected to the dashboard
        raise SystemExit(f"could not sign in: {answer.status_code}")


def rss_mb(pid: int, *, family: bool) -> float:
    """Resident memory of ``pid`` (and of every process below it)."""
    pids = [pid] + (_descendants(pid) if family else [])
    total = 0
    for each in pids:
        try:
            status = Path(f"/proc/{each}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        total += int(match.group(1)) if match else 0
    return total / 1024


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], list(children.get(pid, []))
    while queue:
        each = queue.pop()
        found.append(each)
        queue.extend(children.get(each, []))
    return found


# -- the server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(db: Path, env: dict[str, str]) -> Iterator[tuple[str, int]]:
    port = free_port()
    command = [str(BIN / "python"), "-c", SERVE, "serve", "--db", f"sqlite:///{db}"]
    with tempfile.TemporaryFile() as log:
        child = subprocess.Popen(
            [*command, "--port", str(port)], stdout=log, stderr=log, env={**os.environ, **env}
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(base, child)
            yield base, child.pid
        finally:
            child.terminate()
            child.wait(timeout=60)


def _wait_ready(base: str, child: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if child.poll() is not None:
            raise SystemExit("techspec serve exited early")
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise SystemExit("techspec serve did not start")


def measure(name: str, src: Path | None, args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="stall-bench-"))
    env = {
        "TECHSPEC_RATE_PER_SECOND": "0",
        "TECHSPEC_WEBHOOKS": "0",
        "TECHSPEC_LOG_LEVEL": "WARNING",
    }
    if src is not None:
        env["PYTHONPATH"] = str(src / "src")
    try:
        db = work / "bench.db"
        seeded = subprocess.run(
            [str(BIN / "python"), "-c", SEED, str(db), PASSWORD, str(args.clients)],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=True,
        )
        token = seeded.stdout.strip().splitlines()[-1]
        with server(db, env) as (base, pid), httpx.Client(base_url=base, timeout=60) as client:
            progress(f"{name}: /healthz idle for {args.idle_seconds:g} s")
            quiet = idle(client, args.idle_seconds)
            progress(f"{name}: {args.clients} clients posting 1 MiB specs for {args.seconds:g} s")
            busy, answers = load(base, token, args.clients, args.seconds)
            progress(f"{name}: a 1 MiB spec created and viewed")
            life = big_spec_life(base, token, args.views)
            memory = {
                "server_mb": rss_mb(pid, family=False),
                "with_workers_mb": rss_mb(pid, family=True),
            }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    idle_p99 = quiet.summary()["p99_ms"]
    loaded = busy.summary()
    return {
        "name": name,
        "healthz_idle": quiet.summary(),
        "healthz_load": loaded,
        "p99_load_over_idle": loaded["p99_ms"] / idle_p99 if idle_p99 else float("nan"),
        "answers": dict(sorted(answers.items())),
        "big_spec": life,
        "memory": memory,
    }


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def table(runs: list[dict[str, Any]]) -> str:
    lines = [
        "| Measurement | " + " | ".join(run["name"] for run in runs) + " |",
        "| --- |" + " --- |" * len(runs),
    ]

    def row(label: str, cells: list[str]) -> None:
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    def ms(part: str, key: str) -> list[str]:
        return [
            f"{run[part][key]:,.0f}" if run[part][key] >= 10 else f"{run[part][key]:.1f}"
            for run in runs
        ]

    row(
        "/healthz idle p50 / p99 ms",
        [
            f"{a} / {b}"
            for a, b in zip(ms("healthz_idle", "p50_ms"), ms("healthz_idle", "p99_ms"), strict=True)
        ],
    )
    row(
        "/healthz under load p50 / p99 / max ms",
        [
            f"{a} / {b} / {c}"
            for a, b, c in zip(
                ms("healthz_load", "p50_ms"),
                ms("healthz_load", "p99_ms"),
                ms("healthz_load", "max_ms"),
                strict=True,
            )
        ],
    )
    row("p99 under load / idle", [f"{run['p99_load_over_idle']:.1f}x" for run in runs])
    row(
        "heavy answers", [", ".join(f"{k}: {v}" for k, v in run["answers"].items()) for run in runs]
    )
    for key, label in (
        ("create_s", "create 1 MiB spec (s)"),
        ("api_first_s", "first API GET (s)"),
        ("api_later_s", "later API GET (s)"),
        ("web_first_s", "first web view (s)"),
        ("web_later_s", "later web view (s)"),
    ):
        row(label, [f"{run['big_spec'][key]:.2f}" for run in runs])
    row(
        "server RSS MB (with workers)",
        [
            f"{run['memory']['server_mb']:.0f} ({run['memory']['with_workers_mb']:.0f})"
            for run in runs
        ],
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=30.0, help="load phase length")
    parser.add_argument("--idle-seconds", type=float, default=5.0)
    parser.add_argument("--views", type=int, default=3, help="later views, median taken")
    parser.add_argument("--baseline-src", type=Path, help="a source tree to measure first")
    parser.add_argument("--src", type=Path, help="the tree to measure (default: installed)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    runs = []
    if args.baseline_src is not None:
        runs.append(measure("before", args.baseline_src, args))
    runs.append(measure("now", args.src, args))
    print(json.dumps(runs, indent=2) if args.json else table(runs))


if __name__ == "__main__":
    main()
