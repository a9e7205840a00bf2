"""Store and workflow commands: ``import``, ``export``, ``list``, ``search``, ``history``,
``diff``, ``submit``/``approve``/``request-changes``/``implement``, ``user``, ``audit``,
``db``, ``backup``/``restore``.

Only click is imported here at module level; each command imports the store (and so
SQLAlchemy) when it runs, so ``techspec --version`` and ``techspec lint`` stay fast.
Every command opens the store named by ``--db`` or ``$TECHSPEC_DATABASE_URL``
(default ``sqlite:///techspec.db``), calls one library function and prints the result.
Errors become one line on stderr and the error's exit code: 1 unmet gates, 2 bad input
(unknown spec or user, bad or unreachable database), 3 conflict, 4 not allowed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import click

if TYPE_CHECKING:
    from techspec.store.engine import Store
    from techspec.store.search import Filters, Listed
    from techspec.store.users import User
    from techspec.template import Template

P = ParamSpec("P")
R = TypeVar("R")


def _reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """One clear line and the error's exit code for library and database errors."""

    @wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from techspec.errors import TechspecError

        try:
            return command(*args, **kwargs)
        except TechspecError as error:
            click.echo(f"techspec: {error}", err=True)
            for line in getattr(error, "details", lambda: [])():
                click.echo(f"  {line}", err=True)
            sys.exit(error.exit_code)
        except Exception as error:
            if not type(error).__module__.startswith(("sqlalchemy", "psycopg", "sqlite3")):
                raise
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()
            click.echo(f"techspec: database error: {reason[0] if reason else error}", err=True)
            sys.exit(2)

    return wrapper


def _db(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        "db",
        metavar="URL",
        envvar="TECHSPEC_DATABASE_URL",
        help="Database URL (default sqlite:///techspec.db; postgresql+psycopg://...).",
    )(command)


def _as(required: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--as",
        "user",
        metavar="USER",
        required=required,
        envvar="TECHSPEC_USER",
        help="The user doing this.",
    )


def _format(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
    )(command)


def _open(db: str | None) -> Store:
    from techspec.store.engine import open_store

    return open_store(db)


def _user(store: Store, name: str) -> User:
    from techspec.store.users import find_user

    return find_user(store, name)


def _json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


# -- db ----------------------------------------------------------------------------------


@click.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@_db
@_reports_errors
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
@_as(False)
@click.option("--message", "-m", default="", help="Revision message.")
@click.option("--template", type=click.Path(path_type=Path), help="Template file.")
@click.option("--git", "repo", metavar="REPO", help="Import the specs' history from git REPO.")
@click.option("--path", "glob", metavar="GLOB", help="With --git: files to import (**/*.md).")
@_db
@_reports_errors
def import_command(
    paths: tuple[str, ...],
    user: str | None,
    message: str,
    template: Path | None,
    repo: str | None,
    glob: str | None,
    db: str | None,
) -> None:
    """Import spec files (or directories of them).  A spec is named by its file stem;
    the same bytes again add nothing.  Exit 1 when a file was skipped.

    With --git REPO, every commit on the first-parent line of REPO's HEAD that changed
    a spec becomes a revision with the commit's author, date and message; running it
    again adds only new commits."""
    from techspec.batch import load_template
    from techspec.errors import UsageError
    from techspec.store.importer import collect, import_paths

    compiled = load_template(template) if template is not None else None
    if repo is not None or glob is not None:
        if repo is None or paths or message:
            raise UsageError("give --git REPO [--path GLOB], without PATH... or --message")
        _import_git(repo, glob, compiled, db)
        return
    if not paths:
        raise UsageError("give PATH... or --git REPO")
    store = _open(db)
    author = _user(store, user) if user else None
    files = collect(paths)
    if sys.stdout.isatty() and len(files) >= 10:
        with click.progressbar(length=len(files), label="Importing") as bar:
            results = import_paths(
                store,
                [str(f) for f in files],
                author=author,
                template=compiled,
                message=message,
                progress=lambda _path: bar.update(1),
            )
    else:
        results = import_paths(
            store, [str(f) for f in files], author=author, template=compiled, message=message
        )
    counts = {"created": 0, "revised": 0, "unchanged": 0, "skipped": 0}
    for result in results:
        counts[result.outcome] += 1
        if result.outcome == "skipped":
            click.echo(f"techspec: skipped {result.path}: {result.reason}", err=True)
        else:
            note = f" ({result.reason})" if result.reason else ""
            click.echo(f"{result.outcome:<9} {result.slug} r{result.revision}{note}")
    click.echo(", ".join(f"{n} {k}" for k, n in counts.items()))
    store.close()
    sys.exit(1 if counts["skipped"] else 0)


