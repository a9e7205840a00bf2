"""The ``techspec`` command line.  Commands stay thin: parse options, call the library,
turn a :class:`~techspec.errors.TechspecError` into one line on stderr and its exit code.

Heavy modules are imported inside commands so that ``techspec --version`` starts fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from techspec import __version__
from techspec.cli.support import reports_errors
from techspec.errors import UsageError

FORMATS = ("text", "concise", "json", "sarif", "github", "junit")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="techspec")
def cli() -> None:
    """Technical specifications as living, verifiable documents."""


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--template", "template", type=click.Path(path_type=Path), help="Template file.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output-file", "-o", type=click.Path(path_type=Path), help="Write the report here.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("--statistics", is_flag=True, help="Count findings per rule.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--select", multiple=True, help="Only these rules (codes, prefixes or names).")
@click.option("--ignore", multiple=True, help="Skip these rules.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes.")
@click.option("--verbose", "-v", is_flag=True, help="Name each skipped file and why.")
@click.option(
    "--only-specs", is_flag=True, help="Skip named files whose title is not the template's."
)
@click.option(
    "--all-files",
    is_flag=True,
    help="Lint every Markdown file in a directory against its template, whatever its title.",
)
@reports_errors
def lint(
    paths: tuple[str, ...],
    template: Path | None,
    fmt: str,
    output_file: Path | None,
    strict: bool,
    statistics: bool,
    exit_zero: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    jobs: int | None,
    verbose: bool,
    only_specs: bool,
    all_files: bool,
) -> None:
    """Lint specs against their template.  PATHS are files, directories or - (stdin).

    In a directory, a Markdown file whose title is not the template's is skipped: the
    run says how many (--verbose names each and why; --all-files lints them all).

    Exit status: 0 no errors (with --strict: no warnings), 1 findings, 2 usage or input error.
    """
    from techspec.formats import render
    from techspec.lint.batch import Options, lint_paths, load_template
    from techspec.lint.config import unknown_selectors

    for option, values in (("--select", select), ("--ignore", ignore)):
        unknown = unknown_selectors(values)
        if unknown:
            message = f"{option}: unknown rule selector '{unknown[0]}' (see 'techspec rules')"
            raise UsageError(message)
    if only_specs and all_files:
        raise UsageError("--only-specs and --all-files contradict each other: choose one")
    if template is not None:
        load_template(template)  # a bad template is a usage error before any file is read
    stdin = sys.stdin.buffer.read() if "-" in paths else None
    options = Options(template, select, ignore, jobs, only_specs, all_files)
    outcome = lint_paths(paths, options, stdin)
    for problem in outcome.problems:
        click.echo(f"techspec: {problem}", err=True)
    _report_skipped(outcome.skipped, len(outcome.skipped) - outcome.counted, verbose)
    _report_hidden(outcome.hidden, verbose)
    reports = sorted(outcome.reports, key=lambda r: r.path)
    color = fmt == "text" and output_file is None and sys.stdout.isatty()
    report = render(
        reports, fmt, color=color, statistics=statistics, tool_version=__version__, strict=strict
    )
    if output_file is not None:
        try:
            output_file.write_text(report, encoding="utf-8")
        except OSError as error:
            message = f"cannot write the report: {error.strerror or error}"
            raise UsageError(message, path=str(output_file)) from None
    elif report:
        click.echo(report, nl=not report.endswith("\n"))
    if outcome.problems:
        sys.exit(2)
    failing = any(r.errors or (strict and r.warnings) for r in reports)
    sys.exit(1 if failing and not exit_zero else 0)


def _report_skipped(skipped: list[tuple[str, str]], uncounted: int, verbose: bool) -> None:
    """A skipped file is never silent: one line counts those that no "no specs found"
    line has counted already; ``--verbose`` names each."""
    if verbose:
        for path, reason in sorted(skipped):
            click.echo(f"techspec: skipped {path}: {reason}", err=True)
    elif uncounted:
        count = f"{uncounted} Markdown file" + ("" if uncounted == 1 else "s")
        click.echo(
            f"techspec: skipped {count} whose title is not the template's "
            "(--verbose names them, --all-files lints them)",
            err=True,
        )


def _report_hidden(hidden: list[str], verbose: bool) -> None:
    """Hidden directories are not searched (``.github`` holds issue templates, not
    specs); a spec kept in one would be missed, so the run says which were passed by."""
    if verbose:
        for path in hidden:
            click.echo(f"techspec: skipped directory {path}: hidden (name it to lint it)", err=True)
    elif hidden:
        count = f"{len(hidden)} hidden director" + ("y" if len(hidden) == 1 else "ies")
        click.echo(f"techspec: skipped {count} (--verbose names them)", err=True)


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@reports_errors
def show(path: Path, fmt: str) -> None:
    """Print the parsed model of a spec: metadata, sections, tables, checklists."""
    from techspec.document.files import read_stdin, read_text
    from techspec.document.parser import parse

    text = read_stdin() if str(path) == "-" else read_text(path)
    spec = parse(text, str(path))
    if fmt == "json":
        click.echo(json.dumps(spec.to_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(f"{spec.title or '(no title)'}  [{spec.status or 'no status'}]")
    for item in spec.metadata:
        click.echo(f"  {item.key}: {item.value}")
    for section in spec.walk():
        done = sum(1 for i in section.checklist if i.checked)
        progress = f"  {done}/{len(section.checklist)}" if section.checklist else ""
        indent = "  " * (section.level - 1)
        click.echo(f"{indent}{section.title}  (lines {section.line}-{section.end_line}){progress}")


@cli.command()
@click.argument("code", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@reports_errors
def rules(code: str | None, fmt: str) -> None:
    """List the lint rules, or explain one (techspec rules TS101)."""
    from techspec.errors import UsageError
    from techspec.lint.rules import all_rules, get_rule

    if code is None:
        selected = all_rules()
    else:
        found = get_rule(code)
        if found is None:
            raise UsageError(f"unknown rule '{code}' (see 'techspec rules')")
        selected = [found]
    if fmt == "json":
        data = [_rule_dict(r) for r in selected]
        click.echo(json.dumps(data if code is None else data[0], indent=2))
        return
    if code is None:
        for entry in selected:
            fix = " [fixable]" if entry.fixable else ""
            click.echo(f"{entry.label:<32} {entry.severity:<8} {entry.summary}{fix}")
        return
    entry = selected[0]
    click.echo(f"{entry.label} ({_severity_words(entry.severity)})\n")
    click.echo(f"{entry.summary}\n\n{entry.explanation}\n")
    click.echo("Fails:\n" + _indent(entry.failing) + "\n\nPasses:\n" + _indent(entry.passing))


def _rule_dict(entry: Any) -> dict[str, Any]:
    return {
        "code": entry.code,
        "name": entry.name,
        "severity": entry.severity,
        "fixable": entry.fixable,
        "summary": entry.summary,
        "explanation": entry.explanation,
        "failing": entry.failing,
        "passing": entry.passing,
    }


def _severity_words(severity: str) -> str:
    if severity == "status":
        return "warning in Draft, error from Review on"
    return severity


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


@cli.command()
@click.argument("title")
@click.option("--author", help="Author name (default: git config user.name).")
@click.option("--dir", "directory", type=click.Path(path_type=Path), default=Path("."))
@click.option("--template", type=click.Path(path_type=Path), help="Template file.")
@reports_errors
def new(title: str, author: str | None, directory: Path, template: Path | None) -> None:
    """Write NNNN-slug.md from the template: today's date, Status Draft, first history row."""
    from datetime import date

    from techspec.authoring.scaffold import write_new
    from techspec.lint.batch import load_template
    from techspec.lint.config import find_config
    from techspec.lint.template import builtin_template

    chosen = template or find_config(directory).template_for(directory.resolve() / "new.md")
    compiled = load_template(chosen) if chosen else builtin_template()
    path = write_new(directory, compiled, title, author or _git_user() or "Unknown", date.today())
    click.echo(str(path))


def _git_user() -> str | None:
    import subprocess

    try:
        result = subprocess.run(
            ["git", "config", "user.name"], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="techspec")


def _register_command_modules() -> None:
    """Each outer layer keeps its commands in its own module; each imports only click at
    module level, so registering them all costs little at start-up."""
    from techspec.cli import (
        accounts,
        fix,
        inbox,
        lsp,
        passwords,
        proofs,
        render,
        server,
        store,
        sync,
        templates,
        threads,
    )

    modules = (store, sync, threads, passwords, accounts, inbox, render, fix, lsp, server)
    for module in (*modules, proofs, templates):
        module.register(cli)


_register_command_modules()
