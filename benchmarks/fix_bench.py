"""Time ``techspec fix`` against ``techspec lint`` over the same damaged corpus.

    python benchmarks/fix_bench.py [--count N] [--repeat R] [--seed S] [--json]
                                   [--instructions [N]] [--dir DIR]

The corpus is ``corpus.generate_corpus`` with one or two sections deleted from every file, so
``fix`` has work in each one (it inserts the sections, then lints the result to report what
is left, as ``ruff --fix`` does).  Every measurement is the best-of-R wall time, and CPU time
(user + system, worker processes included), of a whole process; ``fix`` runs on a fresh copy
each time, after ``sync`` so that the copy's write-back does not land on it.  Each of the R
rounds runs every command once, in turn (lint first in odd rounds, last in even ones), so
that a slow spell of a shared machine does not fall on one measurement only.  CPU time is
the steadier measure on a shared machine.  Goal: fix within 1.3x of lint.

Two ratios are given for each pair.  The ratio of the best runs is the classic one; the
median of each round's ratio pairs runs made seconds apart, so that a machine whose speed
drifts (a shared VM's can swing by 40% from one minute to the next) moves both sides of
a ratio together.  ``--instructions`` adds the one measure no other load moves: the
instructions each one-job process executes, counted by valgrind's cachegrind (about 30
times slower, so it counts the first 100 specs unless ``--count`` says otherwise).

``fix`` replaces each file it changes atomically (a new file renamed over the old one).  On
a disk mounted with ``discard``, as this project's build machine is, that costs the kernel
about 0.5 ms per file, some 8% of lint's time for the corpus; ``--dir /dev/shm`` measures
without it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from corpus import generate_corpus

TECHSPEC = str(Path(sys.executable).parent / "techspec")
GOAL = 1.3
_HEADING = re.compile(r"^(#{2,3}) ", re.MULTILINE)


def damage(path: Path, rng: random.Random) -> None:
    """Delete one or two sections (a level-2 or level-3 heading with its body)."""
    text = path.read_text("utf-8")
    headings = [(m.start(), len(m[1])) for m in _HEADING.finditer(text)]
    for _ in range(rng.randint(1, 2)):
        index = rng.randrange(len(headings))
        start, level = headings[index]
        after = [s for s, deeper in headings[index + 1 :] if deeper <= level]
        end = after[0] if after else len(text)
        text = text[:start] + text[end:]
        headings = [(m.start(), len(m[1])) for m in _HEADING.finditer(text)]
    path.write_text(text, encoding="utf-8", newline="\n")


def timed(command: Sequence[str], ok: Sequence[int]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, worker processes included) of a run."""
    with tempfile.TemporaryFile() as output:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        completed = subprocess.run(
            command, stdout=output, stderr=subprocess.STDOUT, cwd=tempfile.gettempdir(), timeout=600
        )
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if completed.returncode not in ok:
            output.seek(0)
            tail = output.read()[-2000:].decode("utf-8", "replace")
            raise SystemExit(f"{' '.join(command)} exited {completed.returncode}: {tail}")
    return elapsed, cpu