def _import_git(repo: str, glob: str | None, template: Template | None, db: str | None) -> None:
    from techspec.store.git_import import DEFAULT_GLOB, import_git

    store = _open(db)
    try:
        results = import_git(store, repo, glob or DEFAULT_GLOB, template=template)
    finally:
        store.close()
    counts = {"created": 0, "revised": 0, "unchanged": 0, "skipped": 0}
    for result in results:
        counts[result.outcome] += 1
        if result.outcome == "skipped":
            click.echo(f"techspec: skipped {result.path}: {result.reason}", err=True)
        else:
            click.echo(f"{result.outcome:<9} {result.slug} r{result.revision} {result.commit[:12]}")
    click.echo(", ".join(f"{n} {k}" for k, n in counts.items()))
    sys.exit(1 if counts["skipped"] else 0)


@click.command("export")
@click.argument("directory", type=click.Path(path_type=Path))
@_db
@_reports_errors
def export_command(directory: Path, db: str | None) -> None:
    """Write each spec's current revision to DIRECTORY/NAME.md, byte for byte."""
    from techspec.store.importer import export_dir

    store = _open(db)
    written = export_dir(store, directory)
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


def _print_listed(found: list[Listed], fmt: str) -> None:
    if fmt == "json":
        _json([item.to_dict() for item in found])
        return
    for item in found:
        counts = f"{item.errors}E {item.warnings}W {item.open_tasks} open"
        click.echo(
            f"{item.slug:<32} r{item.revision:<4} {item.status or '-':<12} {counts:<18} "
            f"{item.title or '(no title)'}"
        )
        if item.snippet:
            click.echo(f"    {' '.join(item.snippet.split())}")


@click.command("list")
@_filters
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0)
@_format
@_db
@_reports_errors
def list_command(limit: int, offset: int, fmt: str, db: str | None, **given: Any) -> None:
    """List stored specs, most recently updated first."""
    from techspec.store.search import list_specs

    store = _open(db)
    _print_listed(list_specs(store, _make_filters(**given), limit=limit, offset=offset), fmt)
    store.close()


@click.command("search")
@click.argument("query")
@_filters
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@_format
@_db
@_reports_errors
def search_command(query: str, limit: int, fmt: str, db: str | None, **given: Any) -> None:
    """Full-text search, best match first, with a snippet of each."""
    from techspec.store.search import search

    store = _open(db)
    _print_listed(search(store, query, _make_filters(**given), limit=limit), fmt)
    store.close()


