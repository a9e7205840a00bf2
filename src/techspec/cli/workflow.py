"""Workflow commands: ``submit``, ``approve``, ``request-changes``, ``implement``,
``approvals``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

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
    from techspec.service.workflow import Decision


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
@as_option(True)
@click.option("--comment", default="")
@click.option(
    "--due",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The date the requested reviews are due (YYYY-MM-DD).",
)
@override_option
@db_option
@reports_errors
def submit_command(
    spec: str, user: str, comment: str, due: datetime | None, override: bool, db: str | None
) -> None:
    """Draft -> Review, when the spec lints without errors at Review; reviews are
    requested from the Reviewers field's users and the sign-off roles' holders."""
    from techspec.service.workflow import submit

    store = open_store_at(db)
    try:
        day = due.date() if due is not None else None
        _print_outcome(
            submit(store, acting(store, user), spec, comment, override=override, due=day)
        )
    finally:
        store.close()


def _decision(name: str) -> Callable[[Callable[..., None]], click.Command]:
    """A reviewer's command: SPEC, ``--as``, ``--role`` and ``--comment``."""

    def make(command: Callable[..., None]) -> click.Command:
        for option in (
            reports_errors,
            db_option,
            click.option("--comment", default=""),
            click.option(
                "--revision",
                "-r",
                type=click.IntRange(1),
                help="The revision you read (default: the current one, whose content hash "
                "is printed); refused if the content changed since.",
            ),
            click.option("--role", help="The sign-off role (default: the only one you hold)."),
            as_option(True),
            click.argument("spec"),
        ):
            command = option(command)
        return click.command(name)(command)

    return make


def _decide(
    decision: Decision,
    spec: str,
    user: str,
    role: str | None,
    revision: int | None,
    comment: str,
    db: str | None,
) -> None:
    from techspec.service.specs import current
    from techspec.service.workflow import decide
    from techspec.store.seen import Seen

    store = open_store_at(db)
    read = current(store, spec, revision).revision
    click.echo(f"{spec}: deciding on revision {read.number}, content sha256:{read.content_hash}")
    seen = Seen(number=read.number)
    _print_outcome(decide(store, acting(store, user), spec, decision, role, comment, seen=seen))
    store.close()


@_decision("approve")
def approve_command(
    spec: str, user: str, role: str | None, revision: int | None, comment: str, db: str | None
) -> None:
    """Approve SPEC's content for a role; Approved once every role has."""
    _decide("approve", spec, user, role, revision, comment, db)


@_decision("request-changes")
def request_changes_command(
    spec: str, user: str, role: str | None, revision: int | None, comment: str, db: str | None
) -> None:
    """Review -> Draft: ask for changes for a role."""
    _decide("request_changes", spec, user, role, revision, comment, db)


@click.command("implement")
@click.argument("spec")
@as_option(True)
@click.option("--comment", default="")
@override_option
@db_option
@reports_errors
def implement_command(spec: str, user: str, comment: str, override: bool, db: str | None) -> None:
    """Approved -> Implemented, when every success criterion and task is checked."""
    from techspec.service.workflow import implement

    store = open_store_at(db)
    _print_outcome(implement(store, acting(store, user), spec, comment, override=override))
    store.close()


@click.command("approvals")
@click.argument("spec")
@as_option(False)
@format_option
@db_option
@reports_errors
def approvals_command(spec: str, user: str | None, fmt: str, db: str | None) -> None:
    """Every approval decision on SPEC, marked current or stale."""
    from techspec.service.workflow import approvals_of
    from techspec.store.clock import iso

    store = open_store_at(db)
    found = approvals_of(store, acting(store, user), spec)
    store.close()
    if fmt == "json":
        print_json(
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