def best(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The fastest wall time and the smallest CPU time of several runs."""
    return min(wall for wall, _ in runs), min(cpu for _, cpu in runs)


def paired(
    runs: dict[str, list[tuple[float, float]]], top: str, bottom: str, measure: int
) -> float:
    """The median over rounds of ``top / bottom`` (measure 0: wall time, 1: CPU time)."""
    pairs = zip(runs[top], runs[bottom], strict=True)
    return statistics.median(a[measure] / b[measure] for a, b in pairs)


_INSTRUCTIONS = re.compile(rb"I\s+refs:\s+([\d,]+)")


def instructions(command: Sequence[str], ok: Sequence[int]) -> int:
    """The instructions ``command`` executes, counted by cachegrind."""
    counting = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
    ]
    completed = subprocess.run(
        [*counting, *command], capture_output=True, cwd=tempfile.gettempdir(), timeout=3600
    )
    found = _INSTRUCTIONS.search(completed.stderr)
    if completed.returncode not in ok or found is None:
        tail = completed.stderr[-2000:].decode("utf-8", "replace")
        raise SystemExit(f"valgrind {' '.join(command)} exited {completed.returncode}: {tail}")
    return int(found[1].replace(b",", b""))


def count_instructions(corpus: Path, work: Path) -> dict[str, int]:
    """Instructions of one-job lint and fix (a fresh copy, then again) over ``corpus``."""
    lint = [TECHSPEC, "lint", str(corpus), "--format", "concise", "--exit-zero", "--jobs", "1"]
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(corpus, work)
    fix = [TECHSPEC, "fix", str(work), "--jobs", "1"]
    return {
        "lint_one_job": instructions(lint, (0,)),
        "fix_one_job": instructions(fix, (0, 1)),
        "fix_clean_one_job": instructions(fix, (0, 1)),  # the copy is fixed now
    }


def measure(
    count: int,
    repeat: int,
    seed: int,
    log: bool,
    counted: int | None,
    place: Path | None = None,
) -> dict[str, object]:
    def say(message: str) -> None:
        if log:
            print(message, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="techspec-fix-bench-", dir=place) as scratch:
        corpus = Path(scratch) / "corpus"
        say(f"generating {count} specs (seed {seed}) and deleting a section or two from each")
        rng = random.Random(seed)
        for path in generate_corpus(corpus, count=count, seed=seed):
            damage(path, rng)
        work = Path(scratch) / "work"
        runs: dict[str, list[tuple[float, float]]] = {}
        for round_ in range(1, repeat + 1):
            for jobs in ([], ["--jobs", "1"]):
                suffix = "_one_job" if jobs else ""
                lint = [TECHSPEC, "lint", str(corpus), "--format", "concise", "--exit-zero", *jobs]
                fix = [TECHSPEC, "fix", str(work), *jobs]
                shutil.rmtree(work, ignore_errors=True)
                shutil.copytree(corpus, work)
                os.sync()  # the copy's write-back must not land on the next measurement
                lint_first = round_ % 2 == 1  # the slot after fix's own writes alternates
                sequence = "lint, fix, fix again" if lint_first else "fix, fix again, lint"
                say(f"round {round_} of {repeat}, {'one job' if jobs else 'all cores'}: {sequence}")
                if lint_first:
                    runs.setdefault(f"lint{suffix}", []).append(timed(lint, (0,)))
                runs.setdefault(f"fix{suffix}", []).append(timed(fix, (0, 1)))
                runs.setdefault(f"fix_clean{suffix}", []).append(timed(fix, (0, 1)))
                if not lint_first:
                    runs.setdefault(f"lint{suffix}", []).append(timed(lint, (0,)))
        order = ("lint", "fix", "fix_clean")
        names = [name + suffix for suffix in ("", "_one_job") for name in order]
        seconds = {name: best(runs[name])[0] for name in names}
        cpu = {name: best(runs[name])[1] for name in names}
        changed = sum(
            (work / p.name).read_bytes() != p.read_bytes() for p in sorted(corpus.iterdir())
        )
        counts: dict[str, int] = {}
        if counted:
            say(f"counting instructions over the first {counted} specs (valgrind)")
            subset = Path(scratch) / "subset"
            subset.mkdir()
            for path in sorted(corpus.iterdir())[:counted]:
                shutil.copy(path, subset / path.name)
            counts = count_instructions(subset, work)
    ratios = {
        "fix/lint (wall)": seconds["fix"] / seconds["lint"],
        "fix/lint one job (wall)": seconds["fix_one_job"] / seconds["lint_one_job"],
        "fix/lint one job (CPU)": cpu["fix_one_job"] / cpu["lint_one_job"],
        "fix_clean/lint one job (CPU)": cpu["fix_clean_one_job"] / cpu["lint_one_job"],
    }
    medians = {
        "fix/lint (wall)": paired(runs, "fix", "lint", 0),
        "fix/lint one job (wall)": paired(runs, "fix_one_job", "lint_one_job", 0),
        "fix/lint one job (CPU)": paired(runs, "fix_one_job", "lint_one_job", 1),
        "fix_clean/lint one job (CPU)": paired(runs, "fix_clean_one_job", "lint_one_job", 1),
    }
    for kind in ("fix", "fix_clean") if counts else ():
        name = f"{kind}/lint one job (instructions, {counted} specs)"
        ratios[name] = medians[name] = counts[f"{kind}_one_job"] / counts["lint_one_job"]
    return {
        "files": count,
        "files_fixed": changed,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "instructions": counts,
        "ratios": ratios,
        "median_ratios": medians,
    }


def table(results: dict[str, object]) -> str:
    seconds, cpu, ratios = results["seconds"], results["cpu_seconds"], results["ratios"]
    medians, counts = results["median_ratios"], results["instructions"]
    assert isinstance(seconds, dict) and isinstance(cpu, dict) and isinstance(ratios, dict)
    assert isinstance(medians, dict) and isinstance(counts, dict)
    lines = [f"corpus: {results['files']} specs, {results['files_fixed']} changed by fix", ""]
    lines.append(f"{'measurement':<28} {'wall s':>8} {'CPU s':>8}")
    lines += [f"{name:<28} {seconds[name]:>8.3f} {cpu[name]:>8.3f}" for name in seconds]
    lines += [f"{name:<28} {value / 1e6:>10,.0f} M instructions" for name, value in counts.items()]
    lines.append("")
    lines.append(f"{'ratio':<50} {'best':>6} {'median':>7}")
    for name, value in ratios.items():
        median = medians[name]
        met = "yes" if max(value, median) <= GOAL else "NO"
        lines.append(f"{name:<50} {value:>6.2f} {median:>7.2f}   goal <= {GOAL}  met: {met}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=500, help="specs to generate (500)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (5)")
    parser.add_argument("--seed", type=int, default=1234, help="corpus seed (1234)")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument(
        "--instructions",
        nargs="?",
        type=int,
        const=100,
        metavar="N",
        help="also count one-job instructions over the first N specs with valgrind (100)",
    )
    parser.add_argument(
        "--dir",
        type=Path,
        help="where to write the corpus (the system's temporary directory); a tmpfs such as "
        "/dev/shm leaves the disk's cost of replacing files out",
    )
    args = parser.parse_args(argv)
    if args.instructions and shutil.which("valgrind") is None:
        parser.error("--instructions needs valgrind (apt-get install valgrind)")
    results = measure(
        args.count, args.repeat, args.seed, not args.json, args.instructions, args.dir
    )
    print(json.dumps(results, indent=2) if args.json else table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
