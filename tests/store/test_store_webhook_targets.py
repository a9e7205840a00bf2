"""Where a webhook may point, judged from its URL alone: http(s) only, and no literal
loopback, private, link-local, unspecified or multicast address (in any spelling,
IPv4 or IPv6) unless the admin allows private targets."""

from __future__ import annotations

import ipaddress

import pytest

from techspec.errors import TechspecError, UsageError
from techspec.store import webhooks
from techspec.store.engine import Store
from techspec.store.webhook_targets import TargetRefused, check_target, parse_target, refusal

REFUSED = [
    ("http://127.0.0.1:8080/hook", "loopback"),
    ("http://127.1/", "loopback"),
    ("http://2130706433/", "loopback"),
    ("http://0x7f.0.0.1/", "loopback"),
    ("http://[::1]/", "loopback"),
    ("http://[::ffff:127.0.0.1]/", "loopback"),
    ("http://[2002:7f00:1::]/", "loopback"),
    ("http://10.0.0.5/", "private"),
    ("https://172.16.3.4/", "private"),
    ("http://192.168.1.1/", "private"),
    ("http://100.64.0.1/", "private"),
    ("http://[fd00::1]/", "private"),
    ("http://[::ffff:10.0.0.1]/", "private"),
    ("http://[64:ff9b::a00:1]/", "private"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://[fe80::1]/", "link-local"),
    ("http://0.0.0.0:8000/", "unspecified"),
    ("http://[::]/", "unspecified"),
    ("http://224.0.0.1/", "multicast"),
    ("http://[ff02::1]/", "multicast"),
]
PUBLIC = [
    "https://hooks.example.com/techspec",
    "http://localhost:8000/",  # a name: judged by what it resolves to, at delivery
    "http://8.8.8.8/",
    "https://[2606:4700:4700::1111]/",
    "http://[::ffff:8.8.8.8]/",
    "http://[64:ff9b::808:808]/",
]
INVALID = [
    "ftp://hooks.example.com/",
    "javascript:alert(1)",
    "http://",
    "http:///path-only",
    "http://hooks.example.com:99999/",
    "http://hooks example.com/",
    "http://hooks.example.com/\r\nX-Injected: 1",
]


@pytest.mark.parametrize(("url", "kind"), REFUSED)
def test_a_literal_non_public_address_is_refused(url: str, kind: str) -> None:
    with pytest.raises(TargetRefused) as refused:
        check_target(url, allow_private=False)
    assert refused.value.reason == f"refused: {kind} address"
    assert str(refused.value) == (
        f"webhook URL {url!r} refused: {kind} address (TECHSPEC_WEBHOOK_ALLOW_PRIVATE=1 allows it)"
    )


@pytest.mark.parametrize(("url", "kind"), REFUSED)
def test_the_admin_setting_allows_any_literal_address(url: str, kind: str) -> None:
    check_target(url, allow_private=True)


@pytest.mark.parametrize("url", PUBLIC)
def test_a_public_address_or_a_host_name_passes(url: str) -> None:
    check_target(url, allow_private=False)


@pytest.mark.parametrize("url", INVALID)
@pytest.mark.parametrize("allow_private", [False, True])
def test_a_url_that_is_not_http_with_a_host_is_refused(url: str, allow_private: bool) -> None:
    with pytest.raises(TargetRefused, match="expected http:// or https:// and a host"):
        check_target(url, allow_private=allow_private)


def test_a_refused_target_is_a_usage_error_exit_2_and_http_400() -> None:
    with pytest.raises(TechspecError) as refused:
        check_target("http://127.0.0.1/", allow_private=False)
    assert isinstance(refused.value, UsageError)
    assert (refused.value.exit_code, refused.value.http_status) == (2, 400)


def test_a_target_keeps_what_the_request_needs() -> None:
    target = parse_target("https://user:pa%3As@Bücher.example:8443/hoök?a=ü#frag")
    assert (target.scheme, target.host, target.port) == ("https", "xn--bcher-kva.example", 8443)
    assert target.path == "/ho%C3%B6k?a=%C3%BC"
    assert target.authority == "xn--bcher-kva.example:8443"
    assert (target.username, target.password) == ("user", "pa:s")
    assert parse_target("http://[::1]/").authority == "[::1]"


def test_an_ipv4_mapped_address_is_judged_by_its_ipv4_address() -> None:
    assert refusal(ipaddress.ip_address("::ffff:192.168.0.1")) == "private"
    assert refusal(ipaddress.ip_address("::ffff:93.184.216.34")) is None


def test_adding_a_webhook_refuses_a_literal_private_address_when_asked(store: Store) -> None:
    with pytest.raises(TargetRefused):
        webhooks.add(store, "http://127.0.0.1:9/hook", allow_private=False)
    assert webhooks.all_webhooks(store) == []
    added = webhooks.add(store, "http://127.0.0.1:9/hook")
    assert [w.id for w in webhooks.all_webhooks(store)] == [added.id]
