"""Proof commands: ``key show``/``key rotate`` (the server's signing keys), ``verify``
(signed sign-offs in Markdown files, offline), ``attest`` and ``verify-attestation``
(signed statements of a spec's status for CI).

``verify`` and ``verify-attestation`` need no database: they read files and public keys
(``--key`` files, or ``--server`` URL's ``/.well-known/techspec-keys``).  Exit codes: 0
verified, 1 a check failed (each failing row or reason is named), 2 bad input.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from techspec.cli.support import (
    acting,
    as_option,
    db_option,
    format_option,
    open_store_at,
    print_json,
    reports_errors,
)

if TYPE_CHECKING:
    from techspec.proofs.keys import KeyRing

KEYS_PATH = "/.well-known/techspec-keys"


def _keyring_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--keyring",
        type=click.Path(path_type=Path, dir_okay=False),
        envvar="TECHSPEC_SIGNING_KEYRING",
        help="The keyring file (default: beside the SQLite database, <db>.keys).",
    )(command)


def _server_ring(db: str | None, keyring: Path | None, *, create: bool) -> KeyRing:
    from techspec.proofs.keys import resolve
    from techspec.store.database import database_url

    return resolve(database_url(db), path=keyring, create=create)


@click.group("key")
def key_group() -> None:
    """The server's signing keys (kept outside the database)."""


@key_group.command("show")
@click.option("--pem", is_flag=True, help="Print the current public key as PEM instead.")
@_keyring_option
@db_option
@reports_errors
def key_show(pem: bool, keyring: Path | None, db: str | None) -> None:
    """Print the public keys (JSON, as /.well-known/techspec-keys serves them); the
    keyring is made on first use."""
    ring = _server_ring(db, keyring, create=True)
    if pem:
        click.echo(ring.current.public.pem(), nl=False)
    else:
        print_json(ring.public_document())


@key_group.command("rotate")
@_keyring_option
@db_option
@reports_errors
def key_rotate(keyring: Path | None, db: str | None) -> None:
    """Make a new signing key; old public keys stay in the keyring, so what they signed
    still verifies.  Restart the servers that share the keyring."""
    import os

    from techspec.proofs import ProofError
    from techspec.proofs.keys import KEY_ENV, KeyRing, keyring_path
    from techspec.store.database import database_url

    if keyring is None and os.environ.get(KEY_ENV, "").strip():
        raise ProofError(
            f"the keyring comes from ${KEY_ENV}: rotate a copy with --keyring FILE, then "
            "put the file's new text in the variable"
        )
    ring = KeyRing.rotate(keyring_path(database_url(db), path=keyring))
    click.echo(f"new signing key {ring.current.key_id}; {len(ring.public_keys())} keys kept")


def _public_ring(keys: tuple[Path, ...], server: str | None, db: str | None) -> KeyRing:
    """The verifying keys: the ``--key`` files and ``--server``'s published keys; with
    neither, the local server's keyring."""
    from techspec.errors import UsageError
    from techspec.proofs import ProofError
    from techspec.proofs.keys import KeyRing

    ring = KeyRing([])
    for path in keys:
        ring = ring.merged(KeyRing.read_public(path))
    if server:
        ring = ring.merged(_fetch_keys(server))
    if keys or server:
        return ring
    try:
        return _server_ring(db, None, create=False)
    except ProofError as error:
        raise UsageError(f"give --key FILE or --server URL ({error.message})") from None


def _fetch_keys(server: str) -> KeyRing:
    import httpx

    from techspec.proofs import ProofError
    from techspec.proofs.keys import KeyRing

    url = server.rstrip("/") + KEYS_PATH
    try:
        answer = httpx.get(url, timeout=10, follow_redirects=True)
    except httpx.HTTPError as error:
        raise ProofError(f"cannot fetch the keys from {url}: {error}") from None
    if answer.status_code != 200:
        raise ProofError(f"cannot fetch the keys from {url}: HTTP {answer.status_code}")
    return KeyRing.parse_public(answer.content, url)


