"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the tests
of techspec's mail: each received mail is parsed with the ``email`` module, and the
server can be told to refuse the next mails (a 451, as a busy server says).  Servers that
need STARTTLS or TLS and a login are made on demand with a certificate made here."""

from __future__ import annotations

import email
import email.policy
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Sink:
    """The handler aiosmtpd calls; ``refuse`` counts the mails still to be refused."""

    received: list[EmailMessage] = field(default_factory=list)
    refuse: int = 0
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.refuse > 0:
                self.refuse -= 1
                self.refused += 1
                return "451 4.3.0 Try again later"
            parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
            assert isinstance(parsed, EmailMessage)
            self.received.append(parsed)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.received if address in str(m["To"])]

    def wait_for(
        self, found: Callable[[list[EmailMessage]], bool], timeout: float = 20.0
    ) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                now = list(self.received)
            if found(now):
                return now
            if time.monotonic() > deadline:
                raise AssertionError(f"mail not received in {timeout} s; got {len(now)}")
            time.sleep(0.05)

    def clear(self) -> None:
        with self.lock:
            self.received.clear()
            self.refuse = self.refused = 0


@dataclass
class SmtpServer:
    controller: Controller
    sink: Sink

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.controller.port}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_smtp() -> SmtpServer:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    return SmtpServer(controller, sink)


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def html_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


# -- TLS: STARTTLS and SMTPS with a login ------------------------------------------------


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made here (no CA, no network)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp.crt", directory / "smtp.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class Login:
    """aiosmtpd's authenticator: one user name and password."""

    username: bytes
    password: bytes

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            self.username,
            self.password,
        )
        return AuthResult(success=ok, handled=False)


def start_tls_smtp(directory: Path, *, implicit: bool) -> tuple[SmtpServer, ssl.SSLContext]:
    """A server that needs TLS (STARTTLS, or TLS from the first byte when ``implicit``)
    and a login as ``mailer``/``s3cret:pw``; returns it and a client context trusting it."""
    cert, key = self_signed(directory)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    client_context = ssl.create_default_context(cafile=str(cert))
    sink = Sink()
    login = Login(b"mailer", b"s3cret:pw")
    if implicit:
        controller = Controller(
            sink,
            hostname="127.0.0.1",
            port=free_port(),
            ssl_context=server_context,
            authenticator=login,
            auth_require_tls=False,  # the whole session is TLS already
            server_hostname="127.0.0.1",
        )
    else:
        controller = Controller(
            sink,
            hostname="127.0.0.1",
            port=free_port(),
            tls_context=server_context,
            require_starttls=True,
            authenticator=login,
        )
    controller.start()
    return SmtpServer(controller, sink), client_context
