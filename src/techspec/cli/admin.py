"""Administration commands: ``user``, ``audit``, ``backup``/``restore``, ``delete``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

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
    pass


@click.group("user")
def user_group() -> None:
    """Users, roles and API tokens."""


@user_group.command("add")
@click.argument("name")
@click.option("--role", "roles", multiple=True, help="A role (repeatable).")
@click.option("--email", help="The address techspec mails (review requests, mentions).")
@click.option("--display-name", help="Another name a spec's Reviewers field may use.")
@db_option
@reports_errors
def user_add(
    name: str, roles: tuple[str, ...], email: str | None, display_name: str | None, db: str | None
) -> None:
    """Add a user with roles (e.g. --role 'Security Lead')."""
    from techspec.service.permissions import CONSOLE
    from techspec.service.profiles import UNSET, email_address, set_profile
    from techspec.service.users import add_user

    if email:
        email_address(email)  # a bad address is refused before the user is made
    store = open_store_at(db)
    try:
        user = add_user(store, CONSOLE, name, list(roles))
        if email or display_name:
            set_profile(
                store, CONSOLE, name, email=email or UNSET, display_name=display_name or UNSET
            )
    finally:
        store.close()
    click.echo(f"added user {user.name}" + (f" ({', '.join(user.roles)})" if user.roles else ""))


@user_group.command("list")
@db_option
@reports_errors
def user_list(db: str | None) -> None:
    """List users and their roles."""
    from techspec.service.permissions import CONSOLE
    from techspec.service.users import list_users

    store = open_store_at(db)
    for user in list_users(store, CONSOLE):
        click.echo(f"{user.name:<20} {', '.join(user.roles)}")
    store.close()


@user_group.command("token")
@click.argument("name")
@click.option("--label", default="")
@db_option
@reports_errors
def user_token(name: str, label: str, db: str | None) -> None:
    """Make an API token for NAME; it is shown once and stored only as a hash."""
    from techspec.service.permissions import CONSOLE
    from techspec.service.users import create_token

    store = open_store_at(db)
    click.echo(create_token(store, CONSOLE, name, label))
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
    from techspec.service.audit import verify
    from techspec.service.permissions import CONSOLE

    store = open_store_at(db)
    result = verify(store, CONSOLE)
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
    from techspec.service.audit import events
    from techspec.service.permissions import CONSOLE
    from techspec.store.clock import iso

    store = open_store_at(db)
    found = events(store, CONSOLE, spec=spec, limit=limit)
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
@override_option
@db_option
@reports_errors
def delete_command(spec: str, user: str, override: bool, db: str | None) -> None:
    """Soft-delete SPEC: hidden from lists, its history and audit trail kept."""
    from techspec.service.specs import delete

    store = open_store_at(db)
    delete(store, acting(store, user), spec, override=override)
    store.close()
    click.echo(f"deleted {spec}")
