"""Handing a mail to an SMTP server, or to a local log file when none is configured.

``TECHSPEC_SMTP_URL`` names the server: ``smtp://host:port`` (plain), ``smtp+starttls://``
or ``smtp://...?starttls=1`` (upgraded with STARTTLS before anything is sent), ``smtps://``
(TLS from the first byte); ``user:password@`` in front of the host logs in (percent-encode
special characters).  Every exchange ends by a timeout.  A refusal or a lost connection is
:class:`Unsent`, whose message is a few plain words for the outbox's log (never a
password); the mail worker retries it later.
"""

from __future__ import annotations

import smtplib
import ssl
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from techspec.errors import ConfigError

SCHEMES = {"smtp": (False, False), "smtp+starttls": (True, False), "smtps": (False, True)}
"""Scheme -> (STARTTLS, TLS from the start)."""


class Unsent(Exception):
    """The mail was not accepted; the message says why in a few words."""


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True, slots=True)
class SmtpServer:
    host: str
    port: int
    starttls: bool
    tls: bool
    username: str | None
    password: str | None

    def __repr__(self) -> str:  # never show the password
        return f"SmtpServer({self.host}:{self.port}, starttls={self.starttls}, tls={self.tls})"


def parse_smtp_url(url: str) -> SmtpServer:
    """The server an ``smtp://``, ``smtp+starttls://`` or ``smtps://`` URL names; a
    :class:`ConfigError` naming the problem otherwise."""
    where = "TECHSPEC_SMTP_URL"
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ConfigError(f"{where}: not a URL with a valid port") from None
    if parts.scheme not in SCHEMES:
        raise ConfigError(f"{where}: the scheme must be one of {', '.join(SCHEMES)}")
    if not parts.hostname:
        raise ConfigError(f"{where}: no host name")
    starttls, tls = SCHEMES[parts.scheme]
    flag = parse_qs(parts.query).get("starttls", ["0"])[-1].strip().casefold()
    starttls = starttls or flag in ("1", "true", "yes")
    return SmtpServer(
        host=parts.hostname,
        port=port or (465 if tls else 587 if starttls else 25),
        starttls=starttls,
        tls=tls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


@dataclass
class SmtpTransport:
    """One SMTP session per mail (a mail a minute does not need a pooled connection)."""

    server: SmtpServer
    timeout_s: float = 10.0
    context: ssl.SSLContext | None = None
    """TLS trust (default: the system's); tests pass one that trusts their own CA."""

    def send(self, message: EmailMessage) -> None:
        server = self.server
        context = self.context or ssl.create_default_context()
        try:
            if server.tls:
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    server.host, server.port, timeout=self.timeout_s, context=context
                )
            else:
                client = smtplib.SMTP(server.host, server.port, timeout=self.timeout_s)
            with client:
                if server.starttls:
                    client.starttls(context=context)
                if server.username is not None:
                    client.login(server.username, server.password or "")
                client.send_message(message)
        except smtplib.SMTPAuthenticationError:
            raise Unsent("the SMTP server refused the login") from None
        except smtplib.SMTPResponseException as refused:
            raise Unsent(f"the SMTP server answered {refused.smtp_code}") from None
        except smtplib.SMTPRecipientsRefused:
            raise Unsent("the SMTP server refused the recipient") from None
        except smtplib.SMTPException as error:
            raise Unsent(f"SMTP failed: {type(error).__name__}") from None
        except TimeoutError:
            raise Unsent(f"timed out after {self.timeout_s:g} s") from None
        except ssl.SSLError:
            raise Unsent("TLS failed") from None
        except OSError:
            raise Unsent("could not connect to the SMTP server") from None


@dataclass
class LogTransport:
    """Appends each mail, as its full text, to a file: what a developer reads when no
    SMTP server is configured (``make run``)."""

    path: Path
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def send(self, message: EmailMessage) -> None:
        text = message.as_string()
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as log:
                    log.write(f"{text}\n\n")
            except OSError:
                raise Unsent(f"could not write the mail log {self.path}") from None


def transport(smtp_url: str, mail_log: str, timeout_s: float) -> Transport:
    """SMTP when a URL is configured, the log file otherwise."""
    if smtp_url.strip():
        return SmtpTransport(parse_smtp_url(smtp_url), timeout_s)
    return LogTransport(Path(mail_log))
