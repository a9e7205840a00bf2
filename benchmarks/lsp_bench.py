"""Time the language server from a ``didChange`` on a ~40 KB spec to its ``publishDiagnostics``.

    python benchmarks/lsp_bench.py [--edits N] [--seed S] [--json]

The real server (``python -m techspec lsp``) runs over stdio and pygls' client sends the
edits: small incremental changes (a letter typed and deleted, a date made invalid and put
back), one at a time, each waiting for the diagnostics of its version.  Two runs:

* ``pauses``: default settings (150 ms debounce) with a pause longer than the debounce
  before each edit, so each edit is linted at once: the latency a writer sees.
* ``back_to_back``: ``--debounce 0`` and no pause: lint-and-publish under a steady stream.

Goal: p95 under 30 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from corpus import generate_corpus

GOAL_MS = 30.0
TARGET_BYTES = 40_000


def spec_of_about_40_kb(directory: Path, seed: int) -> Path:
    """The largest of 400 generated specs, its Problem Statement paragraph repeated until
    the file holds 40 KB."""
    path = max(generate_corpus(directory, count=400, seed=seed), key=lambda p: p.stat().st_size)
    text = path.read_text("utf-8")
    start = text.index("### Problem Statement\n\n") + len("### Problem Statement\n\n")
    paragraph = text[start : text.index("\n\n", start) + 2]
    extra = (TARGET_BYTES - len(text.encode("utf-8"))) // len(paragraph.encode("utf-8")) + 1
    path.write_text(text[:start] + paragraph * max(0, extra) + text[start:], encoding="utf-8")
    return path


def edits(text: str, count: int) -> list[types.TextDocumentContentChangePartial]:
    """Alternating changes that leave the text as it was every two edits."""
    lines = text.splitlines()
    body = next(i for i, line in enumerate(lines) if line and line[0].isalpha())
    date = next(i for i, line in enumerate(lines) if line.startswith("**Date**: "))
    start = len("**Date**: ")
    changes = []
    for index in range(count):
        if index % 10 in (4, 5):  # the date: invalid, then back; findings change
            where = types.Range(types.Position(date, start), types.Position(date, start + 10))
            value = "2026-13-45" if index % 10 == 4 else lines[date][start : start + 10]
        elif index % 2 == 0:
            where = types.Range(types.Position(body, 0), types.Position(body, 0))
            value = "x"
        else:
            where = types.Range(types.Position(body, 0), types.Position(body, 1))
            value = ""
        changes.append(types.TextDocumentContentChangePartial(range=where, text=value))
    return changes


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time of a process (Linux ``/proc``; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run(
    path: Path, count: int, debounce_ms: int, pause: float
) -> tuple[list[float], float | None]:
    """Milliseconds from each didChange to the diagnostics of its version, and the server's
    CPU milliseconds per edit (which the machine's load does not inflate)."""
    client = LanguageClient("techspec-bench", "1")
    arrived: dict[int, float] = {}
    waiting: dict[int, asyncio.Event] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)  # type: ignore[untyped-decorator]
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        if params.version is not None:
            arrived.setdefault(params.version, time.perf_counter())
            waiting.setdefault(params.version, asyncio.Event()).set()

    command = ["-m", "techspec", "lsp", "--debounce", str(debounce_ms)]
    await client.start_io(sys.executable, *command)
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
    client.initialized(types.InitializedParams())
    text = path.read_text("utf-8")
    uri = path.resolve().as_uri()
    item = types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)
    client.text_document_did_open(types.DidOpenTextDocumentParams(item))
    await asyncio.wait_for(waiting.setdefault(1, asyncio.Event()).wait(), 30)
    process: Any = client._server
    cpu_before = cpu_seconds(process.pid)
    timings = []
    for version, change in enumerate(edits(text, count), start=2):
        await asyncio.sleep(pause)
        document = types.VersionedTextDocumentIdentifier(version=version, uri=uri)
        sent = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(document, [change]))
        await asyncio.wait_for(waiting.setdefault(version, asyncio.Event()).wait(), 30)
        timings.append((arrived[version] - sent) * 1000)
    cpu_after = cpu_seconds(process.pid)
    cpu = None
    if cpu_before is not None and cpu_after is not None:
        cpu = (cpu_after - cpu_before) * 1000 / count
    await client.shutdown_async(None)
    client.exit(None)
    await asyncio.wait_for(client.stop(), 10)  # type: ignore[no-untyped-call]
    return timings, cpu


def summary(measured: tuple[list[float], float | None]) -> dict[str, float | None]:
    timings, cpu = measured
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(ordered[-1], 2),
        "server_cpu_ms_per_edit": round(cpu, 2) if cpu is not None else None,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--edits", type=int, default=200, help="edits per run (200)")
    parser.add_argument("--seed", type=int, default=1234, help="corpus seed (1234)")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="techspec-lsp-bench-") as scratch:
        path = spec_of_about_40_kb(Path(scratch), args.seed)
        size = path.stat().st_size
        runs = {
            "pauses": asyncio.run(run(path, args.edits, 150, 0.2)),
            "back_to_back": asyncio.run(run(path, args.edits, 0, 0.0)),
        }
    results = {
        "spec_bytes": size,
        "edits": args.edits,
        **{name: summary(timings) for name, timings in runs.items()},
    }
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"spec: {size} bytes; {args.edits} edits per run; goal p95 < {GOAL_MS} ms\n")
    for name in runs:
        numbers = summary(runs[name])
        p95 = numbers["p95_ms"] or 0.0
        cpu = numbers["server_cpu_ms_per_edit"]
        print(
            f"{name:<14} p50 {numbers['p50_ms']:>7.2f} ms   p95 {p95:>7.2f} ms"
            f"   max {numbers['max_ms']:>7.2f} ms   goal met: {'yes' if p95 < GOAL_MS else 'NO'}"
            f"   server CPU per edit: {'n/a' if cpu is None else f'{cpu:.2f} ms'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
