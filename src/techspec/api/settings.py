"""Server settings: environment variables (``TECHSPEC_*``), overridden by flags.

One frozen value is built at start-up and handed to :func:`create_app`; uvicorn's worker
processes rebuild it from the environment, which ``techspec serve`` fills from its flags.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from techspec.api.oidc_settings import check_oidc
from techspec.api.proxies import TrustedProxies
from techspec.errors import ConfigError

PREFIX = "TECHSPEC_"
MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the server can be told; each field is ``TECHSPEC_<FIELD>`` in the
    environment (``database_url`` is ``TECHSPEC_DATABASE_URL``)."""

    database_url: str = "sqlite:///techspec.db"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    max_body_bytes: int = MIB
    """Larger request bodies get 413 before they are read."""
    rate_per_second: float = 50.0
    """Sustained requests per second per token; 0 turns rate limiting off."""
    rate_burst: int = 200
    """Requests a token may send at once before the rate applies."""
    page_limit: int = 200
    """The largest ``limit`` a list accepts."""
    auth_cache_seconds: float = 2.0
    """How long a token's user and roles are reused without a database read
    (a token revoked from another process stops working within this time)."""
    read_cache_size: int = 256
    """Specs whose encoded answer to ``GET /api/v1/specs/{ref}`` is kept in memory, valid
    until the next write (SQLite only; 0 turns the cache off)."""
    webhooks: bool = True
    """Run the webhook delivery worker in this process."""
    webhook_poll_seconds: float = 1.0
    webhook_timeout_seconds: float = 5.0
    webhook_max_attempts: int = 8
    webhook_backoff_seconds: float = 2.0
    """First retry delay; each further retry doubles it (with jitter), capped at 1 hour."""
    webhook_allow_private: bool = False
    """Deliver to loopback, private, link-local and other non-public addresses (a host
    name is judged by what it resolves to at delivery time).  Off: such a target is
    refused, so a webhook cannot reach services inside the server's network."""
    smtp_url: str = ""
    """Where mail goes: ``smtp://host:port`` (``smtp+starttls://`` or ``?starttls=1`` to
    upgrade with STARTTLS, ``smtps://`` for TLS from the start; ``user:password@`` to log
    in).  Empty: mails are appended to ``mail_log`` instead."""
    mail_from: str = "techspec <techspec@localhost>"
    mail_log: str = "techspec-mail.log"
    """The file mails are written to when no SMTP server is configured (relative to the
    server's working directory)."""
    mail: bool = True
    """Run the mail worker (sending, reminders, digests) in this process."""
    mail_poll_seconds: float = 1.0
    mail_timeout_seconds: float = 10.0
    mail_max_attempts: int = 8
    mail_backoff_seconds: float = 30.0
    """First retry delay of a mail; each further retry doubles it (with jitter)."""
    review_reminder_days: float = 3.0
    """Remind a reviewer of a review requested this many days ago and still owed (at most
    once a day per reviewer); 0 turns reminders off."""
    session_idle_minutes: float = 120.0
    """A web session nobody used for this long ends (its user signs in again)."""
    session_max_hours: float = 12.0
    """A web session ends this long after sign-in, however busy it was."""
    sign_in_hashes: int = 2
    """Password checks (argon2id, 64 MiB of memory each) the server runs at once."""
    sign_in_queue: int = 16
    """Sign-ins that may wait for a password check; more get 503 with Retry-After."""
    sign_in_free_failures: int = 5
    """Failed sign-ins from one address, or for one account, before each further attempt
    must wait (1 s, doubling, up to 15 minutes)."""
    log_level: str = "INFO"
    public_url: str = ""
    """The server's external base URL, for links in webhook payloads and mails (default:
    from host)."""
    metrics_token: str = ""
    """When set, ``/metrics`` answers only ``Authorization: Bearer <this token>`` (401
    otherwise); empty: anyone who reaches the server may scrape it."""
    trusted_proxies: str = ""
    """Comma-separated addresses or networks (``10.0.0.5, 10.1.0.0/16``) of the reverse
    proxies in front of the server: only a request whose peer is one of them may set its
    scheme, host and client with ``X-Forwarded-Proto``, ``-Host`` and ``-For``.  Empty:
    those headers are ignored."""
    cpu_workers: int = 2
    """Worker processes that parse, lint and render request text (``POST /lint``, saves,
    analyses and views of a revision), so that no request stalls the event loop; 0 runs
    that work in one thread of the server instead."""
    cpu_queue: int = 64
    """Such jobs that may wait for a worker (their texts, 64 MiB at most by default, are
    what waiting costs); more get 503 with Retry-After."""
    analysis_cache_mib: int = 256
    """Memory for what was computed from revisions (the API's model, the web's views and
    gates), each computed once; the least recently used goes first."""

    oidc_issuer: str = ""
    """The OpenID provider's issuer URL (``https://``; ``http://`` only on a loopback
    address).  Set, the sign-in page offers "Sign in with <provider>"."""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_scopes: str = "openid email profile"
    oidc_roles_claim: str = "groups"
    """The claim listing a person's groups in the directory."""
    oidc_role_map: str = ""
    """``group=role,...`` (``eng-leads=Technical Lead,techspec-admins=admin``): the
    roles each group grants, applied at every sign-in."""
    oidc_provider_name: str = ""
    """The name on the sign-in button (default: the issuer's host)."""
    password_login: bool = True
    """``off``: signing in with a name and password is refused (single sign-on only)."""

    def __post_init__(self) -> None:
        TrustedProxies.parse(self.trusted_proxies)  # a ConfigError names a bad entry
        check_oidc(self.oidc_issuer, self.oidc_client_id, self.oidc_role_map, self.password_login)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``TECHSPEC_*`` variables, then ``overrides`` that are not None."""
        source = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for item in fields(cls):
            raw = source.get(PREFIX + item.name.upper())
            if raw is not None and raw != "":
                values[item.name] = _convert(item.name, str(item.type), raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)

    def to_env(self) -> dict[str, str]:
        """The environment that rebuilds these settings (for worker processes)."""
        return {
            PREFIX + item.name.upper(): _spell(getattr(self, item.name)) for item in fields(self)
        }

    @property
    def base_url(self) -> str:
        return self.public_url.rstrip("/") or f"http://{self.host}:{self.port}"


def _convert(name: str, kind: str, raw: str) -> Any:
    try:
        if kind == "bool":
            if raw.strip().casefold() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                raise ValueError(raw)
            return raw.strip().casefold() in ("1", "true", "yes", "on")
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError:
        raise ConfigError(f"{PREFIX}{name.upper()}: {raw!r} is not a valid {kind}") from None
    return raw


def _spell(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)
