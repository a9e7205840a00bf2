"""The REST API under load, against a bare Starlette app serving the same bytes.

    python benchmarks/api_bench.py [--seconds 10] [--connections 50] [--specs 60] [--json]

Starts ``techspec serve`` on a seeded SQLite file and, in the same run, a bare Starlette
app (same uvicorn, one worker each) that answers the same paths with the same JSON held
in memory.  One load generator (asyncio, raw HTTP/1.1 keep-alive, ``--connections``
connections on loopback, ``--seconds`` per scenario and server, split into ``--rounds``
that alternate the two servers) drives both:

* ``GET /api/v1/specs/{id}`` (every connection reads its own spec),
* ``GET /api/v1/specs?status=Review``,
* ``PUT /api/v1/specs/{id}`` with ``If-Match`` (each connection edits its own spec,
  alternating two texts, so every write is accepted and is a new revision).

It reports requests/s, p50 and p99 latency, the ratio to the bare app, the server's CPU
time per request (user + system, read from ``/proc``) and its ratio to the bare app's, and
the server's resident memory after the run.  The CPU ratio is the steadier of the two on a
shared machine: throughput also moves with whatever else runs on the cores.  The generator
runs in this process, the servers in their own: on a 2-core machine each side gets about
one core.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from techspec.service.demo import demo_specs
from techspec.store import revisions
from techspec.store.engine import open_store
from techspec.store.users import add_user, create_token

BIN = Path(sys.executable).parent
BARE_APP = """
import json, os
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

DATA = json.load(open(os.environ["BENCH_PAYLOADS"]))
ONE = DATA["one"].encode()
LISTING = DATA["listing"].encode()
HEADERS = {"ETag": DATA["etag"]}

async def spec(request):
    if request.method == "PUT":
        await request.body()
    return Response(ONE, media_type="application/json", headers=HEADERS)

async def specs(request):
    return Response(LISTING, media_type="application/json")

app = Starlette(routes=[
    Route("/api/v1/specs", specs),
    Route("/api/v1/specs/{ref}", spec, methods=["GET", "PUT"]),
])
"""


@dataclass
class Result:
    name: str
    target: str
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    cpu_seconds: float = 0.0
    """The server process's CPU time over the run."""

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds

    def add(self, other: Result) -> None:
        """Take in another round of the same scenario on the same server."""
        self.seconds += other.seconds
        self.latencies += other.latencies
        self.cpu_seconds += other.cpu_seconds
        for status, count in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count

    @property
    def cpu_us_per_request(self) -> float:
        return self.cpu_seconds / len(self.latencies) * 1e6 if self.latencies else float("nan")

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


# -- load generator -----------------------------------------------------------------------


class Connection:
    """One keep-alive connection sending a scripted request and reading the answer."""

    def __init__(self, port: int, request: Any) -> None:
        self.port = port
        self.request = request

    async def run(self, deadline: float, result: Result) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            while time.perf_counter() < deadline:
                data = self.request.bytes()
                started = time.perf_counter()
                writer.write(data)
                status, headers = await _head(reader)
                length = int(headers.get("content-length", "0"))
                if length:
                    await reader.readexactly(length)
                result.latencies.append(time.perf_counter() - started)
                result.statuses[status] = result.statuses.get(status, 0) + 1
                self.request.answered(status, headers)
        finally:
            writer.close()


