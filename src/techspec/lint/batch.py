"""Lint many files: resolve each one's template and rule selection, use every core.

This is the engine behind ``techspec lint``; it knows files and configuration but no
command-line or output details.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path

from techspec.document.files import decode, markdown_files, read_text
from techspec.document.model import Spec
from techspec.document.parser import parse
from techspec.errors import InputError, TechspecError, TemplateError
from techspec.lint.builtins import builtin_for_path, builtin_names
from techspec.lint.config import find_config
from techspec.lint.findings import FileReport
from techspec.lint.linter import lint
from techspec.lint.selection import Selection
from techspec.lint.template import Template, builtin_template

PARALLEL_THRESHOLD = 24
"""Below this many files, starting worker processes costs more than it saves."""


@dataclass(frozen=True, slots=True)
class Options:
    template: Path | None = None
    """A template that overrides configuration (``--template``)."""
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    jobs: int | None = None
    only_specs: bool = False
    """Skip named files that are not specs, as directory search does (for pre-commit)."""
    all_files: bool = False
    """Lint every Markdown file found in a directory, whatever its title (``--all-files``)."""


@dataclass(slots=True)
class Outcome:
    reports: list[FileReport] = field(default_factory=list)
    problems: list[TechspecError] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """``(path, reason)`` for files in directories that are not specs."""
    counted: int = 0
    """How many of ``skipped`` a "no specs found" problem already counts."""
    hidden: list[str] = field(default_factory=list)
    """Hidden directories that directory search did not enter (``.drafts``)."""


@dataclass(frozen=True, slots=True)
class _Unit:
    path: str
    explicit: bool
    data: bytes | None = None
    """The content, for standard input."""


def lint_paths(paths: Iterable[str], options: Options, stdin: bytes | None = None) -> Outcome:
    """Lint files and directories (``-`` is standard input, given as ``stdin``)."""
    paths = list(paths)
    outcome = Outcome()
    units: list[_Unit] = []
    searched: list[tuple[str, int, int]] = []  # (directory, its first unit, its end unit)
    for name in paths:
        if name == "-":
            units.append(_Unit("-", True, stdin or b""))
            continue
        path = Path(name)
        if path.is_dir():
            hidden: list[Path] = []
            found = [_Unit(str(p), options.all_files) for p in markdown_files(path, hidden)]
            outcome.hidden += [str(directory) for directory in hidden]
            if not found:
                outcome.problems.append(InputError("directory has no Markdown files", path=name))
            searched.append((name, len(units), len(units) + len(found)))
            units.extend(found)
        else:
            units.append(_Unit(name, not options.only_specs))
    results = _run(units, options)
    reported = {str(problem) for problem in outcome.problems}
    for result in results:
        if isinstance(result, FileReport):
            outcome.reports.append(result)
        elif isinstance(result, TechspecError):
            # A bad configuration or template fails every file it governs: report it once.
            if str(result) not in reported:
                reported.add(str(result))
                outcome.problems.append(result)
        else:
            outcome.skipped.append(result)
    for name, first, end in searched:
        # Judged per directory: specs found elsewhere in the run must not hide this one.
        if end > first and all(isinstance(r, tuple) for r in results[first:end]):
            count = end - first
            files = f"{count} Markdown file" + ("" if count == 1 else "s")
            message = (
                f"no specs found (no file's title matches the template; {files} skipped: "
                "--verbose names them, --all-files lints them)"
            )
            outcome.problems.append(InputError(message, path=name))
            outcome.counted += count
    return outcome


_Result = FileReport | TechspecError | tuple[str, str]


def _run(units: list[_Unit], options: Options) -> list[_Result]:
    jobs = options.jobs or os.cpu_count() or 1
    if jobs > 1 and len(units) >= PARALLEL_THRESHOLD:
        chunk = max(1, len(units) // (jobs * 4))
        with worker_pool(jobs) as pool:
            return list(pool.map(_lint_unit, units, [options] * len(units), chunksize=chunk))
    return [_lint_unit(unit, options) for unit in units]


@contextmanager
def worker_pool(
    jobs: int, warm: Callable[[], object] | None = None
) -> Iterator[ProcessPoolExecutor]:
    """Forked worker processes that start ready: the built-in template compiled, the
    rules loaded and whatever ``warm`` prepares, done once here rather than in each
    worker.  The parent's objects are frozen out of the garbage collector while the
    workers run, so that collections in a worker do not touch, and so copy, the pages
    it shares with the parent."""
    builtin_template()  # the rules are registered when this module is imported
    if warm is not None:
        warm()
    gc.freeze()
    try:
        with ProcessPoolExecutor(jobs, mp_context=get_context("fork")) as pool:
            yield pool
    finally:
        gc.unfreeze()


def _lint_unit(unit: _Unit, options: Options) -> _Result:
    try:
        data = unit.data
        text = decode(data, unit.path) if data is not None else read_text(Path(unit.path))
        location = Path(unit.path) if unit.path != "-" else Path.cwd() / "stdin.md"
        config = find_config(location)
        template_path = options.template or config.template_for(location)
        template = load_template(template_path) if template_path else builtin_template()
        spec = parse(text, unit.path)
        reason = None if unit.explicit else skip_reason(spec, template)
        if reason is not None:
            return (unit.path, reason)
        selection = config.selection_for(location)
        selection = Selection(options.select or selection.select, selection.ignore + options.ignore)
        findings = lint(spec, template, selection=selection)
        return FileReport(unit.path, spec.status, findings)
    except TechspecError as error:
        return error


def skip_reason(spec: Spec, template: Template) -> str | None:
    """Why directory search passes a Markdown file by, or None when it is a spec of
    ``template`` (:meth:`Template.skip_reason` decides); a title that does not match is
    quoted, shortened, beside the template's."""
    reason = template.skip_reason(spec)
    if reason is None or template.title_kind not in ("literal", "pattern"):
        return reason
    wanted = f"'# {template.title}'"
    if spec.title is None:
        return f"it has no title heading (the template's is {wanted})"
    return f"its title '{_short(spec.title)}' does not match {wanted}"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def load_template(path: Path) -> Template:
    """Read and compile a template file, or name a built-in one (``adr``, ``rfc``) when no
    such file exists; errors name the template."""
    builtin = builtin_for_path(path)
    return builtin if builtin is not None else _load_file(path)


@lru_cache(maxsize=32)
def _load_file(path: Path) -> Template:
    try:
        text = read_text(path)
    except InputError as error:
        known = ", ".join(builtin_names())
        message = f"template {error.message} (built-in templates: {known})"
        raise TemplateError(message, path=str(path)) from None
    return Template.from_markdown(text, str(path))
