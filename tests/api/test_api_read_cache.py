"""The read cache answers ``GET /api/v1/specs/{ref}`` before routing, exactly as the route
would: same bytes, same headers, same refusals, and never a stale answer, whoever wrote.

These tests keep tokens cached (the suite's default settings turn that off), since the
cache only answers for a token the token cache already knows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace

import pytest
from api_support import draft, edited
from fastapi import FastAPI
from fastapi.testclient import TestClient

from techspec.api.answers import Entry, ReadCache
from techspec.api.read_cache import SPEC, LoopVersion
from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.store import revisions
from techspec.store.engine import Store, open_store

People = dict[str, dict[str, str]]


@pytest.fixture
def cached_app(settings: Settings, store: Store) -> FastAPI:
    return create_app(replace(settings, auth_cache_seconds=60), store=store)


@pytest.fixture
def reader(cached_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(cached_app, raise_server_exceptions=False) as opened:
        yield opened


@pytest.fixture
def spec_id(store: Store) -> int:
    return revisions.create_spec(store, "ledger", draft("Payments Ledger", "ada")).spec.id


def hits(app: FastAPI) -> float:
    value = app.state.api.metrics.registry.get_sample_value("techspec_read_cache_hits_total")
    return float(value or 0.0)


def without_request_id(headers: object) -> list[tuple[str, str]]:
    items = headers.multi_items()  # type: ignore[attr-defined]
    return [(name, value) for name, value in items if name != "x-request-id"]


def test_a_repeated_read_is_answered_from_the_cache_with_the_same_bytes_and_headers(
    cached_app: FastAPI, reader: TestClient, people: People, spec_id: int
) -> None:
    first = reader.get(f"/api/v1/specs/{spec_id}", headers=people["vic"])
    assert first.status_code == 200
    assert hits(cached_app) == 0
    again = reader.get(f"/api/v1/specs/{spec_id}", headers=people["vic"])
    assert hits(cached_app) == 1
    assert again.status_code == 200
    assert again.content == first.content
    assert without_request_id(again.headers) == without_request_id(first.headers)
    assert again.headers["x-request-id"] != first.headers["x-request-id"]


def test_a_cached_spec_answers_if_none_match_with_the_routes_304(
    cached_app: FastAPI, reader: TestClient, people: People, spec_id: int, store: Store
) -> None:
    etag = reader.get("/api/v1/specs/ledger", headers=people["vic"]).headers["etag"]
    conditional = {**people["vic"], "If-None-Match": etag}
    cached = reader.get("/api/v1/specs/ledger", headers=conditional)
    assert hits(cached_app) == 1
    routed = create_app(Settings(database_url=store.url, webhooks=False), store=store)
    with TestClient(routed) as direct:
        expected = direct.get("/api/v1/specs/ledger", headers=conditional)
    assert (cached.status_code, expected.status_code) == (304, 304)
    assert cached.content == expected.content == b""
    assert without_request_id(cached.headers) == without_request_id(expected.headers)


def test_a_write_from_another_process_is_seen_at_once(
    cached_app: FastAPI, reader: TestClient, people: People, spec_id: int, db_url: str
) -> None:
    before = reader.get(f"/api/v1/specs/{spec_id}", headers=people["vic"])
    other = open_store(db_url)  # another engine on the same file, as another process has
    try:
        text = edited(draft("Payments Ledger", "ada"), "Edited elsewhere.")
        revisions.save(other, f"#{spec_id}", text, base=1)
    finally:
        other.close()
    after = reader.get(f"/api/v1/specs/{spec_id}", headers=people["vic"])
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert after.json()["revision"] == 2
    assert hits(cached_app) == 0
    reader.get(f"/api/v1/specs/{spec_id}", headers=people["vic"])
    assert hits(cached_app) == 1


def test_a_write_through_the_api_is_seen_by_the_next_read(
    reader: TestClient, people: People, spec_id: int
) -> None:
    before = reader.get(f"/api/v1/specs/{spec_id}", headers=people["ada"])
    put = reader.put(
        f"/api/v1/specs/{spec_id}",
        content=edited(draft("Payments Ledger", "ada"), "Edited here."),
        headers={
            **people["ada"],
            "If-Match": before.headers["etag"],
            "Content-Type": "text/markdown",
        },
    )
    assert put.status_code == 200, put.text
    after = reader.get(f"/api/v1/specs/{spec_id}", headers=people["ada"])
    assert after.headers["etag"] == put.headers["etag"] != before.headers["etag"]


def test_a_spec_deleted_after_it_was_cached_is_404(
    reader: TestClient, people: People, spec_id: int, store: Store
) -> None:
    assert reader.get(f"/api/v1/specs/{spec_id}", headers=people["vic"]).status_code == 200
    revisions.soft_delete(store, f"#{spec_id}")
    gone = reader.get(f"/api/v1/specs/{spec_id}", headers=people["vic"])
    assert gone.status_code == 404
    assert gone.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("who", "status"),
    [("nobody", 403), ("stranger", 401), ("malformed", 401), ("none", 401)],
)
def test_a_cached_spec_is_refused_as_the_route_refuses(
    cached_app: FastAPI, reader: TestClient, people: People, spec_id: int, who: str, status: int
) -> None:
    reader.get(f"/api/v1/specs/{spec_id}", headers=people["vic"])
    headers = {
        "nobody": people["nobody"],
        "stranger": {"Authorization": "Bearer not-a-token"},
        "malformed": {"Authorization": "Basic dmljOnNlY3JldA=="},
        "none": {},
    }[who]
    refused = reader.get(f"/api/v1/specs/{spec_id}", headers=headers)
    assert refused.status_code == status
    assert refused.headers["content-type"] == "application/problem+json"
    assert hits(cached_app) == 0


def test_a_token_over_its_rate_gets_429_from_a_cached_spec(
    settings: Settings, store: Store, people: People, spec_id: int
) -> None:
    limited = replace(settings, auth_cache_seconds=60, rate_per_second=0.01, rate_burst=3)
    app = create_app(limited, store=store)
    with TestClient(app) as client:
        codes = [client.get("/api/v1/specs/ledger", headers=people["vic"]) for _ in range(4)]
    assert [c.status_code for c in codes] == [200, 200, 200, 429]
    assert hits(app) == 2
    assert int(codes[-1].headers["Retry-After"]) >= 1


def test_cached_reads_are_logged_and_counted_under_the_route_template(
    cached_app: FastAPI, reader: TestClient, people: People, spec_id: int
) -> None:
    for _ in range(3):
        reader.get(f"/api/v1/specs/{spec_id}", headers=people["vic"])
    registry = cached_app.state.api.metrics.registry
    labels = {"method": "GET", "route": "/api/v1/specs/{ref}", "status": "200"}
    assert registry.get_sample_value("techspec_http_requests_total", labels) == 3
    assert hits(cached_app) == 2


def test_markdown_and_sub_resources_are_not_taken_for_a_spec(
    cached_app: FastAPI, reader: TestClient, people: People, spec_id: int
) -> None:
    reader.get(f"/api/v1/specs/{spec_id}", headers=people["vic"])
    markdown = reader.get(f"/api/v1/specs/{spec_id}.md", headers=people["vic"])
    listed = reader.get(f"/api/v1/specs/{spec_id}/revisions", headers=people["vic"])
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert listed.status_code == 200 and listed.json()[0]["number"] == 1
    assert hits(cached_app) == 0


def test_a_repeated_listing_is_answered_from_the_cache_until_a_spec_changes(
    cached_app: FastAPI, reader: TestClient, people: People, spec_id: int, db_url: str
) -> None:
    url = "/api/v1/specs?status=Draft&limit=10"
    first = reader.get(url, headers=people["vic"])
    again = reader.get(url, headers=people["vic"])
    assert hits(cached_app) == 1
    assert again.content == first.content
    assert without_request_id(again.headers) == without_request_id(first.headers)
    other_query = reader.get("/api/v1/specs?limit=10&status=Draft", headers=people["vic"])
    assert other_query.json() == first.json() and hits(cached_app) == 1  # another key
    other = open_store(db_url)
    try:
        revisions.create_spec(other, "late", draft("Late Arrival", "bob"))
    finally:
        other.close()
    after = reader.get(url, headers=people["vic"])
    assert [item["slug"] for item in after.json()["items"]] == ["late", "ledger"]
    assert hits(cached_app) == 1
    registry = cached_app.state.api.metrics.registry
    labels = {"method": "GET", "route": "/api/v1/specs", "status": "200"}
    assert registry.get_sample_value("techspec_http_requests_total", labels) == 4


def test_a_cache_of_size_zero_keeps_nothing(
    settings: Settings, store: Store, people: People, spec_id: int
) -> None:
    app = create_app(replace(settings, auth_cache_seconds=60, read_cache_size=0), store=store)
    with TestClient(app) as client:
        answers = [client.get("/api/v1/specs/ledger", headers=people["vic"]) for _ in range(3)]
    assert {a.status_code for a in answers} == {200}
    assert hits(app) == 0


def _entry(version: int, body: bytes = b"{}") -> Entry:
    return Entry(version, SPEC, "sha", body, [(b"etag", b'"sha"')], [(b"etag", b'"sha"')])


def test_an_entry_is_valid_only_at_the_version_it_was_read_at() -> None:
    cache = ReadCache(size=4)
    cache.put("7", _entry(version=1))
    assert cache.get("7", 1) is not None
    assert cache.get("7", 2) is None
    assert cache.get("8", 1) is None


def test_the_least_recently_read_entry_is_dropped_first() -> None:
    cache = ReadCache(size=2)
    cache.put("a", _entry(1))
    cache.put("b", _entry(1))
    cache.get("a", 1)
    cache.put("c", _entry(1))
    assert [ref for ref in "abc" if cache.get(ref, 1) is not None] == ["a", "c"]
    assert len(cache) == 2


def test_the_version_is_read_once_per_pass_of_the_event_loop(store: Store, db_url: str) -> None:
    """Requests a pass starts arrived before it began, so one read serves them all; the
    next pass reads again and sees what was written meanwhile."""
    version = LoopVersion(store)

    async def passes() -> tuple[int | None, int | None, int | None]:
        first = version.get()
        other = open_store(db_url)
        try:
            revisions.create_spec(other, "late", draft("Late Arrival", "bob"))
        finally:
            other.close()
        same_pass = version.get()
        await asyncio.sleep(0)
        return first, same_pass, version.get()

    first, same_pass, next_pass = asyncio.run(passes())
    assert first is not None
    assert same_pass == first
    assert next_pass is not None and next_pass != first
