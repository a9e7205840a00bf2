"""One webhook POST that a receiver cannot stretch, swell or aim inward.

* **One deadline** for the whole exchange: name lookup, connect, TLS, send and read.  Every
  socket operation gets only the time left, so a receiver that answers a byte a second
  holds a delivery no longer than the deadline.
* **A cap on the answer**: at most ``max_answer_bytes`` are read (the status line is all
  that decides the outcome), then the connection is closed; nothing is kept.
* **Only checked addresses**: the host name is resolved here, every address is judged by
  :func:`~techspec.store.webhook_targets.refusal`, and the socket connects to an address
  that passed, so a name that resolves to loopback or a private network now, or only at
  delivery time (DNS rebinding), is refused unless ``allow_private``.  No proxy and no
  redirect is followed: either would send the request somewhere unchecked.
* **Errors for a log an admin reads**: :class:`Undelivered` says what went wrong in a few
  plain words, never the operating system's error text or an address the host resolved to.

HTTP/1.1 is written by hand: one request, ``Connection: close``, no body streaming.  An
HTTP client library would read the answer in its own way, past any deadline of ours.
"""

from __future__ import annotations

import base64
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from techspec.store.webhook_targets import (
    Address,
    Target,
    TargetRefused,
    literal_address,
    parse_target,
    refusal,
)

MAX_ANSWER_BYTES = 64 * 1024
CHUNK = 16 * 1024
SocketAddress = tuple[Any, ...]


class Undelivered(Exception):
    """A POST that got no HTTP answer; the message is the delivery log's wording."""


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    bytes_read: int
    """Bytes of the answer read: head and any body, at most ``max_answer_bytes``."""


@dataclass
class Sender:
    """POSTs to webhook receivers within the limits above; safe to share between threads."""

    deadline_s: float
    allow_private: bool = False
    max_answer_bytes: int = MAX_ANSWER_BYTES
    user_agent: str = "techspec-webhooks"
    _tls: ssl.SSLContext | None = field(default=None, init=False, repr=False)
    _tls_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> Answer:
        """Send ``body`` to ``url``; the answer's status, or :class:`Undelivered`."""
        deadline = time.monotonic() + self.deadline_s
        try:
            target = parse_target(url)
        except TargetRefused as refused:
            raise Undelivered(refused.reason) from None
        try:
            return self._exchange(
                target, _request(target, body, headers, self.user_agent), deadline
            )
        except TimeoutError:
            raise Undelivered(f"timed out after {self.deadline_s:g} s") from None
        except ssl.SSLCertVerificationError:
            raise Undelivered("TLS certificate not trusted") from None
        except ssl.SSLError:
            raise Undelivered("TLS failed") from None
        except OSError:
            raise Undelivered("connection lost") from None

    def _exchange(self, target: Target, request: bytes, deadline: float) -> Answer:
        raw = self._connect(target, deadline)
        stream = raw
        try:
            if target.scheme == "https":
                raw.settimeout(_left(deadline))
                stream = self._tls_context().wrap_socket(raw, server_hostname=target.host)
            _send(stream, request, deadline)
            return _read_answer(stream, deadline, self.max_answer_bytes)
        finally:
            stream.close()
            raw.close()

    def _connect(self, target: Target, deadline: float) -> socket.socket:
        found = _resolve(target, deadline)
        allowed = [
            (family, where)
            for address, family, where in found
            if self.allow_private or refusal(address) is None
        ]
        if not allowed:
            raise Undelivered(f"refused: {refusal(found[0][0])} address")
        for index, (family, where) in enumerate(allowed):
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                # Several addresses share what is left, so one that never answers
                # leaves time for the next.
                sock.settimeout(_left(deadline) / (len(allowed) - index))
                sock.connect(where)
                return sock
            except OSError:
                sock.close()
        _left(deadline)
        raise Undelivered("could not connect")

    def _tls_context(self) -> ssl.SSLContext:
        with self._tls_lock:
            if self._tls is None:
                import httpx  # its CA bundle (certifi), as webhooks were verified before

                self._tls = httpx.create_ssl_context()
            return self._tls


