"""Spec commands: ``db upgrade``, ``import``, ``export``, ``list``, ``search``, ``history``,
``cat``, ``diff``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from click.core import ParameterSource

from techspec.cli.support import (
    acting,
    as_option,
    db_option,
    format_option,
    open_store_at,
    override_option,
    print_json,
    reports_errors,
)

if TYPE_CHECKING:
    from techspec.lint.template import Template
    from techspec.store.engine import Store
    from techspec.store.git_import import GitImported
    from techspec.store.importer import Imported
    from techspec.store.search import Filters, Listed


# -- db ----------------------------------------------------------------------------------


@click.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@db_option
@reports_errors
def db_upgrade(db: str | None) -> None:
    """Create or migrate the schema to the newest version."""
    from techspec.store import migrations
    from techspec.store.engine import Store, database_url, make_engine, redact

    url = database_url(db)
    store = Store(make_engine(url), url)
    before, after = migrations.upgrade(store)
    store.close()
    state = "already at" if before == after else f"upgraded from {before or 'empty'} to"
    click.echo(f"{redact(url)}: {state} schema {after}")


# -- import / export ---------------------------------------------------------------------


@click.command("import")
@click.argument("paths", nargs=-1)
@as_option(False)
@override_option
@click.option("--message", "-m", default="", help="Revision message.")
@click.option("--template", type=click.Path(path_type=Path), help="Template file.")
@click.option("--git", "repo", metavar="REPO", help="Import the specs' history from git REPO.")
@click.option("--path", "glob", metavar="GLOB", help="With --git: files to import (**/*.md).")
@db_option
@reports_errors
def import_command(
    paths: tuple[str, ...],
    user: str | None,
    override: bool,
    message: str,
    template: Path | None,
    repo: str | None,
    glob: str | None,
    db: str | None,
) -> None:
    """Import spec files (or directories of them).  A spec is named by its file stem;
    the same bytes again add nothing.  Markdown found in a directory that is not a spec
    (a README) is noted on stderr and ignored; a file that cannot be read, or a named
    file that is not a spec, is skipped.  Exit 1 when a file was skipped.

    With --git REPO, every commit on the first-parent line of REPO's HEAD that changed
    a spec becomes a revision with the commit's author (so no --as), date and message;
    running it again adds and reports only new commits.  Markdown files that are not
    specs (a README) are noted on stderr and ignored.  Exit 0 when every spec was
    imported, 1 when one was skipped (changed in the store since its import, too large,
    not UTF-8, a clashing name...), 2 on a usage or repository error or when no matching
    file is a spec."""
    from techspec.errors import UsageError
    from techspec.lint.batch import load_template
    from techspec.service.transfer import import_files
    from techspec.store.importer import collect

    compiled = load_template(template) if template is not None else None
    if repo is not None or glob is not None:
        if repo is None or paths or message:
            raise UsageError("give --git REPO [--path GLOB], without PATH... or --message")
        _refuse_user_with_git(user)
        _import_git(repo, glob, compiled, db)
        return
    if not paths:
        raise UsageError("give PATH... or --git REPO")
    store = open_store_at(db)
    actor = acting(store, user)
    files = collect(paths)
    run = partial(
        import_files, store, actor, files, template=compiled, message=message, override=override
    )
    if sys.stdout.isatty() and len(files) >= 10:
        with click.progressbar(length=len(files), label="Importing") as bar:
            results = run(progress=lambda _path: bar.update(1))
    else:
        results = run()
    store.close()
    _report_imports([(result, _revision_and_note(result)) for result in results])


def _revision_and_note(result: Imported) -> str:
    """``r2``, with what the store did to the text in brackets (an approved spec sent
    back to Review, say)."""
    return f"r{result.revision}" + (f" ({result.reason})" if result.reason else "")


ImportOutcome = tuple["Imported | GitImported", str]
"""A file's import result, with what its line shows after the spec's name."""


def _report_imports(outcomes: list[ImportOutcome]) -> NoReturn:
    """One line per revision (what happened, the spec, then ``detail``), skipped and
    ignored files on stderr, the counts, and the exit status: 1 when a file was skipped."""
    counts = {"created": 0, "revised": 0, "unchanged": 0, "skipped": 0, "ignored": 0}
    for result, detail in outcomes:
        counts[result.outcome] += 1
        if result.outcome in ("skipped", "ignored"):
            click.echo(f"techspec: {result.outcome} {result.path}: {result.reason}", err=True)
        else:
            click.echo(f"{result.outcome:<9} {result.slug} {detail}")
    click.echo(", ".join(f"{n} {k}" for k, n in counts.items()))
    sys.exit(1 if counts["skipped"] else 0)


def _refuse_user_with_git(user: str | None) -> None:
    """Authors come from the commits: ``--as`` given for the run would be silently unused.
    ``TECHSPEC_USER`` is only a default, often exported for every command: it is left
    unused without complaint."""
    from techspec.errors import UsageError

    source = click.get_current_context().get_parameter_source("user")
    if user is None or source is ParameterSource.ENVIRONMENT:
        return
    raise UsageError("--as does not apply to --git: each revision's author is its commit's")


def _import_git(repo: str, glob: str | None, template: Template | None, db: str | None) -> None:
    from techspec.service.permissions import CONSOLE
    from techspec.service.transfer import import_git
    from techspec.store.git_log import DEFAULT_GLOB

    store = open_store_at(db)
    try:
        results = import_git(store, CONSOLE, repo, glob or DEFAULT_GLOB, template=template)
    finally:
        store.close()
    _report_imports([(r, f"r{r.revision} {r.commit[:12]}") for r in results])


@click.command("export")
@click.argument("directory", type=click.Path(path_type=Path))
@db_option
@reports_errors
def export_command(directory: Path, db: str | None) -> None:
    """Write each spec's current revision to DIRECTORY/NAME.md, byte for byte."""
    from techspec.service.permissions import CONSOLE
    from techspec.service.transfer import export

    store = open_store_at(db)
    written = export(store, CONSOLE, directory)
    store.close()
    click.echo(f"exported {len(written)} specs to {directory}")


