"""Webhooks that can't be abused: a receiver cannot hold a delivery past the deadline or
delay another receiver's, cannot make the server read a huge answer, cannot be on
loopback or a private network unless the admin allows it (whatever its name resolves
to, and when), and learns nothing of the server's network from the delivery log."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from api_support import free_port
from fastapi.testclient import TestClient
from receiver import Receiver, Sink, drip, endless, receiver
from webhook_support import People, create, deliveries, fast, register

from techspec.api.outbound import MAX_ANSWER_BYTES, Sender, Undelivered
from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.store.engine import Store
from techspec.store.webhook_targets import check_target

MIB = 1024 * 1024


@pytest.fixture
def inbox() -> Iterator[Receiver]:
    with receiver() as found:
        yield found


def _serve(settings: Settings, store: Store, **changes: Any) -> TestClient:
    return TestClient(create_app(replace(fast(settings), **changes), store=store))


def test_a_dripping_receiver_is_cut_off_at_the_deadline_and_delays_no_other(
    settings: Settings, store: Store, people: People
) -> None:
    with (
        receiver(answer=drip(0.1, 60)) as dripping,
        receiver() as inbox,
        _serve(settings, store, webhook_timeout_seconds=1) as client,
    ):
        slow = register(client, people, dripping.url)  # first: its delivery is older
        register(client, people, inbox.url)
        create(client, people)
        created = time.monotonic()
        [got] = inbox.wait_for(1)
        [log] = deliveries(client, people, slow["id"], 1)
    print(f"other receiver waited {got.started - created:.2f} s; drip cut at {log['duration_ms']}")
    assert got.started - created < 0.5
    assert (log["status_code"], log["error"]) == (None, "timed out after 1 s")
    assert 900 <= log["duration_ms"] < 1500


def test_a_huge_answer_is_read_no_further_than_the_cap(
    settings: Settings, store: Store, people: People
) -> None:
    with (
        receiver(answer=endless(100 * MIB)) as huge,
        _serve(settings, store) as client,
    ):
        hook = register(client, people, huge.url)
        create(client, people)
        [log] = deliveries(client, people, hook["id"], 1)
        [answered] = huge.wait_until_answered(1)
    print(f"receiver wrote {answered.sent} bytes of 100 MiB before the client closed")
    assert (log["status_code"], log["outcome"]) == (200, "delivered")
    assert answered.sent < 16 * MIB  # what loopback's socket buffers take in


def test_an_answer_of_400_mib_costs_64_kib_of_reading(inbox: Receiver) -> None:
    with receiver(answer=endless(400 * MIB)) as huge:
        started = time.monotonic()
        answer = Sender(deadline_s=5, allow_private=True).post(huge.url, b"{}", {})
        took = time.monotonic() - started
    assert (answer.status, answer.bytes_read) == (200, MAX_ANSWER_BYTES)
    assert took < 1


def test_a_loopback_address_is_refused_when_the_webhook_is_added(
    settings: Settings, store: Store, people: People, inbox: Receiver
) -> None:
    with _serve(settings, store, webhook_allow_private=False) as client:
        response = client.post("/api/v1/webhooks", json={"url": inbox.url}, headers=people["root"])
    assert response.status_code == 400
    assert response.json()["detail"] == (
        f"webhook URL '{inbox.url}' refused: loopback address "
        "(TECHSPEC_WEBHOOK_ALLOW_PRIVATE=1 allows it)"
    )


def test_a_name_of_a_loopback_receiver_is_refused_at_delivery(
    settings: Settings, store: Store, people: People, inbox: Receiver
) -> None:
    """A host name is judged when it is resolved, on every delivery."""
    with _serve(settings, store, webhook_allow_private=False) as client:
        hook = register(client, people, inbox.url.replace("127.0.0.1", "localhost"))
        create(client, people)
        logs = deliveries(client, people, hook["id"], 1)
        time.sleep(0.2)
    # a refused target is retried like any failure: every attempt is refused
    assert {(log["status_code"], log["error"]) for log in logs} == {
        (None, "refused: loopback address")
    }
    assert inbox.received == []


def test_a_name_that_resolves_to_loopback_only_at_delivery_time_is_refused(
    monkeypatch: pytest.MonkeyPatch, inbox: Receiver
) -> None:
    url = inbox.url.replace("127.0.0.1", "hooks.example.com")
    check_target(url, allow_private=False)  # a name: judged when it is resolved
    real = socket.getaddrinfo

    def rebound(host: str, *args: Any, **options: Any) -> Any:
        return real("127.0.0.1" if host == "hooks.example.com" else host, *args, **options)

    monkeypatch.setattr(socket, "getaddrinfo", rebound)
    with pytest.raises(Undelivered, match=r"^refused: loopback address$"):
        Sender(deadline_s=1).post(url, b"{}", {})
    assert inbox.received == []


def test_the_admin_setting_allows_private_targets() -> None:
    assert Settings().webhook_allow_private is False
    allowed = Settings.from_env({"TECHSPEC_WEBHOOK_ALLOW_PRIVATE": "1"})
    assert allowed.webhook_allow_private is True


def _not_http(sink: Sink) -> None:
    sink.write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")


def _silent(sink: Sink) -> None:
    time.sleep(1.5)


@pytest.mark.parametrize(
    ("answer", "scheme", "error"),
    [
        (drip(0.05, 60), "http", "timed out after 0.5 s"),
        (_silent, "http", "timed out after 0.5 s"),
        (_not_http, "http", "answer is not HTTP"),
        (None, "https", "TLS failed"),
    ],
    ids=["drip", "silent", "not-http", "tls-to-plain-http"],
)
def test_a_failed_delivery_says_what_happened_in_plain_words(
    answer: Any, scheme: str, error: str
) -> None:
    with receiver(answer=answer) as target:
        url = target.url.replace("http:", f"{scheme}:")
        with pytest.raises(Undelivered) as failed:
            Sender(deadline_s=0.5, allow_private=True).post(url, b"{}", {})
    assert str(failed.value) == error


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://127.0.0.1:{closed}/", "could not connect"),
        ("http://10.1.2.3/", "refused: private address"),
        ("http://169.254.169.254/latest/meta-data/", "refused: link-local address"),
        ("http://[::ffff:7f00:1]:9/", "refused: loopback address"),
    ],
)
def test_an_unreachable_target_is_reported_without_the_systems_error_text(
    url: str, error: str
) -> None:
    allow = url.startswith("http://127.")  # the closed port is on loopback
    target = url.format(closed=free_port())
    with pytest.raises(Undelivered) as failed:
        Sender(deadline_s=2, allow_private=allow).post(target, b"{}", {})
    assert str(failed.value) == error


def test_a_host_name_that_does_not_resolve_is_reported_as_such(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unknown(host: str, *args: Any, **options: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unknown)
    with pytest.raises(Undelivered, match=r"^could not resolve the host name$"):
        Sender(deadline_s=1).post("https://hooks.example.com/", b"{}", {})
