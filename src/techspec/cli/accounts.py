"""``techspec user deactivate NAME`` and ``techspec user reactivate NAME``: what the admin
page's buttons do, for a script that follows people leaving the directory.

Only click is imported at module level; the store loads when the command runs.
"""

from __future__ import annotations

import click

from techspec.cli.support import db_option, open_store_at, reports_errors


@click.command("deactivate")
@click.argument("name")
@db_option
@reports_errors
def deactivate_command(name: str, db: str | None) -> None:
    """Deactivate NAME: every session and API token ends at once and no sign-in works."""
    from techspec.service import identity
    from techspec.service.permissions import CONSOLE

    store = open_store_at(db)
    try:
        identity.deactivate(store, CONSOLE, name)
    finally:
        store.close()
    click.echo(f"{name} is deactivated: their sessions and API tokens have ended")


@click.command("reactivate")
@click.argument("name")
@db_option
@reports_errors
def reactivate_command(name: str, db: str | None) -> None:
    """Let NAME sign in again (their old tokens stay revoked)."""
    from techspec.service import identity
    from techspec.service.permissions import CONSOLE

    store = open_store_at(db)
    try:
        identity.reactivate(store, CONSOLE, name)
    finally:
        store.close()
    click.echo(f"{name} may sign in again")


def register(group: click.Group) -> None:
    """Add ``deactivate`` and ``reactivate`` to the ``user`` group of ``group``."""
    users = group.commands.get("user")
    if not isinstance(users, click.Group):
        raise RuntimeError("register the store commands (the 'user' group) first")
    users.add_command(deactivate_command)
    users.add_command(reactivate_command)