async def _head(reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
    status = int((await reader.readline()).split(b" ", 2)[1])
    headers: dict[str, str] = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            return status, headers
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()


class Get:
    def __init__(self, path: str, token: str) -> None:
        self.data = (
            f"GET {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n\r\n"
        ).encode()

    def bytes(self) -> bytes:
        return self.data

    def answered(self, status: int, headers: dict[str, str]) -> None:
        return


class Put:
    """Alternate two texts on one spec, each time with the ETag the last answer gave."""

    def __init__(self, path: str, token: str, texts: tuple[str, str], etag: str) -> None:
        self.head = f"PUT {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n"
        self.bodies = [text.encode() for text in texts]
        self.etag = etag
        self.turn = 1

    def bytes(self) -> bytes:
        body = self.bodies[self.turn % 2]
        return (
            f"{self.head}Content-Type: text/markdown\r\nIf-Match: {self.etag}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body

    def answered(self, status: int, headers: dict[str, str]) -> None:
        if status == 200:
            self.turn += 1
        self.etag = headers.get("etag", self.etag)


async def drive(
    name: str, target: str, port: int, requests: list[Any], seconds: float, pid: int
) -> Result:
    result = Result(name, target, seconds)
    deadline = time.perf_counter() + seconds
    before = cpu_seconds(pid)
    await asyncio.gather(*(Connection(port, r).run(deadline, result) for r in requests))
    result.cpu_seconds = cpu_seconds(pid) - before
    return result


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux ``/proc/PID/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"server exited early ({url})")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise SystemExit(f"server did not start ({url})")


@contextmanager
def process(command: list[str], ready: str, env: dict[str, str]) -> Iterator[int]:
    with tempfile.TemporaryFile() as log:
        child = subprocess.Popen(command, stdout=log, stderr=log, env={**os.environ, **env})
        try:
            wait_ready(ready, child)
            yield child.pid
        finally:
            child.terminate()
            child.wait(timeout=20)


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else float("nan")


# -- the run ------------------------------------------------------------------------------


def seed(path: Path, count: int) -> tuple[str, list[tuple[int, str, str]]]:
    """``count`` specs (a third each in Approved, Draft and Review); returns the token and
    (id, Markdown, ETag) of each."""
    store = open_store(f"sqlite:///{path}")
    add_user(store, "bench", ["admin"])
    token = create_token(store, "bench")
    examples = demo_specs()
    made = []
    for n in range(count):
        slug, text = examples[n % len(examples)]
        saved = revisions.create_spec(store, f"{slug}-{n}", text)
        made.append(
            (saved.spec.id, text, f'"{revisions.get_revision(store, f"#{saved.spec.id}").sha256}"')
        )
    store.close()
    return token, made


def run(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="api-bench-"))
    try:
        return _run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    db = work / "bench.db"
    token, specs = seed(db, max(args.specs, 3 * args.connections))
    api_port, bare_port = free_port(), free_port()
    env = {"TECHSPEC_RATE_PER_SECOND": "0", "TECHSPEC_WEBHOOKS": "0"}
    serve = [str(BIN / "techspec"), "serve", "--db", f"sqlite:///{db}", "--port", str(api_port)]
    results: list[Result] = []
    memory: dict[str, float] = {}
    with process(serve, f"http://127.0.0.1:{api_port}/healthz", env) as api_pid:
        base = f"http://127.0.0.1:{api_port}"
        auth = {"Authorization": f"Bearer {token}"}
        one = httpx.get(f"{base}/api/v1/specs/{specs[0][0]}", headers=auth)
        listing = httpx.get(f"{base}/api/v1/specs?status=Review", headers=auth)
        payloads = work / "payloads.json"
        payloads.write_text(
            json.dumps({"one": one.text, "listing": listing.text, "etag": one.headers["etag"]})
        )
        (work / "bare.py").write_text(BARE_APP)
        bare = [
            str(BIN / "python"),
            "-m",
            "uvicorn",
            "bare:app",
            "--app-dir",
            str(work),
            "--port",
            str(bare_port),
            "--no-access-log",
            "--log-level",
            "warning",
        ]
        with process(
            bare, f"http://127.0.0.1:{bare_port}/api/v1/specs", {"BENCH_PAYLOADS": str(payloads)}
        ) as bare_pid:
            scenarios = _scenarios(token, specs, args.connections)
            targets = (("bare", bare_port, bare_pid), ("techspec", api_port, api_pid))
            share = args.seconds / args.rounds
            for name, make in scenarios:
                scripted = {target: make() for target, _port, _pid in targets}
                merged = {target: Result(name, target, 0.0) for target, _port, _pid in targets}
                progress(f"{name}: {args.rounds} rounds of {share:g} s on each server in turn")
                for target, port, pid in targets:  # warm-up, not measured
                    asyncio.run(drive(name, target, port, scripted[target], args.warmup, pid))
                for _ in range(args.rounds):
                    for target, port, pid in targets:
                        run = drive(name, target, port, scripted[target], share, pid)
                        merged[target].add(asyncio.run(run))
                results += merged.values()
            memory = {"techspec": rss_mb(api_pid), "bare": rss_mb(bare_pid)}
    return report(results, memory, args)


