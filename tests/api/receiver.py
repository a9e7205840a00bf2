"""A webhook receiver on loopback for the tests: records every POST and answers with the
next status of a script (then 200s), or with an answer of its own: one that drips, one
that never ends, one that takes its time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol


class Sink(Protocol):
    def write(self, data: bytes, /) -> int: ...


Answer = Callable[[Sink], None]
"""Writes a whole HTTP answer (status line, head and body) to the connection."""


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    started: float = 0.0
    """``time.monotonic()`` when the request had been read."""
    finished: float = 0.0
    """When the answer was written, or writing it failed (0 until then)."""
    sent: int = 0
    """Bytes of the answer written before the client went away."""


@dataclass
class Receiver:
    url: str
    statuses: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.02)
        raise AssertionError(f"expected {count} deliveries, got {len(self.received)}")

    def wait_until_answered(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The first ``count`` requests, once each one's answer is over."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                done = [r for r in self.received if r.finished]
                if len(done) >= count:
                    return done
            time.sleep(0.02)
        raise AssertionError(f"expected {count} answers to end")


def drip(seconds_per_byte: float, length: int) -> Answer:
    """A 200 whose head arrives one byte at a time, ``length`` bytes in all."""
    head = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"." * length

    def answer(sink: Sink) -> None:
        for index in range(min(length, len(head))):
            sink.write(head[index : index + 1])
            time.sleep(seconds_per_byte)
        sink.write(b"\r\nContent-Length: 0\r\n\r\n")

    return answer


def endless(size: int) -> Answer:
    """A 200 announcing a body of ``size`` bytes, and sending it as fast as it is read."""
    chunk = b"x" * 65536

    def answer(sink: Sink) -> None:
        sink.write(f"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\n\r\n".encode())
        for _ in range(size // len(chunk)):
            sink.write(chunk)

    return answer


def slow(seconds: float) -> Answer:
    """A 200 after ``seconds``."""

    def answer(sink: Sink) -> None:
        time.sleep(seconds)
        sink.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")

    return answer


class _Counted:
    """The connection, counting what is written to it."""

    def __init__(self, sink: Sink, record: Received) -> None:
        self.sink = sink
        self.record = record

    def write(self, data: bytes) -> int:
        written = self.sink.write(data)
        self.record.sent += len(data)
        return written


@contextmanager
def receiver(
    statuses: list[int] | None = None, *, answer: Answer | None = None
) -> Iterator[Receiver]:
    state = Receiver("", list(statuses or []))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            record = Received(dict(self.headers.items()), body, time.monotonic())
            with state.lock:
                state.received.append(record)
                status = state.statuses.pop(0) if state.statuses else 200
            try:
                if answer is None:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    answer(_Counted(self.wfile, record))
            except OSError:
                pass  # the client hung up: what a deadline or a size cap does
            finally:
                record.finished = time.monotonic()
                self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
