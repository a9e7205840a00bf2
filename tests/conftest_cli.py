"""Helpers shared by the command-line tests: run techspec in-process or as a real
subprocess, and make specs (a Draft straight from the template, a clean one, an ADR).

Not a ``conftest.py``: test modules import what they need from here explicitly.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from click.testing import CliRunner, Result

from techspec.cli import cli

VENV_BIN = Path(sys.executable).parent
TECHSPEC = VENV_BIN / "techspec"
"""The installed console script, next to the interpreter running the tests."""

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
FINDING_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): "
    r"(?P<rule>TS\d{3})/(?P<name>[a-z-]+) (?P<severity>error|warning|info) (?P<message>.+)$"
)
"""One finding in the ``text`` format: ``path:line:col: TS205/placeholder warning message``."""

TITLE = "# Technical Specification: "

ADR_TEMPLATE = """\
# ADR: [Title]

**Status**: Proposed | Accepted | Superseded

## Context

[What is the issue that we're seeing that motivates this decision?]

## Decision

[What is the change that we're proposing or doing?]

## Consequences

[What becomes easier or more difficult because of this change?]
"""

ADR_CLEAN = """\
# ADR: Use Postgres for the ledger

**Status**: Accepted

## Context

The ledger needs transactions and a schema we can migrate.

## Decision

We store the ledger in Postgres 16.

## Consequences

Operations runs one more database; reports can use SQL.
"""


# -- running the command line ------------------------------------------------------------


def run_cli(args: Sequence[str], stdin: str | bytes | None = None) -> Result:
    """Run ``techspec ARGS`` in-process through click's test runner.

    Anything but a clean exit (a ``SystemExit``) is a crash that would have printed a
    traceback, so it fails here with the real exception attached.
    """
    result = CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(
            f"techspec {' '.join(args)} crashed: {result.exception!r}\n{result.output}"
        ) from result.exception
    return result


@dataclass(frozen=True)
class Completed:
    exit_code: int
    stdout: str
    stderr: str


def run_process(
    args: Sequence[str],
    *,
    cwd: Path | None = None,
    stdin: bytes | None = None,
    env: Mapping[str, str] | None = None,
    module: bool = False,
) -> Completed:
    """Run the real ``.venv/bin/techspec`` (or ``python -m techspec``) in a subprocess."""
    command = [sys.executable, "-m", "techspec"] if module else [str(TECHSPEC)]
    completed = subprocess.run(
        [*command, *args],
        cwd=cwd,
        input=stdin if stdin is not None else b"",
        capture_output=True,
        env=dict(env) if env is not None else _plain_env(),
        timeout=120,
        check=False,
    )
    return Completed(
        completed.returncode,
        completed.stdout.decode("utf-8"),
        completed.stderr.decode("utf-8"),
    )


def _plain_env() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("FORCE_COLOR", "CLICOLOR_FORCE", "PY_COLORS"):
        env.pop(name, None)
    return env


def finding_lines(output: str) -> list[re.Match[str]]:
    """Every ``text``-format finding line in ``output``."""
    found = [FINDING_LINE.match(line) for line in output.splitlines()]
    return [match for match in found if match is not None]


def rules_in(output: str) -> set[str]:
    """The rule codes of the finding lines in ``text`` output."""
    return {match["rule"] for match in finding_lines(output)}


def stderr_lines(result: Result | Completed) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


# -- making specs ---------------------------------------------------------------------


def new_draft(directory: Path, title: str = "Payments Ledger", author: str = "Ada") -> Path:
    """A Draft spec written by ``techspec new``: the template with its placeholders."""
    result = run_cli(["new", title, "--dir", str(directory), "--author", author])
    assert result.exit_code == 0, result.output
    return Path(result.stdout.strip())


_PLACEHOLDER = re.compile(r"\[(?! \]|x\])([^\[\]\n]+)\]")
_SIGNOFF = re.compile(r"\| \[Name\]\s*\| \[Date\]\s*\| \[Approval\]\s*\|")


def fill(text: str, *, status: str | None = None) -> str:
    """Replace every placeholder in a scaffolded spec with plain text.

    Sign-off rows get a name, an ISO date and a signature; enumerations left as written
    (High/Medium/Low) get one value.  With ``status``, Status changes and every checklist
    item is checked, so an Approved or Implemented spec passes its gates.
    """
    text = _SIGNOFF.sub("| Grace Hopper | 2026-01-15 | approved |", text)
    text = _PLACEHOLDER.sub(lambda m: re.sub(r"[^\w -]", "", m.group(1)).strip() or "x", text)
    text = text.replace("High/Medium/Low", "High")
    if status is not None:
        text = re.sub(r"^\*\*Status\*\*: \w+", f"**Status**: {status}", text, flags=re.M)
        text = text.replace("- [ ]", "- [x]")
    return text


def draft_text(title: str = "Payments Ledger", author: str = "Ada") -> str:
    """The text ``techspec new`` writes with the built-in template, made in a scratch
    directory so that no project configuration changes it."""
    with tempfile.TemporaryDirectory() as scratch:
        return new_draft(Path(scratch), title, author).read_text("utf-8")


def clean_spec(directory: Path, name: str = "clean.md", title: str = "Payments Ledger") -> Path:
    """A spec that lints with zero findings: ``techspec new`` output, every placeholder filled."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(fill(draft_text(title)), encoding="utf-8")
    return path


def without_section(text: str, heading: str) -> tuple[str, int]:
    """``text`` without the level-2 section ``heading`` and its subsections, and the
    1-based line where that heading was."""
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.rstrip("\r\n") == heading)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "".join(lines[:start] + lines[end:]), start + 1


def spec_without_scope(directory: Path, name: str) -> tuple[Path, int]:
    """A clean spec written to ``directory/name`` with ``## Scope`` and its subsections
    deleted (one error), and the line the heading was on."""
    text, line = without_section(fill(draft_text()), "## Scope")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path, line


def today() -> str:
    return date.today().isoformat()


def modules_loaded_by(args: Sequence[str], modules: Sequence[str]) -> list[str]:
    """Which of ``modules`` a fresh Python process has imported after ``techspec ARGS``:
    commands must not load what they do not use (start-up time is a feature)."""
    script = (
        "import json, sys\nfrom techspec.cli.main import main\n"
        f"sys.argv=['techspec', *{list(args)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(json.dumps(sorted(m for m in {list(modules)!r} if m in sys.modules)))\n"
    )
    command = [sys.executable, "-c", script]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded
