"""Every page and API read at 10,000 and 100,000 specs, on SQLite and PostgreSQL: p50/p95
per page and the 100k/10k p95 ratio (goal: p95 under 50 ms, ratio at most 1.5).

    python benchmarks/web_bench.py [--sizes 10000 100000] [--engines sqlite postgresql]
                                   [--requests 100] [--rounds 3] [--pg-url URL] [--json]

The portfolio is ``seeding.py``'s (store_bench's specs, 3 revisions each, a quarter in
Review) plus the people around it: two authors, one reviewer per sign-off role (one spec
in 97 written by the Technical Lead, who may then not approve it), every role's
approval on Approved and Implemented specs, some current and some stale ones in Review,
and one audit event per spec.  Without ``--pg-url`` a throw-away PostgreSQL cluster is
started in a temp dir.

Each size has its own database and its own ``techspec serve`` (one worker, the read
cache off: ``TECHSPEC_READ_CACHE_SIZE=0``), each answering one keep-alive client, one
request at a time, signed in as the Technical Lead (the audit page as the admin).  Every
request of a page asks for another spec or word where the page takes one, so no answer
comes from a cache warmed by the one before.  A page is timed in ``--rounds`` rounds;
each round times ``--requests`` requests on every size in turn, seconds apart.  Per size
the round with the lowest p95 is kept (other load on a shared machine only adds time);
the ratio is the median over rounds of each round's own 100k/10k p95, so both sides of
it ran under the same load (the baseline is the same page at 10,000, in the same run).
Answers other than 200 are counted and shown (their time counts too).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from pg_cluster import postgres
from seed_text import COHORT, VOCABULARY, word
from seeding import (
    PASSWORD,
    add_people,
    open_migrated,
    seed,
    seed_audit,
    seed_decisions,
    settle,
    written_by,
)
from techspec.store.engine import Store
from techspec.store.users import create_token

BIN = Path(sys.executable).parent
GOAL_MS = 50.0
GOAL_RATIO = 1.5
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_TITLE = re.compile(r'"detail": ?"([^"]{1,300})"|<p class="error-message">([^<]{1,300})<')
_SEEN: set[int] = set()
Path_ = Callable[[int], str]
"""The path of a page's ``i``-th request."""


def pages(size: int, seed_value: int = 11) -> dict[str, tuple[str, Path_]]:
    """Each page: who asks (``web``/``admin``/``api``) and its ``i``-th path."""
    rng = random.Random(seed_value)
    ids = rng.sample(range(1, size + 1), min(size, 2_000))
    groups = size // COHORT
    cohorts = [word(VOCABULARY + n) for n in rng.sample(range(groups), min(groups, 500))]

    def slug(i: int) -> str:
        return f"spec-{ids[i % len(ids)]:06d}"

    def rare(i: int) -> str:
        return cohorts[i % len(cohorts)]

    return {
        "dashboard": ("web", lambda i: "/"),
        "list": ("web", lambda i: f"/specs?page={1 + i % 20}"),
        "list Review": ("web", lambda i: f"/specs?status=Review&page={1 + i % 20}"),
        "list by title": ("web", lambda i: f"/specs?sort=title&page={1 + i % 20}"),
        "search rare word": ("web", lambda i: f"/specs?q={rare(i)}"),
        "search common word": ("web", lambda i: f"/specs?q=ledger&page={1 + i % 4}"),
        "spec page": ("web", lambda i: f"/specs/{slug(i)}"),
        "history": ("web", lambda i: f"/specs/{slug(i)}/history"),
        "diff": ("web", lambda i: f"/specs/{slug(i)}/diff?from=1&to=3"),
        "audit": ("admin", lambda i: "/audit"),
        "api list Review": ("api", lambda i: f"/api/v1/specs?status=Review&limit={20 + i % 30}"),
        "api search rare": ("api", lambda i: f"/api/v1/specs?q={rare(i)}"),
        "api search common": ("api", lambda i: f"/api/v1/specs?q=ledger&limit={20 + i % 30}"),
        "api spec": ("api", lambda i: f"/api/v1/specs/{slug(i)}"),
        "api revisions": ("api", lambda i: f"/api/v1/specs/{slug(i)}/revisions"),
        "api diff": ("api", lambda i: f"/api/v1/specs/{slug(i)}/diff?from=1&to=3"),
        "api audit": ("api", lambda i: f"/api/v1/audit?limit={50 + i % 50}"),
    }


