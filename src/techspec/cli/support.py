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
    from techspec.store.engine import open_store

    return open_store(db)


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