@click.command("verify")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--key",
    "keys",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="A public key file: a key document (JSON) or PEM; repeatable.",
)
@click.option("--server", metavar="URL", help="Use the keys a techspec server publishes.")
@click.option("--template", type=click.Path(path_type=Path), help="Template file.")
@format_option
@db_option
@reports_errors
def verify_command(
    files: tuple[Path, ...],
    keys: tuple[Path, ...],
    server: str | None,
    template: Path | None,
    fmt: str,
    db: str | None,
) -> None:
    """Check that every filled sign-off row of FILES (a directory: its *.md files) is
    signed by a known key over the file's current content hash; name each row that is
    stale, forged or unsigned."""
    from techspec.document.files import markdown_files, read_text
    from techspec.lint.batch import load_template
    from techspec.lint.config import find_config
    from techspec.proofs.signoff import verify_text

    ring = _public_ring(keys, server, db)
    chosen = load_template(template) if template else None
    report: list[dict[str, object]] = []
    failed = 0
    named_files = [found for path in files for found in _expand(path, markdown_files)]
    for path in named_files:
        text = read_text(path)
        named = chosen
        if named is None:
            configured = find_config(path.parent).template_for(path.resolve())
            named = load_template(configured) if configured else None
        for check in verify_text(text, ring, named):
            failed += not check.ok
            report.append(
                {
                    "path": str(path),
                    "line": check.line,
                    "role": check.role,
                    "verdict": check.verdict,
                    "reason": check.reason,
                    "key_id": check.key_id,
                }
            )
    if fmt == "json":
        print_json({"ok": failed == 0, "rows": report})
    else:
        for row in report:
            click.echo(
                f"{row['path']}:{row['line']}: {row['role']}: {row['verdict']}: {row['reason']}"
            )
        click.echo(f"{len(report) - failed} signed, {failed} failed")
    if failed:
        raise SystemExit(1)


def _expand(path: Path, walk: Callable[[Path], Iterable[Path]]) -> Iterable[Path]:
    return walk(path) if path.is_dir() else (path,)


@click.command("attest")
@click.argument("spec")
@click.option(
    "--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Write it here."
)
@as_option(False)
@db_option
@reports_errors
def attest_command(spec: str, output: Path | None, user: str | None, db: str | None) -> None:
    """Print a signed attestation (in-toto Statement in a DSSE envelope) of SPEC's
    current content hash, status and approving roles."""
    from techspec.service.proofs import attest

    store = open_store_at(db)
    try:
        envelope = attest(store, acting(store, user), spec)
    finally:
        store.close()
    text = json.dumps(envelope, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, "utf-8")


@click.command("verify-attestation")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--key",
    "keys",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="A public key file: a key document (JSON) or PEM; repeatable.",
)
@click.option("--server", metavar="URL", help="Use the keys a techspec server publishes.")
@click.option("--require-status", metavar="STATUS", help="Fail unless the spec has it.")
@click.option(
    "--require-role", "roles", multiple=True, metavar="ROLE", help="Fail without its approval."
)
@click.option(
    "--spec",
    "spec_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Fail unless this Markdown file has the attested content hash.",
)
@click.option("--template", type=click.Path(path_type=Path), help="Template of --spec.")
@db_option
@reports_errors
def verify_attestation_command(
    file: Path,
    keys: tuple[Path, ...],
    server: str | None,
    require_status: str | None,
    roles: tuple[str, ...],
    spec_file: Path | None,
    template: Path | None,
    db: str | None,
) -> None:
    """Check an attestation offline: signed by a known key and saying what is required."""
    from techspec.authoring.content_hash import content_hash
    from techspec.document.files import read_text
    from techspec.lint.batch import load_template
    from techspec.proofs import ProofError
    from techspec.proofs.attestation import verify

    ring = _public_ring(keys, server, db)
    try:
        data = json.loads(file.read_bytes())
    except OSError as error:
        raise ProofError(f"cannot read: {error.strerror}", path=str(file)) from None
    except ValueError:
        raise ProofError("not JSON", path=str(file)) from None
    wanted = None
    if spec_file is not None:
        chosen = load_template(template) if template else None
        wanted = content_hash(read_text(spec_file), chosen)
    checked = verify(
        data, ring, require_status=require_status, require_roles=roles, content_hash=wanted
    )
    claim = checked.claim
    roles_text = ", ".join(claim.roles) or "none"
    click.echo(
        f"verified: spec '{claim.spec}' r{claim.revision} is {claim.status} at content "
        f"sha256:{claim.content_hash}, approved by {roles_text} (key {checked.key_id})"
    )


def register(group: click.Group) -> None:
    """Add the proof commands to the ``techspec`` group."""
    for command in (key_group, verify_command, attest_command, verify_attestation_command):
        group.add_command(command)