# -- the server and its clients -----------------------------------------------------------


@contextmanager
def serve(url: str) -> Iterator[str]:
    """``techspec serve`` on ``url`` (one worker, no read cache); yields its base URL."""
    from api_bench import free_port, process

    port = free_port()
    env = {
        "TECHSPEC_RATE_PER_SECOND": "0",
        "TECHSPEC_WEBHOOKS": "0",
        "TECHSPEC_READ_CACHE_SIZE": "0",
        "TECHSPEC_SECRET_KEY": "web-bench-secret",
    }
    command = [str(BIN / "techspec"), "serve", "--db", url, "--port", str(port)]
    with process(command, f"http://127.0.0.1:{port}/healthz", env):
        yield f"http://127.0.0.1:{port}"


def signed_in(base: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    found = _CSRF.search(client.get("/login").text)
    assert found is not None, "no CSRF token on the sign-in form"
    answer = client.post(
        "/login", data={"username": name, "password": PASSWORD, "csrf": found.group(1)}
    )
    assert answer.status_code < 400, f"sign-in as {name} failed: {answer.status_code}"
    return client


@dataclass
class Server:
    """One size's server and its signed-in clients."""

    size: int
    clients: dict[str, httpx.Client]
    paths: dict[str, tuple[str, Path_]]


def timed(server: Server, page: str, start: int, count: int) -> tuple[list[float], int]:
    """``count`` requests of ``page`` from its ``start``-th: times in ms, and how many
    were not answered 200 (timed too)."""
    who, path = server.paths[page]
    times, failed = [], 0
    for index in range(start, start + count):
        began = time.perf_counter()
        failed += not _get(server.clients[who], path(index))
        times.append((time.perf_counter() - began) * 1000)
    return times, failed


def percentiles(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
    }


def measure_page(servers: list[Server], page: str, count: int, rounds: int) -> dict[str, Any]:
    """Each round times ``count`` requests on every size's server in turn, seconds apart,
    so the sizes share whatever else the machine is doing.  Per size: the round with the
    lowest p95; and the median over rounds of each round's own p95 ratio (largest size
    over smallest), which pairs runs made seconds apart."""
    for server in servers:
        timed(server, page, count * rounds, 5)  # warm-up, not measured
    best: dict[int, dict[str, float]] = {}
    failed = {server.size: 0 for server in servers}
    ratios = []
    for round_ in range(rounds):
        found = {}
        for server in servers:
            times, bad = timed(server, page, round_ * count, count)
            found[server.size] = percentiles(times)
            failed[server.size] += bad
            if (
                server.size not in best
                or found[server.size]["p95_ms"] < best[server.size]["p95_ms"]
            ):
                best[server.size] = found[server.size]
        small, large = servers[0].size, servers[-1].size
        ratios.append(found[large]["p95_ms"] / found[small]["p95_ms"])
    result: dict[str, Any] = {
        str(size): {**numbers, "not_200": failed[size]} for size, numbers in best.items()
    }
    if len(servers) > 1:
        result["p95_ratio"] = round(statistics.median(ratios), 2)
    return result


def _get(client: httpx.Client, path: str) -> bool:
    """Whether ``path`` was answered 200; any other answer is shown once per status."""
    answer = client.get(path)
    if answer.status_code == 200:
        return True
    if answer.status_code not in _SEEN:
        _SEEN.add(answer.status_code)
        found = _TITLE.search(answer.text)
        said = (found.group(1) or found.group(2)) if found else answer.text[:200]
        print(f"GET {path}: {answer.status_code} {said}", file=sys.stderr)
    return False


# -- the run ------------------------------------------------------------------------------


def bench_engine(
    urls: dict[int, str], args: argparse.Namespace, log: Callable[[str], None]
) -> dict[str, Any]:
    """Seed one database per size, serve each, and time every page on all of them."""
    tokens = {}
    for size, url in sorted(urls.items()):
        began = time.perf_counter()
        store = open_migrated(url)
        people = add_people(store)
        tokens[size] = create_token(store, "root")
        grow(store, 0, size, people)
        store.close()
        log(f"  seeded {size:,} specs in {time.perf_counter() - began:.0f} s")
    report: dict[str, Any] = {}
    with contextlib.ExitStack() as stack:
        servers = []
        for size, url in sorted(urls.items()):
            base = stack.enter_context(serve(url))
            clients = {
                "web": signed_in(base, "tom"),
                "admin": signed_in(base, "root"),
                "api": httpx.Client(
                    base_url=base, timeout=60, headers={"Authorization": f"Bearer {tokens[size]}"}
                ),
            }
            for client in clients.values():
                stack.callback(client.close)
            servers.append(Server(size, clients, pages(size)))
        for page in servers[0].paths:
            report[page] = measure_page(servers, page, args.requests, args.rounds)
            log(f"    {page:<20} " + _line(report[page]))
    return report


def _line(found: dict[str, Any]) -> str:
    parts = []
    for size, numbers in found.items():
        if size == "p95_ratio":
            continue
        over = "!" if numbers["p95_ms"] >= GOAL_MS else " "
        bad = f" ({numbers['not_200']} not 200)" if numbers["not_200"] else ""
        parts.append(
            f"{int(size) // 1000}k {numbers['p50_ms']:7.2f} / {numbers['p95_ms']:7.2f}{over}{bad}"
        )
    if "p95_ratio" in found:
        parts.append(
            f"ratio {found['p95_ratio']:.2f}{'!' if found['p95_ratio'] > GOAL_RATIO else ''}"
        )
    return "   ".join(parts)


def grow(store: Store, start: int, end: int, people: dict[str, Any]) -> None:
    seed(store, start, end, author_of=written_by(people))
    seed_decisions(store, start, end, people)
    seed_audit(store, start, end)
    settle(store)


def databases(url: str, sizes: list[int]) -> dict[int, str]:
    """An empty database per size beside the one ``url`` names, on the same server."""
    import psycopg

    base, _slash, _name = url.rpartition("/")
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as connection:
        for size in sizes:
            connection.execute(f"CREATE DATABASE bench{size}")
    return {size: f"{base}/bench{size}" for size in sizes}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--engines", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--requests", type=int, default=100, help="Timed requests per round.")
    parser.add_argument("--rounds", type=int, default=3, help="Rounds per page (best p95 kept).")
    parser.add_argument("--pg-url", help="An empty PostgreSQL database to use.")
    parser.add_argument("--json", action="store_true", help="Print the report as JSON.")
    args = parser.parse_args(argv)

    def log(line: str) -> None:
        print(line, file=sys.stderr if args.json else sys.stdout, flush=True)

    report: dict[str, Any] = {}
    for engine in args.engines:
        log(f"{engine}:   (p50 / p95 ms per size; ! marks a miss of the goal)")
        if engine == "sqlite":
            with tempfile.TemporaryDirectory(prefix="webbench-") as directory:
                urls = {n: f"sqlite:///{Path(directory) / f'bench{n}.db'}" for n in args.sizes}
                report[engine] = bench_engine(urls, args, log)
        elif args.pg_url:
            report[engine] = bench_engine(databases(args.pg_url, args.sizes), args, log)
        else:
            with postgres() as url:
                report[engine] = bench_engine(databases(url, args.sizes), args, log)
    if args.json:
        print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
