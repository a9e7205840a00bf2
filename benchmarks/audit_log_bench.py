"""The transparency log at scale: ``audit verify`` of 1,000,000 events and 300,000
revisions, and the latency of one append at 10,000 and at 1,000,000 events.

    python benchmarks/audit_log_bench.py [--small] [--engines sqlite postgresql]
                                         [--appends 300] [--json]

Goals (issue 17): verify >= 50,000 events/s; an append (one audit event and its Merkle
leaf, in its own write transaction) under 2 ms at p95, the same at 1M as at 10k.

The log is seeded in bulk (rows computed here with techspec's own hash functions and
inserted in batches of 5,000, bypassing the service layer): seeding measures nothing.
Every tenth event is followed by one spec's three revisions (compact ~700-byte texts),
so 1M events bring 100,000 specs and 300,000 revisions, 1.3M leaves in all.

Baselines measured in the same run:

* verify: the old hash-chain walk (:func:`techspec.store.audit.verify`, events only,
  no revision texts, no tree) over the same log;
* append: a write transaction that rewrites one row (the floor any audited write pays,
  its commit included), so the difference shows what the event and its leaf add.

``--small`` seeds 20,000 events (and 6,000 revisions) and times 100 appends: a smoke
test that runs in seconds.  Without ``--pg-url`` PostgreSQL is a throw-away cluster.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from pg_cluster import postgres
from seeding import open_migrated, settle
from techspec.lint.template import builtin_template
from techspec.proofs import merkle
from techspec.store import audit, log_verify, transparency
from techspec.store.audit import canonical, event_hash
from techspec.store.engine import Store
from techspec.store.schema import (
    GENESIS,
    audit_events,
    audit_head,
    log_head,
    log_leaves,
    revisions,
    specs,
    templates,
)

BATCH = 5_000
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
EVENTS_PER_SPEC = 10


class Seeder:
    """Appends events and revisions to a store in bulk, keeping the chain, the leaves
    and the tree head exactly as the store would."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.seq = 0
        self.previous = GENESIS
        self.size = 0
        self.frontier: list[bytes] = []
        self.spec = 0
        self.revision_id = 0
        template = builtin_template()
        self.template = template.sha256
        with store.write() as connection:
            connection.execute(
                sa.insert(templates).values(
                    sha256=template.sha256, name=template.name, text=template.text
                )
            )

    def grow(self, events: int) -> None:
        """Add ``events`` events, and one spec with 3 revisions after every tenth."""
        target = self.seq + events
        while self.seq < target:
            rows: dict[str, list[dict[str, Any]]] = {
                "events": [],
                "leaves": [],
                "specs": [],
                "revisions": [],
            }
            for _ in range(min(BATCH, target - self.seq)):
                self._event(rows)
                if self.seq % EVENTS_PER_SPEC == 0:
                    self._spec(rows)
            with self.store.write() as connection:
                if rows["specs"]:
                    connection.execute(sa.insert(specs), rows["specs"])
                    connection.execute(sa.insert(revisions), rows["revisions"])
                connection.execute(sa.insert(audit_events), rows["events"])
                connection.execute(sa.insert(log_leaves), rows["leaves"])
                connection.execute(sa.update(audit_head).values(seq=self.seq, hash=self.previous))
                connection.execute(
                    sa.update(log_head).values(
                        size=self.size, frontier="".join(n.hex() for n in self.frontier)
                    )
                )
        if self.store.dialect == "postgresql":
            with self.store.write() as connection:
                connection.execute(sa.text("SELECT setval('specs_id_seq', :n)"), {"n": self.spec})
                connection.execute(
                    sa.text("SELECT setval('revisions_id_seq', :n)"), {"n": self.revision_id}
                )

    def _leaf(
        self, rows: dict[str, list[dict[str, Any]]], kind: str, ref: int, leaf: bytes
    ) -> None:
        digest = merkle.leaf_hash(leaf)
        merkle.append(self.frontier, self.size, digest)
        rows["leaves"].append({"idx": self.size, "kind": kind, "ref": ref, "hash": digest.hex()})
        self.size += 1

    def _event(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        self.seq += 1
        at = EPOCH + timedelta(milliseconds=self.seq)
        spec_id = self.spec or None
        details = canonical({"base": 2, "sha256": f"{self.seq:064x}", "message": "seeded"})
        fields = (self.seq, at, "ada", "spec.revised", spec_id, 3 if spec_id else None)
        digest = event_hash(*fields, details, self.previous)
        rows["events"].append(
            {
                "seq": self.seq,
                "at": at,
                "actor": "ada",
                "action": "spec.revised",
                "spec_id": spec_id,
                "revision": fields[5],
                "details": details,
                "prev_hash": self.previous,
                "hash": digest,
            }
        )
        self.previous = digest
        self._leaf(rows, transparency.EVENT, self.seq, transparency.event_leaf(*fields, details))

    def _spec(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        self.spec += 1
        at = EPOCH + timedelta(milliseconds=self.seq)
        digest = ""
        for number in (1, 2, 3):
            self.revision_id += 1
            text = _text(self.spec, number)
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            rows["revisions"].append(
                {
                    "id": self.revision_id,
                    "spec_id": self.spec,
                    "number": number,
                    "text": text,
                    "sha256": digest,
                    "content_hash": digest,
                    "author_id": None,
                    "created_at": at,
                    "message": "",
                    "kind": "import",
                    "title": f"Spec {self.spec}",
                    "status": "Draft",
                    "version": "1.0",
                    "doc_date": "2026-01-05",
                    "author": "ada",
                    "errors": 0,
                    "warnings": 0,
                    "infos": 0,
                    "open_tasks": 0,
                    "high_risks": 0,
                }
            )
            leaf = transparency.revision_leaf(self.revision_id, self.spec, number, digest)
            self._leaf(rows, transparency.REVISION, self.revision_id, leaf)
        rows["specs"].append(
            {
                "id": self.spec,
                "slug": f"spec-{self.spec:07d}",
                "template_sha256": self.template,
                "current_revision": 3,
                "deleted": False,
                "created_at": at,
                "updated_at": at,
                "title": f"Spec {self.spec}",
                "status": "Draft",
                "author": "ada",
                "content_hash": digest,
            }
        )


def _text(spec: int, number: int) -> str:
    body = " ".join(f"word{(spec * 7 + i * number) % 997}" for i in range(90))
    return f"# Technical Specification: Spec {spec}\n\n**Status**: Draft\n\n{body}\n"


def _percentiles(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    return {
        "p50_ms": round(statistics.median(times), 3),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 3),
    }


def measure(call: Callable[[], object], count: int, rounds: int = 3) -> dict[str, Any]:
    """p50/p95 of ``count`` calls, best of ``rounds`` by p95 (other load on a shared
    machine only ever adds time), in wall time and in this process's CPU time: on a
    machine where other work takes the cores, the CPU time is what the append costs."""
    for _ in range(min(20, count)):
        call()
    best: dict[str, Any] | None = None
    for _round in range(rounds):
        times, cpu = [], []
        for _ in range(count):
            began, began_cpu = time.perf_counter(), time.process_time()
            call()
            times.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
        found: dict[str, Any] = {**_percentiles(times), "cpu": _percentiles(cpu)}
        if best is None or found["p95_ms"] < best["p95_ms"]:
            best = found
    assert best is not None
    return best


def appends(store: Store, count: int) -> dict[str, Any]:
    """One audit event (and so one leaf) per write transaction, against the floor of
    any write: a transaction that rewrites one row (and so commits something)."""

    def record() -> None:
        with store.write() as connection:
            audit.record(connection, actor="bench", action="bench.append", details={"n": 1})

    def one_row() -> None:
        with store.write() as connection:
            connection.execute(
                sa.update(audit_head).where(audit_head.c.id == 1).values(seq=audit_head.c.seq)
            )

    found = measure(record, count)
    floor = measure(one_row, count)
    return {**found, "one_row_write": floor}


def bench_engine(url: str, events: int, small_events: int, count: int) -> dict[str, Any]:
    store = open_migrated(url)
    seeder = Seeder(store)
    report: dict[str, Any] = {}
    try:
        started = time.perf_counter()
        seeder.grow(small_events)
        settle(store)
        report[f"append_at_{small_events}"] = appends(store, count)
        print(
            f"  append at {small_events:,}: {report[f'append_at_{small_events}']}", file=sys.stderr
        )
        seeder.seq = _last_seq(store)  # the timed appends added events and leaves
        seeder.previous, seeder.size, seeder.frontier = _heads(store)
        seeder.grow(events - seeder.seq)
        settle(store)
        report["seed_s"] = round(time.perf_counter() - started, 1)
        report[f"append_at_{events}"] = appends(store, count)
        print(f"  append at {events:,}: {report[f'append_at_{events}']}", file=sys.stderr)
        began, began_cpu = time.perf_counter(), time.process_time()
        checked = log_verify.verify(store)
        took, took_cpu = time.perf_counter() - began, time.process_time() - began_cpu
        if not checked.ok:
            raise SystemExit(f"the seeded log does not verify: {checked.problem}")
        began, began_cpu = time.perf_counter(), time.process_time()
        chain = audit.verify(store)
        chain_took = time.perf_counter() - began
        chain_cpu = time.process_time() - began_cpu
        report["verify"] = {
            "events": checked.events,
            "revisions": checked.revisions,
            "leaves": checked.size,
            "seconds": round(took, 2),
            "events_per_s": round(checked.events / took),
            "leaves_per_s": round(checked.size / took),
            "cpu_seconds": round(took_cpu, 2),
            "events_per_cpu_s": round(checked.events / took_cpu),
            "baseline_chain_only_seconds": round(chain_took, 2),
            "baseline_chain_only_cpu_seconds": round(chain_cpu, 2),
            "baseline_events_per_s": round(chain.checked / chain_took),
            "ratio_vs_chain_only": round(took / chain_took, 2),
            "cpu_ratio_vs_chain_only": round(took_cpu / chain_cpu, 2),
        }
        print(f"  verify: {report['verify']}", file=sys.stderr)
        small, large = report[f"append_at_{small_events}"], report[f"append_at_{events}"]
        report["append_p95_ratio_large_vs_small"] = round(large["p95_ms"] / small["p95_ms"], 2)
        report["append_cpu_p95_ratio_large_vs_small"] = round(
            large["cpu"]["p95_ms"] / small["cpu"]["p95_ms"], 2
        )
    finally:
        store.close()
    return report


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def _last_seq(store: Store) -> int:
    with store.read() as connection:
        return int(connection.execute(sa.select(audit_head.c.seq)).scalar_one())


def _heads(store: Store) -> tuple[str, int, list[bytes]]:
    with store.read() as connection:
        previous = str(connection.execute(sa.select(audit_head.c.hash)).scalar_one())
    tree = transparency.tree_head(store)
    return previous, tree.size, tree.frontier


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--small", action="store_true", help="A smoke test: 20,000 events.")
    parser.add_argument(
        "--engines", nargs="+", default=["sqlite"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--appends", type=int, default=300, help="Timed appends per size.")
    parser.add_argument("--pg-url", help="An empty PostgreSQL database to use.")
    parser.add_argument("--json", action="store_true", help="Print the report as JSON.")
    options = parser.parse_args(argv)
    events = 20_000 if options.small else 1_000_000
    small_events = 2_000 if options.small else 10_000
    count = min(options.appends, 100) if options.small else options.appends
    results: dict[str, Any] = {"load_average_before": _load()}
    for engine in options.engines:
        print(f"{engine}: seeding {events:,} events ...", file=sys.stderr)
        if engine == "sqlite":
            with tempfile.TemporaryDirectory(prefix="tsaudit-") as directory:
                url = f"sqlite:///{Path(directory) / 'techspec.db'}"
                results[engine] = bench_engine(url, events, small_events, count)
        elif options.pg_url:
            results[engine] = bench_engine(options.pg_url, events, small_events, count)
        else:
            with postgres() as url:
                results[engine] = bench_engine(url, events, small_events, count)
    results["load_average_after"] = _load()
    if options.json:
        print(json.dumps(results, indent=2))
        return 0
    print(
        f"load average before/after: {results['load_average_before']} / "
        f"{results['load_average_after']} (cores: {os.cpu_count()})"
    )
    for engine in options.engines:
        found = results[engine]
        verify = found["verify"]
        print(f"{engine}")
        print(
            f"  verify: {verify['events']:,} events + {verify['revisions']:,} revisions "
            f"({verify['leaves']:,} leaves) in {verify['seconds']} s = "
            f"{verify['events_per_s']:,} events/s wall, {verify['events_per_cpu_s']:,} events "
            f"per CPU second (goal >= 50,000); time / the chain-only walk's: "
            f"{verify['ratio_vs_chain_only']}x wall, {verify['cpu_ratio_vs_chain_only']}x CPU"
        )
        for key, value in found.items():
            if key.startswith("append_at_"):
                floor = value["one_row_write"]
                print(
                    f"  {key}: p50 {value['p50_ms']} ms, p95 {value['p95_ms']} ms wall; "
                    f"CPU p50 {value['cpu']['p50_ms']} ms, p95 {value['cpu']['p95_ms']} ms "
                    f"(goal < 2 ms; a one-row write transaction: p95 {floor['p95_ms']} ms wall, "
                    f"{floor['cpu']['p95_ms']} ms CPU)"
                )
        print(
            f"  append p95 large / small: {found['append_p95_ratio_large_vs_small']} wall, "
            f"{found['append_cpu_p95_ratio_large_vs_small']} CPU"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
