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
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A signed checkpoint kept outside (a witness's, a git repository's): prove the "
    "log is a consistent extension of it.",
)
@click.option(
    "--key",
    "key_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Public keys to check signatures with (the key document of 'techspec key show' "
    "or a PEM key); default: the server's keyring.",
)
@db_option
@reports_errors
def audit_verify(checkpoint_file: Path | None, key_file: Path | None, db: str | None) -> None:
    """Re-hash every event and revision text, rebuild the Merkle tree and check it
    (against --checkpoint): OK, or the first bad entry (exit 1)."""
    from techspec.errors import InputError
    from techspec.proofs.keys import KeyRing
    from techspec.service.permissions import CONSOLE
    from techspec.service.transparency import verify

    against = None
    if checkpoint_file is not None:
        try:
            against = checkpoint_file.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(
                f"cannot read the checkpoint: {error}", path=str(checkpoint_file)
            ) from None
    store = open_store_at(db)
    try:
        # Without a keyring, recorded checkpoints are checked by their roots only.
        ring = KeyRing.read_public(key_file) if key_file is not None else store.signer().ring
        result = verify(store, CONSOLE, ring=ring, against=against, source=str(checkpoint_file))
    finally:
        store.close()
    click.echo(str(result))
    sys.exit(0 if result.ok else 1)


@audit_group.command("checkpoint")
@click.option(
    "--verifier-key",
    is_flag=True,
    help="Print the C2SP verifier key a witness checks the checkpoints with, instead.",
)
@db_option
@reports_errors
def audit_checkpoint(verifier_key: bool, db: str | None) -> None:
    """Print the latest signed checkpoint (C2SP signed note), signing a new one if the
    log grew since; keep it (e.g. commit it to git) to check the log against later."""
    from techspec.service import transparency
    from techspec.service.permissions import CONSOLE

    store = open_store_at(db)
    try:
        ring = transparency.keyring(store)
        if verifier_key:
            click.echo(transparency.verifier_key(ring))
            return
        note = transparency.checkpoint(store, CONSOLE, ring)
    finally:
        store.close()
    click.echo(note, nl=False)


@audit_group.command("prove")
@click.argument("event", type=click.IntRange(1))
@db_option
@reports_errors
def audit_prove(event: int, db: str | None) -> None:
    """Print (JSON) an RFC 9162 inclusion proof of audit event EVENT in the tree of the
    latest signed checkpoint, with the leaf's bytes and the checkpoint."""
    from techspec.service.permissions import CONSOLE
    from techspec.service.transparency import keyring, prove

    store = open_store_at(db)
    try:
        proof = prove(store, CONSOLE, event, keyring(store))
    finally:
        store.close()
    print_json(proof.to_json())


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
