"""Time ``techspec import --git`` against ``git log --name-status`` over the same history.

    python benchmarks/import_git_bench.py [--commits N] [--specs S] [--seed X] [--json]
    python benchmarks/import_git_bench.py --small        # 60 commits, 7 specs: a smoke run

A repository is built in a temporary directory with real ``git`` (``git fast-import``, so
that building 10,000 commits takes seconds, not the benchmark's time): S specs written from
a custom team template (not the built-in one: ``--template`` is part of what is measured),
created at evenly spread commits, and every other commit editing one spec (a sentence
added, a task ticked, the Status moved on).  Every 25th commit also changes a file that is
not Markdown and the first adds a README that is not a spec, as a real repository has.

Two whole processes are timed on that history, each from a cold start:

* ``import``: ``techspec import --git REPO --path 'specs/*.md' --template T --db D`` into
  a fresh, migrated SQLite store (the migration is done before the clock starts);
* ``git log``: ``git log --first-parent --name-status HEAD``, the walk any import of a git
  history must at least make.

The report gives both times, commits per second for each and their ratio (import / git
log).  The import must create S specs and one revision for every other commit (the run
fails otherwise).  Exit status 0 when the measurements ran, 1 when a process failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

TECHSPEC = str(Path(sys.executable).parent / "techspec")
TIMEOUT = 3600

TEMPLATE = """\
# Service Proposal: [Service Name]

**Owner**: [Team]\\
**Date**: [YYYY-MM-DD]\\
**Status**: Idea | Discussed | Agreed | Shipped

## Summary

[One paragraph: what the service does and for whom]

## Problem

[What hurts today, with numbers]

## Proposal

### Interfaces

| Interface | Protocol | Consumer |
| --------- | -------- | -------- |
| [Name] | HTTP/gRPC/Queue | [Team] |

### Data

[What is stored where, and for how long]

## Rollout

- [ ] [Step]

## Open Questions

- [Question]
"""

STATUSES = ("Idea", "Discussed", "Agreed", "Shipped")
PEOPLE = ("Ada Lovelace", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov", "Alan Kay")
WORDS = [
    "ledger",
    "queue",
    "cache",
    "shard",
    "replica",
    "tenant",
    "quota",
    "index",
    "backfill",
    "snapshot",
    "schema",
    "latency",
    "budget",
    "region",
    "failover",
    "token",
    "audit",
    "export",
    "import",
    "batch",
    "stream",
    "window",
]


@dataclass
class _Spec:
    """One spec's parts, rewritten into its text after each edit."""

    number: int
    owner: str
    day: str
    status: int = 0
    data: list[str] = field(default_factory=list)
    steps: list[list[object]] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"specs/{self.number:04d}-service-{self.number}.md"

    def text(self) -> str:
        rows = "\n".join(
            f"| {name} | {protocol} | Team {self.number % 9} |"
            for name, protocol in (("Public API", "HTTP"), ("Events", "Queue"))
        )
        steps = "\n".join(f"- [{'x' if done else ' '}] {step}" for step, done in self.steps)
        return (
            f"# Service Proposal: Service {self.number}\n\n"
            f"**Owner**: {self.owner}\\\n**Date**: {self.day}\\\n"
            f"**Status**: {STATUSES[self.status]}\n\n"
            f"## Summary\n\nService {self.number} keeps the {WORDS[self.number % len(WORDS)]} "
            "for the teams that need it.\n\n"
            "## Problem\n\nToday every team builds its own copy, and 3 of them broke last "
            "quarter.\n\n"
            f"## Proposal\n\n### Interfaces\n\n| Interface | Protocol | Consumer |\n"
            f"| --------- | -------- | -------- |\n{rows}\n\n"
            f"### Data\n\n{' '.join(self.data)}\n\n"
            f"## Rollout\n\n{steps}\n\n"
            "## Open Questions\n\n- Who runs it at night?\n"
        )


def _sentence(rng: random.Random) -> str:
    words = rng.sample(WORDS, 6)
    return " ".join(words).capitalize() + "."


def build_repository(repo: Path, commits: int, specs: int, seed: int) -> dict[str, int]:
    """A git repository of ``commits`` commits on one branch, ``specs`` of them creating a
    spec and the rest editing one (some also touching a non-Markdown file)."""
    if not 1 <= specs <= commits:
        raise SystemExit("need 1 <= specs <= commits")
    rng = random.Random(seed)
    repo.mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    creations = {round(j * commits / specs) for j in range(specs)}
    stream: list[bytes] = []
    made: list[_Spec] = []
    start = 1_577_836_800  # 2020-01-01T00:00:00Z
    counts = {"created": 0, "edited": 0}
    for index in range(commits):
        files: dict[str, str] = {}
        if index == 0:
            files["README.md"] = "# Service proposals\n\nOne file per proposal in specs/.\n"
        if index in creations:
            number = len(made) + 1
            day = time.strftime("%Y-%m-%d", time.gmtime(start + index * 3600))
            spec = _Spec(number, rng.choice(PEOPLE).split()[0], day)
            spec.data = [_sentence(rng)]
            spec.steps = [[f"Step {n} of service {number}", False] for n in range(1, 4)]
            made.append(spec)
            counts["created"] += 1
            message = f"Propose service {number}"
        else:
            spec = rng.choice(made)
            open_steps = [step for step in spec.steps if not step[1]]
            choice = rng.random()
            if choice < 0.1 and spec.status < len(STATUSES) - 1:
                spec.status += 1
                message = f"Service {spec.number}: {STATUSES[spec.status]}"
            elif choice < 0.3 and open_steps:
                open_steps[0][1] = True
                message = f"Service {spec.number}: a rollout step is done"
            else:
                spec.data.append(_sentence(rng))
                message = f"Service {spec.number}: more on its data"
            counts["edited"] += 1
        files[spec.path] = spec.text()
        if index % 25 == 24:
            files["src/app.py"] = f"VERSION = {index}\n"
        stream.append(_commit(start + index * 3600, rng.choice(PEOPLE), message, files))
    data = b"".join(stream)
    done = subprocess.run(
        ["git", "-C", str(repo), "fast-import", "--quiet"],
        input=data,
        capture_output=True,
        env=_env(),
        timeout=TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"git fast-import failed: {done.stderr.decode(errors='replace')}")
    _git(repo, "checkout", "-q", "main")
    return counts


