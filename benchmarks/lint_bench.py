"""Time ``techspec lint`` against a parse-only baseline and markdownlint-cli2, in one run.

    python benchmarks/lint_bench.py [--count N] [--repeat R] [--seed S] [--json]

Every measurement is the best-of-R wall time of a whole process (start-up included), on the
same generated corpus, so the ratios compare like with like.  See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from corpus import generate_corpus

TIMEOUT = 300.0
CACHE = Path(__file__).parent / ".cache" / "markdownlint-cli2"
PYTHON = sys.executable
TECHSPEC = str(Path(sys.executable).parent / "techspec")
PARSE_ONLY = """\
import sys
from pathlib import Path
from markdown_it import MarkdownIt
md = MarkdownIt("commonmark").enable("table")
for path in sorted(Path(sys.argv[1]).rglob("*.md")):
    md.parse(path.read_text("utf-8"))
"""
LABELS = {
    "lint": "techspec lint DIR --format concise",
    "lint_one_job": "  the same with --jobs 1 (for reference)",
    "parse_baseline": "markdown-it-py parse only (python -c)",
    "markdownlint": "markdownlint-cli2 DIR/**/*.md",
    "techspec_version": "techspec --version",
    "import_markdown_it": 'python -c "import markdown_it"',
}
# (name, numerator, denominator, comparison, goal): the ratio numerator / denominator.
GOALS = (
    ("parse_baseline/lint", "parse_baseline", "lint", ">=", 2.0),
    ("markdownlint/lint", "markdownlint", "lint", ">=", 7.0),
    ("techspec_version/import_markdown_it", "techspec_version", "import_markdown_it", "<=", 1.5),
)


class BenchError(Exception):
    """A process that should have run did not (bad exit status, timeout, missing program)."""


@dataclass
class Ratio:
    name: str
    value: float | None
    """None when a measurement was skipped."""
    goal: str
    met: bool | None


@dataclass
class Results:
    files: int
    bytes: int
    repeat: int
    seconds: dict[str, float] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)

    def ratios(self) -> list[Ratio]:
        rows = []
        for name, top, bottom, comparison, goal in GOALS:
            if top in self.seconds and bottom in self.seconds:
                value = self.seconds[top] / self.seconds[bottom]
                met = value >= goal if comparison == ">=" else value <= goal
                rows.append(Ratio(name, round(value, 3), f"{comparison} {goal}", met))
            else:
                rows.append(Ratio(name, None, f"{comparison} {goal}", None))
        return rows

    def to_json(self) -> str:
        data = {
            "files": self.files,
            "bytes": self.bytes,
            "repeat": self.repeat,
            "seconds": self.seconds,
            "ratios": [asdict(ratio) for ratio in self.ratios()],
            "skipped": self.skipped,
            "versions": self.versions,
        }
        return json.dumps(data, indent=2)

    def to_table(self) -> str:
        lines = [
            f"corpus: {self.files} files, {self.bytes / 1e6:.1f} MB; best of {self.repeat} runs "
            "(start-up: best of 10)",
            "",
            f"{'measurement':<40} {'seconds':>9}",
        ]
        lines += [f"{LABELS[name]:<40} {value:>9.3f}" for name, value in self.seconds.items()]
        lines += [f"{LABELS[name]:<40} {'skipped':>9}  {why}" for name, why in self.skipped.items()]
        lines += [f"({tool} {version})" for tool, version in self.versions.items()]
        lines += ["", f"{'ratio':<40} {'value':>9}  {'goal':<7} met"]
        for ratio in self.ratios():
            shown = f"{'n/a':>9}" if ratio.value is None else f"{ratio.value:>9.2f}"
            met = "n/a" if ratio.met is None else "yes" if ratio.met else "NO"
            lines.append(f"{ratio.name:<40} {shown}  {ratio.goal:<7} {met}")
        return "\n".join(lines)


def run(command: Sequence[str], ok: Sequence[int] = (0,)) -> float:
    """Wall time of one process; output goes to a scratch file (read back only on failure).

    Processes run in the system temp directory, so no config file of this repository (a
    ``.markdownlint-cli2.jsonc``, a ``pyproject.toml``) changes what they do.
    """
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        try:
            completed = subprocess.run(
                command,
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=tempfile.gettempdir(),
                timeout=TIMEOUT,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise BenchError(f"{command[0]}: {error}") from error
        elapsed = time.perf_counter() - start
        if completed.returncode not in ok:
            output.seek(0)
            tail = output.read()[-2000:].decode("utf-8", "replace").strip()
            raise BenchError(f"{' '.join(command)} exited {completed.returncode}: {tail}")
    return elapsed


def best(command: Sequence[str], repeat: int, ok: Sequence[int] = (0,)) -> float:
    return min(run(command, ok) for _ in range(repeat))


def markdownlint() -> Path:
    """The markdownlint-cli2 executable, installed once into benchmarks/.cache/ with npm."""
    program = CACHE / "node_modules" / ".bin" / "markdownlint-cli2"
    if program.exists():
        return program
    npm = shutil.which("npm")
    if npm is None:
        raise BenchError("npm is not on PATH")
    CACHE.mkdir(parents=True, exist_ok=True)
    command = [
        npm,
        "install",
        "--prefix",
        str(CACHE),
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
    ]
    try:
        completed = subprocess.run(
            [*command, "markdownlint-cli2"], capture_output=True, text=True, timeout=TIMEOUT
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BenchError(f"npm install failed: {error}") from error
    if completed.returncode != 0 or not program.exists():
        lines = [line.removeprefix("npm error").strip() for line in completed.stderr.splitlines()]
        why = [line for line in lines if line and not line.startswith(("at ", "A complete log"))]
        summary = "; ".join(why[:4])[:300] or "no error output"
        raise BenchError(f"npm install failed (exit {completed.returncode}): {summary}")
    return program


def package_version(package: Path) -> str:
    try:
        return str(json.loads((package / "package.json").read_text("utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return "unknown"


def measure(count: int, repeat: int, seed: int, log: bool) -> Results:
    def say(message: str) -> None:
        if log:
            print(message, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="techspec-bench-") as scratch:
        corpus = Path(scratch) / "corpus"
        say(f"generating {count} specs (seed {seed}) in {corpus}")
        paths = generate_corpus(corpus, count=count, seed=seed)
        results = Results(len(paths), sum(p.stat().st_size for p in paths), repeat)
        lint = [TECHSPEC, "lint", str(corpus), "--format", "concise", "--exit-zero"]
        say("timing: techspec lint")
        results.seconds["lint"] = best(lint, repeat)
        results.seconds["lint_one_job"] = best([*lint, "--jobs", "1"], repeat)
        say("timing: markdown-it-py parse baseline")
        results.seconds["parse_baseline"] = best([PYTHON, "-c", PARSE_ONLY, str(corpus)], repeat)
        try:
            say("installing or reusing markdownlint-cli2")
            program = markdownlint()
            results.versions["markdownlint-cli2"] = package_version(
                CACHE / "node_modules" / "markdownlint-cli2"
            )
            say("timing: markdownlint-cli2")
            # Exit 1 means style findings, which a corpus written for techspec has.
            command = [str(program), f"{corpus}/**/*.md"]
            results.seconds["markdownlint"] = best(command, repeat, ok=(0, 1))
        except BenchError as error:
            results.skipped["markdownlint"] = str(error)
            say(f"skipped markdownlint-cli2: {error}")
        say("timing: start-up")
        results.seconds["techspec_version"] = best([TECHSPEC, "--version"], 10)
        results.seconds["import_markdown_it"] = best([PYTHON, "-c", "import markdown_it"], 10)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=500, help="specs to generate (500)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (3)")
    parser.add_argument("--seed", type=int, default=1234, help="corpus seed (1234)")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args(argv)
    if args.count < 1 or args.repeat < 1:
        parser.error("--count and --repeat must be at least 1")
    try:
        results = measure(args.count, args.repeat, args.seed, log=not args.json)
    except BenchError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    print(results.to_json() if args.json else results.to_table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