# -- reading -----------------------------------------------------------------------------


def _filters(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--status", help="Only this Status."),
        click.option("--author", help="Only this document Author."),
        click.option("--reviewer", help="Only specs this user approved or reviewed."),
        click.option("--template", "template_name", help="Only specs of this template."),
        click.option(
            "--has-errors/--no-errors",
            "has_errors",
            default=None,
            help="Only specs with (or without) lint errors.",
        ),
        click.option("--open-tasks", is_flag=True, help="Only specs with unchecked tasks."),
        click.option("--high-risks", is_flag=True, help="Only specs with a risk rated High."),
        click.option("--since", type=click.DateTime(), help="Only specs updated since."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _make_filters(**given: Any) -> Filters:
    from techspec.store.clock import as_utc
    from techspec.store.search import Filters

    since: datetime | None = given.get("since")
    return Filters(
        status=given.get("status"),
        author=given.get("author"),
        reviewer=given.get("reviewer"),
        template=given.get("template_name"),
        has_errors=given.get("has_errors"),
        open_tasks=bool(given.get("open_tasks")),
        high_risks=bool(given.get("high_risks")),
        updated_since=as_utc(since) if since is not None else None,
    )


def plain_snippet(snippet: str) -> str:
    from techspec.store.search import plain_snippet as plain

    return plain(snippet)


def _check_status(store: Store, status: str | None) -> None:
    from techspec.service.statuses import require_known

    if status is not None:
        require_known(store, status)


def _print_listed(found: list[Listed], fmt: str, query: str | None = None) -> None:
    if fmt == "json":
        print_json([item.to_dict() for item in found])
        return
    for item in found:
        counts = f"{item.errors}E {item.warnings}W {item.open_tasks} open"
        click.echo(
            f"{item.slug:<32} r{item.revision:<4} {item.status or '-':<12} {counts:<18} "
            f"{item.title or '(no title)'}"
        )
        if item.snippet:
            click.echo(f"    {plain_snippet(item.snippet)}")
    if query is not None and not found:
        click.echo(f"no spec matches '{query}'", err=True)


@click.command("list")
@_filters
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0)
@format_option
@db_option
@reports_errors
def list_command(limit: int, offset: int, fmt: str, db: str | None, **given: Any) -> None:
    """List stored specs, most recently updated first."""
    from techspec.store.search import list_specs

    store = open_store_at(db)
    _check_status(store, given.get("status"))
    _print_listed(list_specs(store, _make_filters(**given), limit=limit, offset=offset), fmt)
    store.close()


@click.command("search")
@click.argument("query")
@_filters
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@format_option
@db_option
@reports_errors
def search_command(query: str, limit: int, fmt: str, db: str | None, **given: Any) -> None:
    """Full-text search, best match first, with a snippet of each."""
    from techspec.store.search import search

    store = open_store_at(db)
    _check_status(store, given.get("status"))
    _print_listed(search(store, query, _make_filters(**given), limit=limit), fmt, query)
    store.close()


@click.command("history")
@click.argument("spec")
@format_option
@db_option
@reports_errors
def history_command(spec: str, fmt: str, db: str | None) -> None:
    """Every revision of SPEC, oldest first."""
    from techspec.store.clock import iso
    from techspec.store.revisions import history

    store = open_store_at(db)
    found = history(store, spec)
    store.close()
    if fmt == "json":
        print_json(
            [
                {
                    "revision": r.number,
                    "at": iso(r.created_at),
                    "author": r.author,
                    "kind": r.kind,
                    "status": r.status,
                    "sha256": r.sha256,
                    "content_hash": r.content_hash,
                    "message": r.message,
                    "errors": r.errors,
                    "warnings": r.warnings,
                }
                for r in found
            ]
        )
        return
    for r in found:
        click.echo(
            f"r{r.number:<4} {iso(r.created_at)[:19]}  {r.author or '-':<12} "
            f"{r.status or '-':<12} {r.kind:<8} {r.sha256[:12]}  {r.message}"
        )


@click.command("cat")
@click.argument("spec")
@click.option("--revision", "-r", type=click.IntRange(1), help="Revision number.")
@db_option
@reports_errors
def cat_command(spec: str, revision: int | None, db: str | None) -> None:
    """Print a revision's Markdown (the current one by default)."""
    from techspec.store.revisions import get_revision

    store = open_store_at(db)
    text = get_revision(store, spec, revision).text
    store.close()
    sys.stdout.buffer.write(text.encode("utf-8"))


@click.command("diff")
@click.argument("spec")
@click.argument("revisions", nargs=-1, type=click.IntRange(1))
@click.option(
    "--since-my-approval",
    is_flag=True,
    help="From the revision you last approved to the current one.",
)
@as_option(False)
@format_option
@db_option
@reports_errors
def diff_command(
    spec: str,
    revisions: tuple[int, ...],
    since_my_approval: bool,
    user: str | None,
    fmt: str,
    db: str | None,
) -> None:
    """Section-aware diff: SPEC REV1 REV2, SPEC REV1 (to current), or --since-my-approval."""
    from techspec.authoring.diff import diff_specs, diff_to_dict, format_diff
    from techspec.errors import UsageError
    from techspec.service.workflow import changes_since_my_approval
    from techspec.store import revisions as store_revisions

    if len(revisions) > 2 or (since_my_approval and revisions):
        raise UsageError("give two revisions, one revision, or --since-my-approval")
    store = open_store_at(db)
    if since_my_approval:
        if not user:
            raise UsageError("--since-my-approval needs --as USER")
        # the content changes only, as the web shows beside a stale approval
        old, new, found = changes_since_my_approval(store, acting(store, user), spec)
    elif not revisions:
        raise UsageError("give REV1 [REV2] or --since-my-approval")
    else:
        old = store_revisions.get_revision(store, spec, revisions[0])
        new = store_revisions.get_revision(
            store, spec, revisions[1] if len(revisions) == 2 else None
        )
        found = diff_specs(old.text, new.text)
    store.close()
    if fmt == "json":
        print_json({"spec": spec, "old": old.number, "new": new.number, **diff_to_dict(found)})
        return
    click.echo(
        format_diff(found, old_label=f"{spec} r{old.number}", new_label=f"{spec} r{new.number}"),
        nl=False,
    )


# -- workflow ----------------------------------------------------------------------------
