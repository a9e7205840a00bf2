"""What every command module shares: one error translation, the common options.

Only click is imported at module level, so command modules can use these and still
leave ``techspec --version`` fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import click

if TYPE_CHECKING:
    from techspec.service.permissions import Actor
    from techspec.store.engine import Store
    from techspec.store.users import User

P = ParamSpec("P")
R = TypeVar("R")


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """One clear line and the error's exit code for library and database errors."""

    @wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from techspec.errors import TechspecError

        try:
            return command(*args, **kwargs)
        except TechspecError as error:
            _remove_created_databases()
            hint = f" ({_pasteable(error.hint)})" if error.hint else ""
            click.echo(f"techspec: {error}{hint}", err=True)
            for line in getattr(error, "details", lambda: [])():
                click.echo(f"  {line}", err=True)
            sys.exit(error.exit_code)
        except Exception as error:
            if not type(error).__module__.startswith(("sqlalchemy", "psycopg", "sqlite3")):
                raise
            _remove_created_databases()
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()
            click.echo(f"techspec: database error: {reason[0] if reason else error}", err=True)
            sys.exit(2)

    return wrapper


def db_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        "db",
        metavar="URL",
        envvar="TECHSPEC_DATABASE_URL",
        help="Database URL (default sqlite:///techspec.db; postgresql+psycopg://...).",
    )(command)


def as_option(required: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--as",
        "user",
        metavar="USER",
        required=required,
        envvar="TECHSPEC_USER",
        help="The user doing this.",
    )


def format_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
    )(command)


def open_store_at(db: str | None) -> Store:
    """The store at ``--db`` (or ``$TECHSPEC_DATABASE_URL``, or ``techspec.db``).  A
    SQLite file this opening creates is removed again when the command fails (see
    :func:`reports_errors`): a mistyped user name must not leave an empty database
    behind for the next command to find."""
    from techspec.store.engine import open_store

    created = _new_sqlite_file(db)
    store = open_store(db)
    context = click.get_current_context(silent=True)
    if created is not None and context is not None:
        context.meta.setdefault(_CREATED, []).append((store, created))
    return store


_CREATED = "techspec.created_databases"


def _new_sqlite_file(db: str | None) -> str | None:
    """The path of the SQLite file ``db`` names when it does not exist yet."""
    import os

    import sqlalchemy as sa

    from techspec.store.database import database_url

    try:
        parsed = sa.make_url(database_url(db))
    except Exception:  # the store reports a bad URL itself
        return None
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return None if os.path.exists(parsed.database) else parsed.database


def _remove_created_databases() -> None:
    """After a failed command: delete the SQLite files it created (and their WAL)."""
    import contextlib
    import os

    context = click.get_current_context(silent=True)
    if context is None:
        return
    for store, path in context.meta.pop(_CREATED, []):
        empty = _holds_nothing(store)
        store.close()
        if not empty:
            continue  # written to before the failure: keep what was written
        for suffix in ("", "-wal", "-shm", ".secret"):
            with contextlib.suppress(OSError):
                os.unlink(path + suffix)


def _holds_nothing(store: Store) -> bool:
    import sqlalchemy as sa

    from techspec.store.schema import audit_events, specs, users

    try:
        with store.read() as connection:
            return all(
                connection.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 0
                for table in (specs, users, audit_events)
            )
    except Exception:
        return False


def _pasteable(hint: str) -> str:
    """A hint that ends in a command gets the ``--db`` this command was given."""
    context = click.get_current_context(silent=True)
    db = context.params.get("db") if context is not None else None
    if "techspec " not in hint or not isinstance(db, str):
        return hint
    return command_hint(hint, db)


def command_hint(command: str, db: str | None) -> str:
    """``command`` as a person can paste it: with ``--db URL`` when the store is not
    the default one and the URL came from ``--db`` (the environment gives it again)."""
    if db is None or not _given_on_command_line("db"):
        return command
    return f"{command} --db {db}"


def _given_on_command_line(name: str) -> bool:
    from click.core import ParameterSource

    context = click.get_current_context(silent=True)
    if context is None:
        return True
    return context.get_parameter_source(name) is ParameterSource.COMMANDLINE


def find_user(store: Store, name: str) -> User:
    from techspec.store.users import find_user

    return find_user(store, name)


def acting(store: Store, name: str | None) -> Actor:
    """The user named by ``--as``, with that user's permissions; without it, the
    console (whoever holds the database: see :mod:`techspec.service.permissions`)."""
    from techspec.service.permissions import CONSOLE

    return CONSOLE if name is None else find_user(store, name)


def override_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--override",
        is_flag=True,
        help="Act on a spec that is not the --as user's, with the console's authority "
        "(recorded in the audit log as an override).",
    )(command)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))
