"""Server commands: ``serve``, ``token create|revoke`` and ``webhook add|list``.

Only click is imported at module level; the web stack (FastAPI, uvicorn) loads when
``serve`` runs, so the rest of the command line stays quick to start.
"""

from __future__ import annotations

import os
import shlex
import sys
from typing import ParamSpec, TypeVar

import click

from techspec.cli.support import command_hint, db_option, open_store_at, reports_errors

P = ParamSpec("P")
R = TypeVar("R")


SIGN_IN_HELP = """\b
Sign-in settings (environment variables):
  TECHSPEC_OIDC_ISSUER         OpenID provider issuer URL (https://; http:// only
                               on loopback); enables "Sign in with <provider>"
  TECHSPEC_OIDC_CLIENT_ID      the client techspec is registered as
  TECHSPEC_OIDC_CLIENT_SECRET  its secret (confidential client)
  TECHSPEC_OIDC_SCOPES         default: openid email profile
  TECHSPEC_OIDC_ROLES_CLAIM    claim listing groups; default: groups
  TECHSPEC_OIDC_ROLE_MAP       group=role,...  e.g. eng-leads=Technical Lead,
                               techspec-admins=admin (applied at every sign-in)
  TECHSPEC_OIDC_PROVIDER_NAME  name on the sign-in button (default: issuer host)
  TECHSPEC_PASSWORD_LOGIN      off: passwords refused (single sign-on only)
The provider must allow the redirect URI <server>/login/oidc/callback and the
post-logout redirect URI <server>/login."""


@click.command("serve", epilog=SIGN_IN_HELP)
@db_option
@click.option("--host", help="Interface to listen on (default 127.0.0.1; $TECHSPEC_HOST).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default 8000).")
@click.option("--workers", type=click.IntRange(1, 64), help="Worker processes (default 1).")
@click.option(
    "--demo",
    is_flag=True,
    help="Seed an empty database with demo specs and users; print the admin's token.",
)
@reports_errors
def serve(
    db: str | None, host: str | None, port: int | None, workers: int | None, demo: bool
) -> None:
    """Serve the REST API (/api/v1, docs at /api/v1/docs) until interrupted."""
    import uvicorn

    from techspec.api import logging as api_logging
    from techspec.api.settings import Settings
    from techspec.store.engine import database_url, open_store

    settings = Settings.from_env(
        database_url=database_url(db), host=host, port=port, workers=workers
    )
    api_logging.configure(settings.log_level)
    store = open_store(settings.database_url)  # a bad URL or old schema fails here, once
    ring = store.signer().ring  # the signing key is made, or a bad keyring fails, here too
    token = None
    if demo:
        from techspec.service.demo import seed

        token = seed(store)
    store.close()
    base = f"http://{settings.host}:{settings.port}"
    click.echo(f"techspec web UI: {base}/")
    click.echo(f"techspec API: {base}/api/v1 (docs at {base}/api/v1/docs)")
    if ring is not None:
        keys = f"{base}/.well-known/techspec-keys"
        click.echo(f"techspec signing key: {ring.current.key_id} (public keys at {keys})")
    else:
        click.echo("techspec signing key: none, sign-offs are written unsigned", err=True)
    if demo:
        command = _this_command()
        if token is not None:
            click.echo(f"demo admin token (shown once): {token}")
        else:
            hint = command_hint(f"{command} token create admin", db)
            click.echo(f"demo data already seeded; make a token with: {hint}")
        passwd = command_hint(f"{command} user passwd admin --generate", db)
        click.echo(f"forgot a demo password? set a new one with: {passwd}")
    sys.stdout.flush()
    os.environ.update(settings.to_env())
    uvicorn.run(
        "techspec.asgi:app_from_env",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=False,  # techspec.api.proxies applies them, from trusted proxies only
    )


def _this_command() -> str:
    """How this ``techspec`` was started (``.venv/bin/techspec`` under ``make run``), so
    that a printed command works when pasted in the same shell."""
    started = sys.argv[0] if sys.argv else ""
    if os.path.basename(started) == "techspec" and os.sep in started:
        return shlex.quote(started)
    return "techspec"


@click.group("token")
def token_group() -> None:
    """API tokens (stored only as a hash)."""


@token_group.command("create")
@click.argument("user")
@click.option("--label", default="", help="A note on what the token is for.")
@db_option
@reports_errors
def token_create(user: str, label: str, db: str | None) -> None:
    """Make an API token for USER.  It is printed once, alone on the last line."""
    from techspec.service.permissions import CONSOLE
    from techspec.service.users import create_token

    store = open_store_at(db)
    token = create_token(store, CONSOLE, user, label)
    store.close()
    click.echo(f"token for {user} (shown once; stored only as a hash):", err=True)
    click.echo(token)


@token_group.command("revoke")
@click.argument("user")
@db_option
@reports_errors
def token_revoke(user: str, db: str | None) -> None:
    """Revoke every token of USER."""
    from techspec.service.permissions import CONSOLE
    from techspec.service.users import revoke_tokens

    store = open_store_at(db)
    count = revoke_tokens(store, CONSOLE, user)
    store.close()
    click.echo(f"revoked {count} token{'s' if count != 1 else ''} of {user}")


@click.group("webhook")
def webhook_group() -> None:
    """Webhook receivers: POSTed a signed JSON payload on revisions, transitions and
    approvals."""


@webhook_group.command("add")
@click.argument("url")
@click.option(
    "--event",
    "events",
    multiple=True,
    type=click.Choice(["revision", "transition", "approval", "thread", "review", "checkpoint"]),
    help="An event to send (repeatable; default: all but checkpoint).",
)
@click.option("--secret", help="The HMAC key (default: a new random one, printed once).")
@db_option
@reports_errors
def webhook_add(url: str, events: tuple[str, ...], secret: str | None, db: str | None) -> None:
    """Register URL; prints its id and signing secret (the secret alone on the last line)."""
    from techspec.api.settings import Settings
    from techspec.service import webhooks
    from techspec.service.permissions import CONSOLE
    from techspec.store.webhooks import DEFAULT_EVENTS

    allow_private = Settings.from_env().webhook_allow_private
    store = open_store_at(db)
    found = webhooks.add(
        store, CONSOLE, url, events or DEFAULT_EVENTS, secret=secret, allow_private=allow_private
    )
    store.close()
    click.echo(f"webhook {found.id}: {found.url} ({', '.join(found.events)})")
    click.echo(found.secret)


@webhook_group.command("list")
@db_option
@reports_errors
def webhook_list(db: str | None) -> None:
    """List active receivers."""
    from techspec.service import webhooks
    from techspec.service.permissions import CONSOLE

    store = open_store_at(db)
    for found in webhooks.all_webhooks(store, CONSOLE):
        click.echo(f"{found.id:>4} {found.url}  {', '.join(found.events)}")
    store.close()


COMMANDS: tuple[click.Command, ...] = (serve, token_group, webhook_group)


def register(group: click.Group) -> None:
    """Add the server commands to the ``techspec`` group."""
    for command in COMMANDS:
        group.add_command(command)
