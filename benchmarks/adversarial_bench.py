"""Pathological inputs: does every step stay linear in the size of what it reads?

    python benchmarks/adversarial_bench.py [--base BYTES] [--repeat R] [--timeout S]
                                           [--family NAME ...] [--op OP ...] [--json]

Each family is one shape of hostile text (a long run of one character, a construct opened
and never closed, a table of 100,000 rows...).  Every family is written at four sizes,
``base``, 2x, 4x and 8x bytes, and each step that reads it is timed at every size (the best
of R runs):

* ``lint``: :func:`techspec.parse` then :func:`techspec.lint.linter.lint` (built-in template);
* ``hash``: :func:`techspec.authoring.content_hash.content_hash`;
* ``fix``: :func:`techspec.authoring.fix.fix_text`;
* ``lsp``: the language server's analysis, its diagnostics, and a hover and a completion on
  the family's longest line;
* ``compile``: :meth:`techspec.lint.template.Template.from_markdown` (the template family).

The growth exponent is the slope of log2(CPU time) against log2(size), fitted by least
squares over the four sizes: 1.0 is linear, 2.0 quadratic (CPU time, because another
process on a shared machine moves wall time far more).  Goal: every exponent <= 1.2, and ``lint``
of the 1 MiB size (the default ``--base`` of 128 KiB makes the largest size 1 MiB) under 1 s.

Each (family, step) runs in a child process, which prints each size's time as soon as it
has it; one that outlives ``--timeout`` seconds is stopped and its remaining sizes read
``timeout`` (the exponent is then fitted over the sizes it finished, and marked ``>``).  So
the benchmark also runs against code whose growth is exponential.  The exit status is 0
when the measurements ran, whether or not the goals are met.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

STEPS = ("lint", "hash", "fix", "lsp")
GOAL_EXPONENT = 1.2
GOAL_SECONDS = 1.0
MIB = 1024 * 1024

HEAD = "# Technical Specification: Bench\n\n**Status**: Draft\n\n"
"""Makes a family a spec, so that every rule runs on it (not only 'not a spec')."""


def _repeat(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit))


def _metadata_spaces(size: int) -> str:
    return f"# Technical Specification: Bench\n\n**Status**: Draft{' ' * size}x\n"


def _title_spaces(size: int) -> str:
    return f"# Technical Specification: a{' ' * size}b\n\n**Status**: Draft\n"


def _heading_spaces(size: int) -> str:
    return HEAD + f"## Implementation Plan\n\n### Phase 1: a{' ' * size}b\n"


def _wide_table(size: int) -> str:
    columns = max(1, size // 16)  # 16 bytes a column over the three rows ('é' is two)
    return HEAD + "| é " * columns + "|\n" + "|---" * columns + "|\n" + "| [é] " * columns + "|\n"


def _table_rows(size: int) -> str:
    return HEAD + "| Name | Value |\n|---|---|\n" + _repeat("| x | [y] |\n", size)


def _template_status(size: int) -> str:
    """A Status enumeration that never closes: ``A  | A  | ... ]``."""
    status = _repeat("A  | ", size) + "A  ]"
    return f"# Spec: [Name]\n\n**Status**: {status}\n\n## Summary\n\n[Summary]\n"


def _suppressed(size: int) -> str:
    return HEAD + _repeat("<!-- techspec-disable-next-line TS205 -->\n[todo]\n\n", size)


def _suppression_ranges(size: int) -> str:
    half = size // 2
    return (
        HEAD
        + _repeat("<!-- techspec-disable TS101 -->\n\n", half)
        + _repeat("<!-- techspec-enable TS102 -->\n\n", half)
    )


def _signoff(size: int) -> str:
    table = "## Review & Approval\n\n### Sign-off\n\n| Role | Name | Date | Signature |\n"
    rows = _repeat("| Technical Lead | [n] | [d] | |\n", size)
    return HEAD + table + "|---|---|---|---|\n" + rows


def _phases(size: int) -> str:
    """As many phase headings as fit in ``size`` bytes (their numbers grow longer)."""
    lines: list[str] = []
    used = 0
    for number in itertools.count(1):
        line = f"### Phase {number}: x\n\n"
        if used + len(line) > size and lines:
            break
        lines.append(line)
        used += len(line)
    return HEAD + "## Implementation Plan\n\n" + "".join(lines)


FAMILIES: dict[str, Callable[[int], str]] = {
    "metadata-spaces": _metadata_spaces,
    "title-spaces": _title_spaces,
    "heading-spaces": _heading_spaces,
    "brackets": lambda size: HEAD + "[" * size,
    "bracket-text": lambda size: HEAD + "[" + "a" * size,
    "pipes": lambda size: HEAD + _repeat("a|", size) + "\n",
    "wide-table": _wide_table,
    "table-rows": _table_rows,
    "backslashes": lambda size: HEAD + "\\" * size,
    "emphasis": lambda size: HEAD + _repeat("*a_", size),
    "comment-open": lambda size: HEAD + _repeat("<!--", size),
    "comment-lines": lambda size: HEAD + _repeat("<!-- a\n", size),
    "backticks": lambda size: HEAD + _repeat("`a", size),
    "nested-lists": lambda size: HEAD + _repeat("- ", size) + "a\n",
    "nested-quotes": lambda size: HEAD + _repeat("> ", size) + "a\n",
    "long-line": lambda size: HEAD + _repeat("word ", size) + "\n",
    "links-and-placeholders": lambda size: HEAD + _repeat("[a](b) [todo] ", size) + "\n",
    "unicode-line": lambda size: HEAD + _repeat("é [todo] ", size) + "\n",
    "suppressed": _suppressed,
    "suppression-ranges": _suppression_ranges,
    "signoff-rows": _signoff,
    "phases": _phases,
    "template-status": _template_status,
}
TEMPLATE_FAMILIES = {"template-status"}


def steps_of(family: str) -> tuple[str, ...]:
    return ("compile",) if family in TEMPLATE_FAMILIES else STEPS


# -- the child process: one family, one step, every size --------------------------------


def _step(name: str, text: str) -> Callable[[], object]:
    from techspec.authoring.content_hash import content_hash
    from techspec.authoring.fix import fix_text
    from techspec.document.parser import parse
    from techspec.lint.linter import lint
    from techspec.lint.template import Template

    if name == "lint":
        return lambda: lint(parse(text))
    if name == "hash":
        return lambda: content_hash(text)
    if name == "fix":
        return lambda: fix_text(text)
    if name == "compile":
        return lambda: Template.from_markdown(text + f"\n<!-- {time.perf_counter()} -->\n")
    return lambda: _lsp(text)


def _lsp(text: str) -> object:
    from lsprotocol import types

    from techspec.lsp.completion import completions
    from techspec.lsp.diagnostics import analyze, diagnostics
    from techspec.lsp.hover import hover

    analysis = analyze(text, None)
    found = diagnostics(analysis)
    lines = text.split("\n")
    longest = max(range(len(lines)), key=lambda n: len(lines[n]))
    where = types.Position(longest, len(lines[longest]) // 2)
    return found, hover(analysis, where), completions(analysis, where)


def worker(family: str, step: str, base: int, repeat: int) -> None:
    """Print ``{"size": bytes, "seconds": wall, "cpu": cpu}`` for each size (the best of
    ``repeat`` runs each), as soon as it is timed."""
    _step(step, FAMILIES[family](64))()  # imports and caches, outside the timings
    for factor in (1, 2, 4, 8):
        text = FAMILIES[family](base * factor)
        run = _step(step, text)
        wall = cpu = math.inf
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            run()
            wall = min(wall, time.perf_counter() - start)
            cpu = min(cpu, time.process_time() - start_cpu)
        size = len(text.encode("utf-8"))
        print(json.dumps({"size": size, "seconds": wall, "cpu": cpu}), flush=True)


# -- the parent: run each child with a deadline, fit the exponents ----------------------


@dataclass
class Result:
    family: str
    step: str
    sizes: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    """Wall time, the best run at each size."""
    cpu: list[float] = field(default_factory=list)
    timed_out: bool = False

    @property
    def exponent(self) -> float | None:
        """Least-squares slope of log2(CPU seconds) over log2(size)."""
        if len(self.sizes) < 2:
            return None
        xs = [math.log2(size) for size in self.sizes]
        ys = [math.log2(max(seconds, 1e-6)) for seconds in self.cpu]
        mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
        spread = sum((x - mean_x) ** 2 for x in xs)
        return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread

    @property
    def meets_goal(self) -> bool:
        exponent = self.exponent
        if self.timed_out or exponent is None or exponent > GOAL_EXPONENT:
            return False
        big = [s for size, s in zip(self.sizes, self.seconds, strict=True) if size >= MIB]
        return self.step != "lint" or all(seconds < GOAL_SECONDS for seconds in big)


def measure(family: str, step: str, base: int, repeat: int, timeout: float) -> Result:
    result = Result(family, step)
    command = [sys.executable, __file__, "--worker", family, step, str(base), str(repeat)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent)
    deadline = time.monotonic() + timeout
    try:
        assert child.stdout is not None
        while len(result.sizes) < 4:
            line = _read_line(child, deadline)
            if line is None:
                result.timed_out = True
                break
            point = json.loads(line)
            result.sizes.append(point["size"])
            result.seconds.append(point["seconds"])
            result.cpu.append(point.get("cpu", point["seconds"]))
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
    return result


def _read_line(child: subprocess.Popen[str], deadline: float) -> str | None:
    """The child's next line, or None at its end or when the deadline passes."""
    import selectors

    assert child.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(child.stdout, selectors.EVENT_READ)
        left = deadline - time.monotonic()
        if left <= 0 or not selector.select(timeout=left):
            return None
    line = child.stdout.readline()
    return line or None


