"""``techspec fix``: insert what the template requires and a spec lacks, or show the diff.

Only click is imported at module level; the library loads when the command runs.  The
command reads, fixes and writes each file in a worker (:func:`fix_one`), then reports like
``ruff --fix``: what is left, how much was fixed, and an exit status to match.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from techspec.errors import TechspecError
    from techspec.lint.findings import FileReport

PARALLEL_THRESHOLD = 24


def register(group: click.Group) -> None:
    """Add ``fix`` to the ``techspec`` command group."""
    group.add_command(fix)


@dataclass(frozen=True, slots=True)
class Options:
    template: Path | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    unsafe: bool = False
    write: bool = True
    today: date | None = None


@dataclass(slots=True)
class Fixed:
    """One file's outcome: whether it changed, the findings left and, when they are to be
    printed (``--diff``, standard input), its text before and after.  Other texts are not
    kept: holding every file's text to the end costs memory, and copying from workers."""

    path: str
    changed: bool
    count: int
    report: FileReport
    before: str = ""
    after: str = ""


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff; write nothing.")
@click.option("--unsafe", is_flag=True, help="Also renumber numbered sections (TS104).")
@click.option("--template", type=click.Path(path_type=Path), help="Template file.")
@click.option("--select", multiple=True, help="Only fix these rules (codes, prefixes or names).")
@click.option("--ignore", multiple=True, help="Do not fix these rules.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes.")
def fix(
    paths: tuple[str, ...],
    show_diff: bool,
    unsafe: bool,
    template: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    jobs: int | None,
) -> None:
    """Repair what the template can repair: missing sections (the template's heading and
    placeholder body), metadata and section fields, table columns, fixed rows, checklist
    items and the Document History row of the current version.  Only inserts: every other
    byte, the line endings and a BOM stay.  PATHS are files, directories or - (stdin,
    fixed text to stdout).

    Exit status: 0 no errors left, 1 errors left after fixing (with --diff: 1 when there
    would be changes), 2 usage or input error.
    """
    from techspec.errors import TechspecError

    try:
        if template is not None:
            from techspec.lint.batch import load_template

            load_template(template)
        options = Options(template, select, ignore, unsafe, write=not show_diff)
        stdin = sys.stdin.buffer.read() if "-" in paths else None
        results = run(paths, options, stdin, jobs)
    except TechspecError as error:
        click.echo(f"techspec: {error}", err=True)
        sys.exit(error.exit_code)
    sys.exit(_report(results, show_diff))


def _report(results: list[Fixed | TechspecError], show_diff: bool) -> int:
    from techspec.authoring.fix import unified_diff
    from techspec.errors import TechspecError
    from techspec.formats import render

    done = [r for r in results if isinstance(r, Fixed)]
    problems = [r for r in results if isinstance(r, TechspecError)]
    for problem in problems:
        click.echo(f"techspec: {problem}", err=True)
    changed = [r for r in done if r.changed]
    count = sum(r.count for r in changed)
    if show_diff:
        for result in changed:
            click.echo(unified_diff(result.path, result.before, result.after), nl=False)
        summary = f"Would fix {_plural(count, 'problem')} in {_plural(len(changed), 'file')}."
        click.echo(summary, err=True)
        return 2 if problems else 1 if changed else 0
    for result in done:
        if result.path == "-":
            click.echo(result.after, nl=False)
    to_stderr = any(r.path == "-" for r in done)
    color = not to_stderr and sys.stdout.isatty()
    reports = sorted((r.report for r in done), key=lambda r: r.path)
    if reports:
        click.echo(render(reports, "text", color=color).rstrip("\n"), err=to_stderr)
    if changed:
        fixed = f"Fixed {_plural(count, 'problem')} in {_plural(len(changed), 'file')}."
        click.echo(fixed, err=to_stderr)
    return 2 if problems else 1 if any(r.errors for r in reports) else 0


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def run(
    paths: tuple[str, ...], options: Options, stdin: bytes | None, jobs: int | None
) -> list[Fixed | TechspecError]:
    """Fix every file named or found under a directory; non-specs found in directories
    are skipped, as ``techspec lint`` skips them."""
    import os

    from techspec.document.files import markdown_files
    from techspec.errors import InputError

    units: list[tuple[str, bool]] = []
    results: list[Fixed | TechspecError] = []
    for name in paths:
        if name != "-" and Path(name).is_dir():
            found = [(str(p), False) for p in markdown_files(Path(name))]
            if not found:
                results.append(InputError("directory has no Markdown files", path=name))
            units += found
        else:
            units.append((name, True))
    workers = jobs or os.cpu_count() or 1
    if workers > 1 and len(units) >= PARALLEL_THRESHOLD:
        from techspec.authoring.fix import prepare
        from techspec.lint.batch import worker_pool
        from techspec.lint.template import builtin_template

        chunk = max(1, len(units) // (workers * 4))
        with worker_pool(workers, lambda: prepare(builtin_template())) as pool:
            outcomes = list(pool.map(fix_one, units, [options] * len(units), chunksize=chunk))
    else:
        outcomes = [fix_one(unit, options, stdin) for unit in units]
    return results + [outcome for outcome in outcomes if outcome is not None]


def fix_one(
    unit: tuple[str, bool], options: Options, stdin: bytes | None = None
) -> Fixed | TechspecError | None:
    """Read, fix and (unless only diffing) write one file; None for a skipped non-spec."""
    from techspec.authoring.fix import fix_text
    from techspec.document.files import decode, read_text
    from techspec.document.parser import parse
    from techspec.errors import TechspecError
    from techspec.lint.batch import load_template, skip_reason
    from techspec.lint.config import find_config
    from techspec.lint.findings import FileReport
    from techspec.lint.selection import Selection
    from techspec.lint.template import builtin_template

    name, explicit = unit
    try:
        text = decode(stdin or b"", "-") if name == "-" else read_text(Path(name))
        location = Path(name) if name != "-" else Path.cwd() / "stdin.md"
        config = find_config(location)
        template_path = options.template or config.template_for(location)
        template = load_template(template_path) if template_path else builtin_template()
        spec = parse(text, name)
        if not explicit and skip_reason(spec, template) is not None:
            return None
        chosen = config.selection_for(location)
        selection = Selection(options.select or chosen.select, chosen.ignore + options.ignore)
        result = fix_text(
            text,
            template,
            path=name,
            selection=selection,
            unsafe=options.unsafe,
            today=options.today,
            parsed=spec,
        )
        if options.write and name != "-" and result.text != text:
            _write(Path(name), result.text)
    except TechspecError as error:
        return error
    report = FileReport(name, result.status, result.remaining)
    outcome = Fixed(name, result.text != text, len(result.fixed), report)
    if not options.write or name == "-":
        outcome.before, outcome.after = text, result.text
    return outcome


def _write(path: Path, text: str) -> None:
    from techspec.document.files import replace_text

    replace_text(path, text)
