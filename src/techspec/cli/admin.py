"""Administration commands: ``user``, ``audit``, ``backup``/``restore``, ``delete``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from techspec.cli.support import (
    as_option,
    db_option,
    find_user,
    format_option,
    open_store_at,
    print_json,
    reports_errors,
)

if TYPE_CHECKING:
    pass


@click.group("user")
def user_group() -> None:
    """Users, roles and API tokens."""


@user_group.command("add")
@click.argument("name")
@click.option("--role", "roles", multiple=True, help="A role (repeatable).")
@db_option
@reports_errors
def user_add(name: str, roles: tuple[str, ...], db: str | None) -> None:
    """Add a user with roles (e.g. --role 'Security Lead')."""
    from techspec.store.users import add_user

    store = open_store_at(db)
    user = add_user(store, name, list(roles))
    store.close()
    click.echo(f"added user {user.name}" + (f" ({', '.join(user.roles)})" if user.roles else ""))


@user_group.command("list")
@db_option
@reports_errors
def user_list(db: str | None) -> None:
    """List users and their roles."""
    from techspec.store.users import list_users

    store = open_store_at(db)
    for user in list_users(store):
        click.echo(f"{user.name:<20} {', '.join(user.roles)}")
    store.close()


@user_group.command("token")
@click.argument("name")
@click.option("--label", default="")
@db_option
@reports_errors
def user_token(name: str, label: str, db: str | None) -> None:
    """Make an API token for NAME; it is shown once and stored only as a hash."""
    from techspec.store.users import create_token

    store = open_store_at(db)
    click.echo(create_token(store, name, label))
    store.close()


# -- audit, backup -----------------------------------------------------------------------


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident audit log."""


@audit_group.command("verify")
@db_option
@reports_errors
def audit_verify(db: str | None) -> None:
    """Check the hash chain: OK, or the first broken event (exit 1)."""
    from techspec.store.audit import verify

    store = open_store_at(db)
    result = verify(store)
    store.close()
    click.echo(str(result))
    sys.exit(0 if result.ok else 1)


@audit_group.command("log")
@click.option("--spec", help="Only events of this spec.")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
@format_option
@db_option
@reports_errors
def audit_log(spec: str | None, limit: int, fmt: str, db: str | None) -> None:
    """The latest audit events, oldest first."""
    from techspec.store.audit import events
    from techspec.store.clock import iso
    from techspec.store.revisions import get_spec

    store = open_store_at(db)
    spec_id = get_spec(store, spec).id if spec else None
    found = events(store, spec_id=spec_id, limit=limit)
    store.close()
    if fmt == "json":
        print_json(
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
@db_option
@reports_errors
def backup_command(file: Path, db: str | None) -> None:
    """Back up the whole store to FILE (SQLite backup API or pg_dump)."""
    from techspec.store.backup import backup

    store = open_store_at(db)
    backup(store, file)
    store.close()
    click.echo(f"backed up to {file}")


@click.command("restore")
@click.argument("file", type=click.Path(path_type=Path))
@as_option(False)
@db_option
@reports_errors
def restore_command(file: Path, user: str | None, db: str | None) -> None:
    """Replace the store's contents with the backup FILE."""
    from techspec.store.backup import restore

    store = open_store_at(db)
    restore(store, file, actor=user)
    store.close()
    click.echo(f"restored from {file}")


@click.command("delete")
@click.argument("spec")
@as_option(True)
@db_option
@reports_errors
def delete_command(spec: str, user: str, db: str | None) -> None:
    """Soft-delete SPEC: hidden from lists, its history and audit trail kept."""
    from techspec.store.revisions import soft_delete

    store = open_store_at(db)
    soft_delete(store, spec, actor=find_user(store, user))
    store.close()
    click.echo(f"deleted {spec}")