def _resolve(target: Target, deadline: float) -> list[tuple[Address, int, SocketAddress]]:
    """Every address of the target's host: ``(address, family, socket address)``."""
    literal = literal_address(target.host)
    host = target.host if literal is None else str(literal)
    infos = _lookup(host, target.port, deadline)
    found = []
    for family, _, _, _, where in infos:
        address = literal_address(str(where[0]))
        if address is not None:
            found.append((address, family, where))
    if not found:
        raise Undelivered("could not resolve the host name")
    return found


def _lookup(host: str, port: int, deadline: float) -> list[Any]:
    """``getaddrinfo`` in a thread of its own, waited for until the deadline (a lookup
    itself cannot be interrupted; one that hangs finishes in the background)."""
    results: list[Any] = []
    done = threading.Event()

    def run() -> None:
        try:
            results.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError):
            results.append(None)
        finally:
            done.set()

    threading.Thread(target=run, name="techspec-webhook-lookup", daemon=True).start()
    if not done.wait(_left(deadline)):
        raise TimeoutError
    if not results[0]:
        raise Undelivered("could not resolve the host name")
    found: list[Any] = results[0]
    return found


def _request(target: Target, body: bytes, headers: Mapping[str, str], agent: str) -> bytes:
    lines = [
        f"POST {target.path} HTTP/1.1",
        f"Host: {target.authority}",
        f"User-Agent: {agent}",
        f"Content-Length: {len(body)}",
        "Connection: close",
    ]
    if target.username is not None:
        user = f"{target.username}:{target.password or ''}".encode()
        lines.append(f"Authorization: Basic {base64.b64encode(user).decode('ascii')}")
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return "\r\n".join([*lines, "", ""]).encode("latin-1") + body


def _send(sock: socket.socket, data: bytes, deadline: float) -> None:
    view = memoryview(data)
    while view:
        sock.settimeout(_left(deadline))
        view = view[sock.send(view[:CHUNK]) :]


def _read_answer(sock: socket.socket, deadline: float, cap: int) -> Answer:
    """Read up to the end of the answer's head (past any 1xx interim answers), then as
    much of the body as ``Content-Length`` announces; never more than ``cap`` bytes."""
    buffer = bytearray()
    total = searched = 0
    while True:
        end = buffer.find(b"\r\n\r\n", max(0, searched - 3))
        if end < 0:
            if len(buffer) >= 5 and not buffer.startswith(b"HTTP/"):
                raise Undelivered("answer is not HTTP")
            if total >= cap:
                raise Undelivered(f"answer head over {cap // 1024} KiB")
            searched = len(buffer)
            chunk = _recv(sock, deadline, cap - total)
            if not chunk:
                raise Undelivered("connection closed without an answer")
            buffer += chunk
            total += len(chunk)
            continue
        status, length = _head(bytes(buffer[:end]))
        del buffer[: end + 4]
        searched = 0
        if status >= 200:
            wanted = min((length or 0) - len(buffer), cap - total)
            return Answer(status, total + _discard(sock, deadline, wanted))


def _head(head: bytes) -> tuple[int, int | None]:
    """The status and ``Content-Length`` (None if absent) of an answer's head."""
    status_line, *fields = head.split(b"\r\n")
    parts = status_line.split(b" ", 2)
    code = parts[1] if len(parts) > 1 else b""
    if not parts[0].startswith(b"HTTP/1.") or len(code) != 3 or not code.isdigit():
        raise Undelivered("answer is not HTTP")
    length = None
    for line in fields:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            length = int(value.strip())
    return int(code), length


def _discard(sock: socket.socket, deadline: float, wanted: int) -> int:
    """Read and drop up to ``wanted`` bytes of body; the outcome is already known, so
    the deadline or a closed connection just ends the reading."""
    read = 0
    try:
        while read < wanted:
            chunk = _recv(sock, deadline, wanted - read)
            if not chunk:
                break
            read += len(chunk)
    except OSError:
        pass
    return read


def _recv(sock: socket.socket, deadline: float, most: int) -> bytes:
    sock.settimeout(_left(deadline))
    return sock.recv(min(most, CHUNK))


def _left(deadline: float) -> float:
    """Seconds until ``deadline``; TimeoutError once it has passed."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left
