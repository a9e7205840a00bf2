"""``techspec user passwd USER`` sets the password a user signs in to the web UI with;
``techspec user signout USER`` ends every web session they have.

Only click is imported at module level; the store and argon2 load when the command runs.
"""

from __future__ import annotations

import sys

import click

from techspec.cli.support import db_option, open_store_at, reports_errors


@click.command("passwd")
@click.argument("name")
@click.option(
    "--password-stdin",
    "from_stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (for scripts).",
)
@click.option("--generate", is_flag=True, help="Make a random password and print it once.")
@db_option
@reports_errors
def passwd_command(name: str, from_stdin: bool, generate: bool, db: str | None) -> None:
    """Set NAME's web sign-in password (prompted twice unless given another way).

    Setting a password signs the user out of every browser."""
    from techspec.service.passwords import check_strength
    from techspec.service.passwords import generate as make_password
    from techspec.service.permissions import CONSOLE
    from techspec.service.users import set_password

    if from_stdin and generate:
        raise click.UsageError("give --password-stdin or --generate, not both")
    if generate:
        password = make_password()
    elif from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            f"New password for {name}", hide_input=True, confirmation_prompt=True
        )
    check_strength(password)
    store = open_store_at(db)
    try:
        user = set_password(store, CONSOLE, name, password)
    finally:
        store.close()
    click.echo(f"password set for {user.name}", err=generate)
    if generate:
        click.echo(password)


@click.command("signout")
@click.argument("name")
@db_option
@reports_errors
def signout_command(name: str, db: str | None) -> None:
    """Sign NAME out of the web UI in every browser, at once (their password stays)."""
    from techspec.service.permissions import CONSOLE
    from techspec.service.users import revoke_sessions

    store = open_store_at(db)
    try:
        count = revoke_sessions(store, CONSOLE, name)
    finally:
        store.close()
    click.echo(f"signed {name} out of {count} session{'' if count == 1 else 's'}")


def register(group: click.Group) -> None:
    """Add ``passwd`` and ``signout`` to the ``user`` group of ``group`` (made by the
    store commands)."""
    users = group.commands.get("user")
    if not isinstance(users, click.Group):
        raise RuntimeError("register the store commands (the 'user' group) first")
    users.add_command(passwd_command)
    users.add_command(signout_command)