def _scenarios(token: str, specs: list[tuple[int, str, str]], connections: int) -> list[Any]:
    def get_one() -> list[Any]:
        return [Get(f"/api/v1/specs/{specs[n % len(specs)][0]}", token) for n in range(connections)]

    def listing() -> list[Any]:
        return [Get("/api/v1/specs?status=Review", token) for _ in range(connections)]

    drafts = [spec for spec in specs if "**Status**: Draft" in spec[1]]

    def put() -> list[Any]:
        found = []
        for n in range(connections):
            spec_id, text, etag = drafts[n % len(drafts)]
            edited = text.replace(
                "## Executive Summary\n\n", "## Executive Summary\n\nBench.\n\n", 1
            )
            found.append(Put(f"/api/v1/specs/{spec_id}", token, (text, edited), etag))
        return found

    return [
        ("GET /api/v1/specs/{id}", get_one),
        ("GET /api/v1/specs?status=Review", listing),
        ("PUT /api/v1/specs/{id}", put),
    ]


def report(
    results: list[Result], memory: dict[str, float], args: argparse.Namespace
) -> dict[str, Any]:
    rows = []
    for result in results:
        bare = next(r for r in results if r.name == result.name and r.target == "bare")
        rows.append(
            {
                "scenario": result.name,
                "target": result.target,
                "requests": len(result.latencies),
                "rps": round(result.rps, 1),
                "p50_ms": round(result.percentile(0.50), 2),
                "p99_ms": round(result.percentile(0.99), 2),
                "ratio_to_bare": round(result.rps / bare.rps, 3) if bare.rps else None,
                "cpu_us_per_request": round(result.cpu_us_per_request, 1),
                "cpu_ratio_to_bare": round(bare.cpu_us_per_request / result.cpu_us_per_request, 3),
                "statuses": {str(k): v for k, v in sorted(result.statuses.items())},
            }
        )
    return {
        "seconds": args.seconds,
        "connections": args.connections,
        "rounds": args.rounds,
        "warmup_seconds": args.warmup,
        "specs": args.specs,
        "cpus": os.cpu_count(),
        "rows": rows,
        "rss_mb_after": {k: round(v, 1) for k, v in memory.items()},
    }


def progress(message: str) -> None:
    print(f"api_bench: {message}", file=sys.stderr, flush=True)


def table(data: dict[str, Any]) -> str:
    lines = [
        f"{data['connections']} connections, {data['seconds']:g} s per scenario and server "
        f"in {data['rounds']} alternating rounds, {data['cpus']} CPUs",
        f"{'scenario':<34} {'target':<9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'ratio':>6} {'CPU us':>7} {'ratio':>6}  statuses",
    ]
    for row in data["rows"]:
        lines.append(
            f"{row['scenario']:<34} {row['target']:<9} {row['rps']:>8.1f} {row['p50_ms']:>8.2f} "
            f"{row['p99_ms']:>8.2f} {row['ratio_to_bare']:>6.3f} "
            f"{row['cpu_us_per_request']:>7.1f} {row['cpu_ratio_to_bare']:>6.3f}  {row['statuses']}"
        )
    rss = data["rss_mb_after"]
    lines.append(f"RSS after the run: techspec {rss['techspec']:.1f} MB, bare {rss['bare']:.1f} MB")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per scenario and server")
    parser.add_argument(
        "--warmup",
        type=float,
        default=2.0,
        help="seconds of unmeasured load per scenario and server first (caches fill, as "
        "they are on a server that has been up for a while)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="alternate the servers this many times per scenario, so that a change in the "
        "machine's load falls on both alike",
    )
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--specs", type=int, default=60)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    data = run(args)
    print(json.dumps(data, indent=2) if args.json else table(data))


if __name__ == "__main__":
    main()
