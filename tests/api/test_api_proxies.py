"""``X-Forwarded-Proto``, ``-Host`` and ``-For`` count only from a peer listed in
``TECHSPEC_TRUSTED_PROXIES``; from anyone else they are dropped before any part of the
app can read them."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from techspec.api.logging import JsonFormatter
from techspec.api.proxies import ForwardedHeaders, TrustedProxies
from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.errors import ConfigError
from techspec.store.engine import Store

PROXIES = TrustedProxies.parse("10.0.0.5, 10.1.0.0/16, ::1")
FORWARDED = [
    (b"host", b"internal:8000"),
    (b"x-forwarded-proto", b"https"),
    (b"x-forwarded-host", b"specs.example.com"),
    (b"x-forwarded-for", b"203.0.113.7, 10.1.2.3"),
]


def _seen(peer: str, headers: list[tuple[bytes, bytes]]) -> Scope:
    """The scope the app behind :class:`ForwardedHeaders` gets from ``peer``."""
    found: list[Scope] = []

    async def app(scope: Scope, _receive: Receive, _send: Send) -> None:
        found.append(scope)

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(_message: Message) -> None:
        return None

    scope = {"type": "http", "scheme": "http", "client": (peer, 4321), "headers": headers}
    asyncio.run(ForwardedHeaders(app, PROXIES)(scope, receive, send))
    return found[0]


def test_a_trusted_proxy_sets_the_scheme_host_and_client() -> None:
    scope = _seen("10.0.0.5", FORWARDED)
    assert scope["scheme"] == "https"
    assert dict(scope["headers"])[b"host"] == b"specs.example.com"
    assert scope["client"] == ("203.0.113.7", 0)
    assert not any(name.startswith(b"x-forwarded-") for name, _ in scope["headers"])


@pytest.mark.parametrize("peer", ["203.0.113.9", "10.0.0.6", "testclient", ""])
def test_anyone_else_has_the_headers_dropped_and_nothing_changed(peer: str) -> None:
    scope = _seen(peer, FORWARDED)
    assert scope["scheme"] == "http"
    assert scope["headers"] == [(b"host", b"internal:8000")]
    assert scope["client"] == (peer, 4321)


def test_the_client_is_the_nearest_address_that_is_not_a_proxy() -> None:
    chain = [(b"x-forwarded-for", b"6.6.6.6, 198.51.100.1, 10.1.0.9, 10.0.0.5")]
    assert _seen("::1", chain)["client"] == ("198.51.100.1", 0)
    assert _seen("::1", [(b"x-forwarded-for", b"10.1.0.9")])["client"] == ("10.1.0.9", 0)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        (b"x-forwarded-proto", b"gopher"),
        (b"x-forwarded-host", b"evil.example/path"),
        (b"x-forwarded-host", b"a b"),
        (b"x-forwarded-for", b"not-an-address"),
    ],
)
def test_a_trusted_proxy_s_malformed_value_is_ignored(name: bytes, value: bytes) -> None:
    scope = _seen("10.0.0.5", [(b"host", b"internal:8000"), (name, value)])
    assert scope["scheme"] == "http"
    assert dict(scope["headers"])[b"host"] == b"internal:8000"
    assert scope["client"] == ("10.0.0.5", 4321)


def test_without_forwarded_headers_the_scope_is_untouched() -> None:
    headers = [(b"host", b"internal:8000")]
    scope = _seen("10.0.0.5", headers)
    assert scope["headers"] is headers


def test_a_bad_entry_in_the_setting_is_a_config_error_naming_it() -> None:
    with pytest.raises(ConfigError, match=r"'10\.0\.0\.300'"):
        Settings.from_env({"TECHSPEC_TRUSTED_PROXIES": "10.0.0.1, 10.0.0.300"})
    assert Settings.from_env({"TECHSPEC_TRUSTED_PROXIES": " 10.0.0.1 ,"}).trusted_proxies


@pytest.fixture
def access(caplog: pytest.LogCaptureFixture) -> Iterator[list[dict[str, object]]]:
    caplog.set_level(logging.INFO, logger="techspec")
    lines: list[dict[str, object]] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            entry = json.loads(JsonFormatter().format(record))
            if entry.get("logger") == "techspec.access":
                lines.append(entry)

    handler = Capture()
    logging.getLogger("techspec").addHandler(handler)
    yield lines
    logging.getLogger("techspec").removeHandler(handler)


@pytest.mark.parametrize(("trusted", "client"), [("10.0.0.5", "203.0.113.7"), ("", "10.0.0.5")])
def test_the_access_log_names_the_client_the_settings_believe(
    settings: Settings,
    store: Store,
    access: list[dict[str, object]],
    trusted: str,
    client: str,
) -> None:
    app = create_app(replace(settings, trusted_proxies=trusted), store=store)
    with TestClient(app, client=("10.0.0.5", 4321)) as opened:
        opened.get("/healthz", headers={"X-Forwarded-For": "203.0.113.7"})
    assert [entry["client"] for entry in access] == [client]
