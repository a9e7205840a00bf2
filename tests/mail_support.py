"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the tests
of techspec's mail: each received mail is parsed with the ``email`` module, and the
server can be told to refuse the next mails (a 451, as a busy server says)."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


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