def _commit(when: int, who: str, message: str, files: dict[str, str]) -> bytes:
    email = f"{who.split()[0].lower()}@example.com"
    lines = [
        b"commit refs/heads/main\n",
        f"author {who} <{email}> {when} +0000\n".encode(),
        f"committer {who} <{email}> {when} +0000\n".encode(),
        _data(message.encode()),
    ]
    for path, text in files.items():
        lines += [f"M 100644 inline {path}\n".encode(), _data(text.encode())]
    return b"".join(lines) + b"\n"


def _data(payload: bytes) -> bytes:
    return b"data %d\n%s\n" % (len(payload), payload)


def _env() -> dict[str, str]:
    return {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        env=_env(),
        timeout=TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed: {done.stderr.decode(errors='replace')}")
    return done.stdout.decode()


def _timed(command: list[str]) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=_env(), timeout=TIMEOUT, check=False)
    return time.perf_counter() - started, done


def measure(
    *, commits: int, specs: int, seed: int, log: bool = True, place: Path | None = None
) -> dict[str, object]:
    """Build the history, then time the import and the ``git log`` baseline over it."""
    with tempfile.TemporaryDirectory(dir=place) as scratch:
        root = Path(scratch)
        repo = root / "repo"
        started = time.perf_counter()
        counts = build_repository(repo, commits, specs, seed)
        built = time.perf_counter() - started
        if log:
            print(f"built {commits} commits, {specs} specs in {built:.1f} s", file=sys.stderr)
        template = root / "service-proposal.md"
        template.write_text(TEMPLATE, encoding="utf-8")
        db = f"sqlite:///{root / 'techspec.db'}"
        _check(_timed([TECHSPEC, "db", "upgrade", "--db", db])[1], "techspec db upgrade")
        baseline_seconds, baseline = _timed(
            ["git", "-C", str(repo), "log", "--first-parent", "--name-status", "HEAD"]
        )
        _check(baseline, "git log")
        if log:
            print(f"git log --name-status: {baseline_seconds:.2f} s", file=sys.stderr)
        command = [TECHSPEC, "import", "--git", str(repo), "--path", "specs/*.md"]
        seconds, imported = _timed([*command, "--template", str(template), "--db", db])
        _check(imported, "techspec import --git")
        summary = imported.stdout.decode().splitlines()[-1]
        expected = f"{counts['created']} created, {counts['edited']} revised, 0 unchanged"
        if not summary.startswith(expected):
            raise SystemExit(f"techspec import --git: expected '{expected}...', got '{summary}'")
        if log:
            print(f"techspec import --git: {seconds:.2f} s ({summary})", file=sys.stderr)
    return {
        "commits": commits,
        "specs": specs,
        "revisions": counts["created"] + counts["edited"],
        "build_seconds": round(built, 3),
        "seconds": {"import": round(seconds, 3), "git_log": round(baseline_seconds, 3)},
        "commits_per_second": {
            "import": round(commits / seconds, 1),
            "git_log": round(commits / baseline_seconds, 1),
        },
        "ratio": round(seconds / baseline_seconds, 1),
        "summary": summary,
    }


def _check(done: subprocess.CompletedProcess[bytes], what: str) -> None:
    if done.returncode != 0:
        output = (done.stderr or done.stdout).decode(errors="replace").strip()
        raise SystemExit(f"{what} exited {done.returncode}: {output[-2000:]}")


def table(results: dict[str, object]) -> str:
    seconds = results["seconds"]
    rates = results["commits_per_second"]
    assert isinstance(seconds, dict) and isinstance(rates, dict)
    return "\n".join(
        [
            f"{results['commits']} commits, {results['specs']} specs from a custom template, "
            f"{results['revisions']} revisions",
            "| measurement | seconds | commits/s |",
            "| --- | --- | --- |",
            f"| techspec import --git | {seconds['import']:.2f} | {rates['import']:.0f} |",
            f"| git log --name-status | {seconds['git_log']:.2f} | {rates['git_log']:.0f} |",
            f"import / git log: {results['ratio']}x",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--specs", type=int, default=700)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--small", action="store_true", help="60 commits, 7 specs")
    parser.add_argument("--json", action="store_true", help="print JSON, not a table")
    args = parser.parse_args(argv)
    commits, specs = (60, 7) if args.small else (args.commits, args.specs)
    results = measure(commits=commits, specs=specs, seed=args.seed, log=not args.json)
    print(json.dumps(results, indent=2) if args.json else table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
