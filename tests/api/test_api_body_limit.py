"""A body over the limit gets its 413 as an answer, through a real server: the server
reads what the client sends (up to a bound) before answering, so the client, which
reads only once it has sent everything, finds the 413 instead of a broken pipe."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api_support import Server, serve

from techspec.api.limits import BodyLimit
from techspec.api.settings import MIB

People = dict[str, dict[str, str]]
SIZE = 2 * MIB


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, populated: tuple[Path, People]
) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("body-limit")
    path = base / "techspec.db"
    path.write_bytes(populated[0].read_bytes())
    with serve(f"sqlite:///{path}", base / "server.log") as running:
        yield running


def _connect(server: Server) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _head(token: str, extra: str) -> bytes:
    return (
        "POST /api/v1/specs HTTP/1.1\r\nHost: techspec\r\n"
        f"Authorization: {token}\r\nContent-Type: text/markdown\r\n{extra}\r\n"
    ).encode("ascii")


def _answer(sock: socket.socket) -> tuple[bytes, bytes]:
    """The status line and the rest of one response with a Content-Length."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += sock.recv(65536)
    return head, body[:length]


def test_a_2_mib_upload_gets_the_413_and_the_connection_stays_usable(
    server: Server, people: People
) -> None:
    with _connect(server) as sock:
        sock.sendall(_head(people["ada"]["Authorization"], f"Content-Length: {SIZE}\r\n"))
        sock.sendall(b"x" * (SIZE // 2))
        sock.settimeout(0.5)
        with pytest.raises(TimeoutError):
            sock.recv(1)  # no answer while the client is still sending
        sock.settimeout(10)
        sock.sendall(b"x" * (SIZE - SIZE // 2))
        head, body = _answer(sock)
        assert head.startswith(b"HTTP/1.1 413 ")
        assert b"application/problem+json" in head
        assert b"the limit of" in body
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: techspec\r\n\r\n")
        head, body = _answer(sock)
        assert head.startswith(b"HTTP/1.1 200 ")


def test_a_chunked_upload_over_the_limit_gets_the_413_too(server: Server, people: People) -> None:
    with _connect(server) as sock:
        sock.sendall(_head(people["ada"]["Authorization"], "Transfer-Encoding: chunked\r\n"))
        piece = b"x" * (64 * 1024)
        for _ in range(SIZE // len(piece)):
            sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        sock.sendall(b"0\r\n\r\n")
        head, body = _answer(sock)
        assert head.startswith(b"HTTP/1.1 413 ")
        assert b"request body over the limit" in body


def test_an_http_client_posting_2_mib_reads_the_413(server: Server, people: People) -> None:
    headers = {**people["ada"], "Content-Type": "text/markdown"}
    for _ in range(3):
        response = httpx.post(
            f"{server.url}/api/v1/specs", content=b"x" * SIZE, headers=headers, timeout=30
        )
        assert response.status_code == 413
        assert response.json()["status"] == 413


def test_a_body_declared_past_what_is_worth_reading_is_refused_at_once(
    server: Server, people: People
) -> None:
    declared = 64 * MIB
    with _connect(server) as sock:
        sock.sendall(_head(people["ada"]["Authorization"], f"Content-Length: {declared}\r\n"))
        head, _body = _answer(sock)
        assert head.startswith(b"HTTP/1.1 413 ")
        assert b"connection: close" in head.lower()


def test_the_body_read_before_a_413_is_bounded() -> None:
    assert BodyLimit(app=None, limit=MIB).drain == 4 * MIB  # type: ignore[arg-type]
    assert BodyLimit(app=None, limit=8 * MIB).drain == 16 * MIB  # type: ignore[arg-type]
