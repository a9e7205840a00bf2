"""Workflow commands: ``submit``, ``approve``, ``request-changes``, ``implement``,
``approvals``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
    from techspec.store.engine import Store
    from techspec.store.users import User


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
@db_option
@reports_errors
def submit_command(spec: str, user: str, comment: str, db: str | None) -> None:
    """Draft -> Review, when the spec lints without errors at Review."""
    from techspec.store.workflow import submit

    store = open_store_at(db)
    _print_outcome(submit(store, spec, find_user(store, user), comment))
    store.close()


def _decision_role(store: Store, user: User, role: str | None, spec: str) -> str:
    from techspec.authoring.writeback import signoff_roles
    from techspec.errors import UsageError
    from techspec.store.revisions import get_spec, template_of

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
@as_option(True)
@click.option("--role", help="The sign-off role (default: the only one you hold).")
@click.option("--comment", default="")
@db_option
@reports_errors
def approve_command(spec: str, user: str, role: str | None, comment: str, db: str | None) -> None:
    """Approve SPEC's current content for a role; Approved once every role has."""
    from techspec.store.workflow import approve

    store = open_store_at(db)
    actor = find_user(store, user)
    _print_outcome(approve(store, spec, actor, _decision_role(store, actor, role, spec), comment))
    store.close()


@click.command("request-changes")
@click.argument("spec")
@as_option(True)
@click.option("--role", help="The sign-off role (default: the only one you hold).")
@click.option("--comment", default="")
@db_option
@reports_errors
def request_changes_command(
    spec: str, user: str, role: str | None, comment: str, db: str | None
) -> None:
    """Review -> Draft: ask for changes for a role."""
    from techspec.store.workflow import request_changes

    store = open_store_at(db)
    actor = find_user(store, user)
    _print_outcome(
        request_changes(store, spec, actor, _decision_role(store, actor, role, spec), comment)
    )
    store.close()


@click.command("implement")
@click.argument("spec")
@as_option(True)
@click.option("--comment", default="")
@db_option
@reports_errors
def implement_command(spec: str, user: str, comment: str, db: str | None) -> None:
    """Approved -> Implemented, when every success criterion and task is checked."""
    from techspec.store.workflow import implement

    store = open_store_at(db)
    _print_outcome(implement(store, spec, find_user(store, user), comment))
    store.close()


@click.command("approvals")
@click.argument("spec")
@format_option
@db_option
@reports_errors
def approvals_command(spec: str, fmt: str, db: str | None) -> None:
    """Every approval decision on SPEC, marked current or stale."""
    from techspec.store.approvals import for_spec
    from techspec.store.clock import iso
    from techspec.store.revisions import get_spec

    store = open_store_at(db)
    record = get_spec(store, spec)
    found = for_spec(store, record.id, record.content_hash)
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
