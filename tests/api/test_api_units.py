"""The API's library pieces without HTTP: rate buckets, entity tags, cursors, settings,
webhook signatures and the outbox."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest
from api_support import draft, schema_differences

from techspec.api import conditional, paging
from techspec.api.errors import BadRequest, PreconditionRequired, TooManyRequests, kind
from techspec.api.limits import RateLimiter
from techspec.api.settings import Settings
from techspec.errors import ConfigError, UsageError
from techspec.store import inbox_schema, revisions, webhooks
from techspec.store.engine import Store
from techspec.store.search import Listed
from techspec.store.users import find_user


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_its_burst_then_its_rate() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=2, burst=3, clock=clock)
    for _ in range(3):
        limiter.check("a")
    with pytest.raises(TooManyRequests) as refused:
        limiter.check("a")
    assert refused.value.retry_after == 1
    limiter.check("b")
    clock.now = 0.5
    limiter.check("a")
    with pytest.raises(TooManyRequests):
        limiter.check("a")


def test_a_zero_rate_turns_limiting_off() -> None:
    limiter = RateLimiter(rate=0, burst=1)
    for _ in range(100):
        limiter.check("a")


def test_entity_tags_are_read_without_quotes_or_weak_prefix() -> None:
    assert conditional.tags('"a", W/"b" ,c') == ["a", "b", "c"]
    assert conditional.none_match('"x", "a"', "a")
    assert conditional.none_match("*", "a")
    assert not conditional.none_match(None, "a")
    assert not conditional.none_match('"b"', "a")


@pytest.mark.parametrize("header", [None, "", "  ", "*"])
def test_a_missing_or_blind_if_match_is_428(header: str | None) -> None:
    with pytest.raises(PreconditionRequired):
        conditional.required_match(header)


def test_a_cursor_round_trips_and_refuses_another_query() -> None:
    query = paging.Query(status="Review")
    cursor = paging.encode_cursor(paging.Position(40), query)
    assert paging.decode_cursor(cursor, query) == paging.Position(40)
    with pytest.raises(BadRequest, match="another query"):
        paging.decode_cursor(cursor, paging.Query(status="Draft"))
    with pytest.raises(BadRequest, match="invalid cursor"):
        paging.decode_cursor("!!", query)


def test_a_listing_cursor_holds_the_last_specs_time_and_id() -> None:
    query = paging.Query()
    moment = datetime(2026, 11, 25, 10, 0, 0, 123456, tzinfo=UTC)
    last = Listed(7, "ledger", "Ledger", "Draft", "ada", moment, 3, 0, 0, 0, 0)
    found = paging.decode_cursor(paging.encode_cursor(paging.Position(after=last), query), query)
    assert found.after is not None
    assert (found.after.updated_at, found.after.id) == (moment, 7)


@pytest.mark.parametrize("after", [["not a time", 1], ["2026-11-25T10:00:00+00:00", "7"], 5])
def test_a_forged_listing_cursor_is_invalid(after: object) -> None:
    query = paging.Query()
    raw = json.dumps({"o": 0, "f": query.fingerprint(), "a": after}).encode()
    forged = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    with pytest.raises(BadRequest, match="invalid cursor"):
        paging.decode_cursor(forged, query)


def test_settings_come_from_the_environment_and_flags_win() -> None:
    env = {"TECHSPEC_PORT": "9000", "TECHSPEC_WEBHOOKS": "no", "TECHSPEC_RATE_BURST": "5"}
    settings = Settings.from_env(env, port=9100)
    assert (settings.port, settings.webhooks, settings.rate_burst) == (9100, False, 5)
    assert Settings.from_env(settings.to_env()) == settings
    with pytest.raises(ConfigError, match="TECHSPEC_PORT: 'eighty' is not a valid int"):
        Settings.from_env({"TECHSPEC_PORT": "eighty"})


def test_problem_types_are_named_from_the_error_class() -> None:
    assert kind(PreconditionRequired) == "precondition-required"
    assert kind("NotFound") == "not-found"


def test_the_signature_is_hmac_sha256_of_the_exact_body() -> None:
    body = b'{"event":"revision"}'
    expected = hmac.new(b"key", body, hashlib.sha256).hexdigest()
    assert webhooks.signature("key", body) == f"sha256={expected}"


def test_the_outbox_holds_one_row_per_subscribed_receiver_and_event(store: Store) -> None:
    everything = webhooks.add(store, "http://127.0.0.1:1/all")
    approvals_only = webhooks.add(store, "http://127.0.0.1:1/approvals", ["approval"])
    revisions.create_spec(store, "ledger", draft(), author=find_user(store, "ada"))
    assert webhooks.fan_out(store, "http://api") == 1
    assert webhooks.fan_out(store, "http://api") == 0
    [due] = webhooks.claim(store, lease_seconds=30)
    assert (due.webhook_id, due.event) == (everything.id, "revision")
    assert webhooks.claim(store, lease_seconds=30) == []
    outcome = webhooks.record(
        store,
        due,
        status_code=500,
        error="HTTP 500",
        duration_ms=3,
        max_attempts=2,
        backoff_seconds=0,
    )
    assert outcome == "retry"
    [again] = webhooks.claim(store, lease_seconds=30)
    final = webhooks.record(
        store,
        again,
        status_code=None,
        error="refused",
        duration_ms=1,
        max_attempts=2,
        backoff_seconds=0,
    )
    assert final == "failed"
    assert [d.outcome for d in webhooks.deliveries(store, everything.id)] == ["failed", "retry"]
    assert webhooks.deliveries(store, approvals_only.id) == []


@pytest.mark.parametrize(
    ("url", "events"),
    [("ftp://x", ["revision"]), ("http://x y", ["revision"]), ("http://x", ["push"])],
)
def test_a_bad_webhook_is_refused(store: Store, url: str, events: list[str]) -> None:
    with pytest.raises(UsageError):
        webhooks.add(store, url, events)


def test_the_webhook_migration_matches_the_table_definitions(db_url: str) -> None:
    assert schema_differences(db_url) == []


def test_the_inbox_migration_matches_the_table_definitions(db_url: str) -> None:
    assert schema_differences(db_url, inbox_schema.tables) == []