def table(results: list[Result]) -> str:
    columns = ("cpu(1)", "cpu(2)", "cpu(4)", "cpu(8)", "wall(8)")
    rows: list[tuple[str, ...]] = [("family", "step", "size 1", "size 8", *columns, "exp", "goal")]
    for result in results:
        times = [f"{seconds:.4f}" for seconds in result.cpu]
        times += ["timeout"] * (4 - len(times))
        exponent = result.exponent
        shown = "n/a" if exponent is None else f"{'>' if result.timed_out else ''}{exponent:.2f}"
        first = f"{result.sizes[0]:,}" if result.sizes else "-"
        last = f"{result.sizes[-1]:,}" if len(result.sizes) == 4 else "-"
        goal = "yes" if result.meets_goal else "NO"
        wall = f"{result.seconds[-1]:.4f}" if len(result.seconds) == 4 else "-"
        rows.append((result.family, result.step, first, last, *times, wall, shown, goal))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=int, default=128 * 1024, help="smallest size, bytes")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (best kept)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per step")
    parser.add_argument("--family", action="append", choices=sorted(FAMILIES), default=None)
    parser.add_argument("--op", action="append", choices=(*STEPS, "compile"), default=None)
    parser.add_argument("--json", action="store_true", help="print JSON, not a table")
    parser.add_argument("--worker", nargs=4, metavar=("FAMILY", "STEP", "BASE", "REPEAT"))
    args = parser.parse_args(argv)
    if args.worker:
        family, step, base, repeat = args.worker
        worker(family, step, int(base), int(repeat))
        return 0
    results = []
    for family in args.family or FAMILIES:
        for step in steps_of(family):
            if args.op and step not in args.op:
                continue
            print(f"{family} / {step} ...", file=sys.stderr, flush=True)
            results.append(measure(family, step, args.base, args.repeat, args.timeout))
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "family": r.family,
                        "step": r.step,
                        "sizes": r.sizes,
                        "seconds": r.seconds,
                        "cpu": r.cpu,
                        "timed_out": r.timed_out,
                        "exponent": r.exponent,
                        "meets_goal": r.meets_goal,
                    }
                    for r in results
                ],
                indent=2,
            )
        )
    else:
        print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