@click.command("history")
@click.argument("spec")
@_format
@_db
@_reports_errors
def history_command(spec: str, fmt: str, db: str | None) -> None:
    """Every revision of SPEC, oldest first."""
    from techspec.store.clock import iso
    from techspec.store.revisions import history

    store = _open(db)
    found = history(store, spec)
    store.close()
    if fmt == "json":
        _json(
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
@_db
@_reports_errors
def cat_command(spec: str, revision: int | None, db: str | None) -> None:
    """Print a revision's Markdown (the current one by default)."""
    from techspec.store.revisions import get_revision

    store = _open(db)
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
@_as(False)
@_format
@_db
@_reports_errors
def diff_command(
    spec: str,
    revisions: tuple[int, ...],
    since_my_approval: bool,
    user: str | None,
    fmt: str,
    db: str | None,
) -> None:
    """Section-aware diff: SPEC REV1 REV2, SPEC REV1 (to current), or --since-my-approval."""
    from techspec.diff import diff_specs, diff_to_dict, format_diff
    from techspec.errors import UsageError
    from techspec.store import revisions as store_revisions
    from techspec.store.workflow import approved_text

    if len(revisions) > 2 or (since_my_approval and revisions):
        raise UsageError("give two revisions, one revision, or --since-my-approval")
    store = _open(db)
    if since_my_approval:
        if not user:
            raise UsageError("--since-my-approval needs --as USER")
        old, new = approved_text(store, spec, _user(store, user))
    elif not revisions:
        raise UsageError("give REV1 [REV2] or --since-my-approval")
    else:
        old = store_revisions.get_revision(store, spec, revisions[0])
        new = store_revisions.get_revision(
            store, spec, revisions[1] if len(revisions) == 2 else None
        )
    store.close()
    found = diff_specs(old.text, new.text)
    if fmt == "json":
        _json({"spec": spec, "old": old.number, "new": new.number, **diff_to_dict(found)})
        return
    click.echo(
        format_diff(found, old_label=f"{spec} r{old.number}", new_label=f"{spec} r{new.number}"),
        nl=False,
    )


# -- workflow ----------------------------------------------------------------------------


def _print_outcome(outcome: Any) -> None:
    state = "" if outcome.changed else " (nothing to do)"
    click.echo(f"{outcome.slug}: {outcome.status} at r{outcome.revision}{state}")
    for note in outcome.notes:
        click.echo(f"  {note}")
    if outcome.pending_roles:
        click.echo(f"  waiting for: {', '.join(outcome.pending_roles)}")
    for gate in outcome.gates:
        click.echo(f"  unmet: {gate}")


@click.command("submit")
@click.argument("spec")
@_as(True)
@click.option("--comment", default="")
@_db
@_reports_errors
def submit_command(spec: str, user: str, comment: str, db: str | None) -> None:
    """Draft -> Review, when the spec lints without errors at Review."""
    from techspec.store.workflow import submit

    store = _open(db)
    _print_outcome(submit(store, spec, _user(store, user), comment))
    store.close()


def _decision_role(store: Store, user: User, role: str | None, spec: str) -> str:
    from techspec.errors import UsageError
    from techspec.store.revisions import get_spec, template_of
    from techspec.writeback import signoff_roles

    if role:
        return role
    with store.read() as connection:
        template = template_of(connection, get_spec(store, spec))
    held = [r for r in signoff_roles(template) if user.has_role(r)]
    if len(held) != 1:
        raise UsageError(f"give --role: {user.name} holds {len(held)} sign-off roles")
    return held[0]


@click.command("approve")
@click.argument("spec")
@_as(True)
@click.option("--role", help="The sign-off role (default: the only one you hold).")
@click.option("--comment", default="")
@_db
@_reports_errors
def approve_command(spec: str, user: str, role: str | None, comment: str, db: str | None) -> None:
    """Approve SPEC's current content for a role; Approved once every role has."""
    from techspec.store.workflow import approve

    store = _open(db)
    actor = _user(store, user)
    _print_outcome(approve(store, spec, actor, _decision_role(store, actor, role, spec), comment))
    store.close()


@click.command("request-changes")
@click.argument("spec")
@_as(True)
@click.option("--role", help="The sign-off role (default: the only one you hold).")
@click.option("--comment", default="")
@_db
@_reports_errors
def request_changes_command(
    spec: str, user: str, role: str | None, comment: str, db: str | None
) -> None:
    """Review -> Draft: ask for changes for a role."""
    from techspec.store.workflow import request_changes

    store = _open(db)
    actor = _user(store, user)
    _print_outcome(
        request_changes(store, spec, actor, _decision_role(store, actor, role, spec), comment)
    )
    store.close()


@click.command("implement")
@click.argument("spec")
@_as(True)
@click.option("--comment", default="")
@_db
@_reports_errors
def implement_command(spec: str, user: str, comment: str, db: str | None) -> None:
    """Approved -> Implemented, when every success criterion and task is checked."""
    from techspec.store.workflow import implement

    store = _open(db)
    _print_outcome(implement(store, spec, _user(store, user), comment))
    store.close()


@click.command("approvals")
@click.argument("spec")
@_format
@_db
@_reports_errors
def approvals_command(spec: str, fmt: str, db: str | None) -> None:
    """Every approval decision on SPEC, marked current or stale."""
    from techspec.store.approvals import for_spec
    from techspec.store.clock import iso
    from techspec.store.revisions import get_spec

    store = _open(db)
    record = get_spec(store, spec)
    found = for_spec(store, record.id, record.content_hash)
    store.close()
    if fmt == "json":
        _json(
            [
                {
                    "role": a.role,
                    "reviewer": a.reviewer,
                    "decision": a.decision,
                    "revision": a.revision,
                    "content_hash": a.content_hash,
                    "current": a.current,
                    "at": iso(a.created_at),
                    "comment": a.comment,
                }
                for a in found
            ]
        )
        return
    for a in found:
        state = "current" if a.current else "stale"
        click.echo(f"r{a.revision:<4} {a.role:<16} {a.reviewer:<12} {a.decision:<16} {state}")


# -- users -------------------------------------------------------------------------------


@click.group("user")
def user_group() -> None:
    """Users, roles and API tokens."""


@user_group.command("add")
@click.argument("name")
@click.option("--role", "roles", multiple=True, help="A role (repeatable).")
@_db
@_reports_errors
def user_add(name: str, roles: tuple[str, ...], db: str | None) -> None:
    """Add a user with roles (e.g. --role 'Security Lead')."""
    from techspec.store.users import add_user

    store = _open(db)
    user = add_user(store, name, list(roles))
    store.close()
    click.echo(f"added user {user.name}" + (f" ({', '.join(user.roles)})" if user.roles else ""))


@user_group.command("list")
@_db
@_reports_errors
def user_list(db: str | None) -> None:
    """List users and their roles."""
    from techspec.store.users import list_users

    store = _open(db)
    for user in list_users(store):
        click.echo(f"{user.name:<20} {', '.join(user.roles)}")
    store.close()


@user_group.command("token")
@click.argument("name")
@click.option("--label", default="")
@_db
@_reports_errors
def user_token(name: str, label: str, db: str | None) -> None:
    """Make an API token for NAME; it is shown once and stored only as a hash."""
    from techspec.store.users import create_token

    store = _open(db)
    click.echo(create_token(store, name, label))
    store.close()


# -- audit, backup -----------------------------------------------------------------------


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident audit log."""


@audit_group.command("verify")
@_db
@_reports_errors
def audit_verify(db: str | None) -> None:
    """Check the hash chain: OK, or the first broken event (exit 1)."""
    from techspec.store.audit import verify

    store = _open(db)
    result = verify(store)
    store.close()
    click.echo(str(result))
    sys.exit(0 if result.ok else 1)


@audit_group.command("log")
@click.option("--spec", help="Only events of this spec.")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
@_format
@_db
@_reports_errors
def audit_log(spec: str | None, limit: int, fmt: str, db: str | None) -> None:
    """The latest audit events, oldest first."""
    from techspec.store.audit import events
    from techspec.store.clock import iso
    from techspec.store.revisions import get_spec

    store = _open(db)
    spec_id = get_spec(store, spec).id if spec else None
    found = events(store, spec_id=spec_id, limit=limit)
    store.close()
    if fmt == "json":
        _json(
            [
                {
                    "seq": e.seq,
                    "at": iso(e.at),
                    "actor": e.actor,
                    "action": e.action,
                    "spec_id": e.spec_id,
                    "revision": e.revision,
                    "details": e.details,
                    "hash": e.hash,
                }
                for e in found
            ]
        )
        return
    for e in found:
        click.echo(
            f"{e.seq:>6} {iso(e.at)[:19]} {e.actor or '-':<12} {e.action:<24} "
            f"{json.dumps(e.details, ensure_ascii=False)}"
        )


@click.command("backup")
@click.argument("file", type=click.Path(path_type=Path))
@_db
@_reports_errors
def backup_command(file: Path, db: str | None) -> None:
    """Back up the whole store to FILE (SQLite backup API or pg_dump)."""
    from techspec.store.backup import backup

    store = _open(db)
    backup(store, file)
    store.close()
    click.echo(f"backed up to {file}")


@click.command("restore")
@click.argument("file", type=click.Path(path_type=Path))
@_as(False)
@_db
@_reports_errors
def restore_command(file: Path, user: str | None, db: str | None) -> None:
    """Replace the store's contents with the backup FILE."""
    from techspec.store.backup import restore

    store = _open(db)
    restore(store, file, actor=user)
    store.close()
    click.echo(f"restored from {file}")


@click.command("delete")
@click.argument("spec")
@_as(True)
@_db
@_reports_errors
def delete_command(spec: str, user: str, db: str | None) -> None:
    """Soft-delete SPEC: hidden from lists, its history and audit trail kept."""
    from techspec.store.revisions import soft_delete

    store = _open(db)
    soft_delete(store, spec, actor=_user(store, user))
    store.close()
    click.echo(f"deleted {spec}")


COMMANDS: tuple[click.Command, ...] = (
    db_group,
    import_command,
    export_command,
    list_command,
    search_command,
    history_command,
    cat_command,
    diff_command,
    submit_command,
    approve_command,
    request_changes_command,
    implement_command,
    approvals_command,
    user_group,
    audit_group,
    backup_command,
    restore_command,
    delete_command,
)


def register(group: click.Group) -> None:
    """Add the store commands to the ``techspec`` group."""
    for command in COMMANDS:
        group.add_command(command)
