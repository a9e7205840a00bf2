"""Every bad input is a 4xx problem, never a 500: spec refs that are not ASCII digits or
go past the id column (32 bits on PostgreSQL), JSON nested without end, forged cursors,
``updated_since`` at the edges of the calendar (the cases of the security review,
issue 14)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from api_support import draft
from fastapi.testclient import TestClient

from techspec.api import paging
from techspec.api.bodies import MAX_DEPTH
from techspec.store import revisions
from techspec.store.engine import Store
from techspec.store.revisions import spec_id
from techspec.store.users import find_user

People = dict[str, dict[str, str]]


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["detail"]
    return body


@pytest.fixture
def three(store: Store) -> list[int]:
    """Specs 1, 2 and 3, written straight to the store."""
    user = find_user(store, "ada")
    saved = [
        revisions.create_spec(store, slug, draft(slug.title(), "ada"), author=user)
        for slug in ("one", "two", "three")
    ]
    return [found.spec.id for found in saved]


BAD_REFS = {
    "superscript two": "%C2%B2",
    "arabic-indic three": "%D9%A3",
    "fullwidth three": "%EF%BC%93",
    "hash superscript": "%23%C2%B2",
    "past 64 bits": "99999999999999999999999",
    "past the id column": "9223372036854775807",
    "just past the largest id": "2147483648",
    "thousands of digits": "9" * 5000,
}
SPEC_PATHS = [
    "/api/v1/specs/{ref}",
    "/api/v1/specs/{ref}.md",
    "/api/v1/specs/{ref}/revisions",
    "/api/v1/specs/{ref}/revisions/1",
    "/api/v1/specs/{ref}/diff?from=1",
    "/api/v1/specs/{ref}/approvals",
]


@pytest.mark.parametrize("path", SPEC_PATHS)
@pytest.mark.parametrize("ref", BAD_REFS.values(), ids=BAD_REFS.keys())
def test_a_ref_of_other_digits_or_past_the_id_column_is_an_unknown_spec(
    client: TestClient, people: People, three: list[int], path: str, ref: str
) -> None:
    assert three == [1, 2, 3]
    response = client.get(path.format(ref=ref), headers=people["ada"])
    assert "unknown spec" in _problem(response, 404)["detail"]


@pytest.mark.parametrize("ref", BAD_REFS.values(), ids=BAD_REFS.keys())
def test_writes_to_such_a_ref_are_404_too(
    client: TestClient, people: People, three: list[int], ref: str
) -> None:
    headers = {**people["root"], "If-Match": '"x"', "Content-Type": "text/markdown"}
    _problem(client.put(f"/api/v1/specs/{ref}", content=draft(), headers=headers), 404)
    _problem(client.delete(f"/api/v1/specs/{ref}", headers=people["root"]), 404)
    transition = {"to": "Review"}
    url = f"/api/v1/specs/{ref}/transitions"
    _problem(client.post(url, json=transition, headers=people["root"]), 404)
    audit = client.get("/api/v1/audit", params={"spec": ref}, headers=people["root"])
    _problem(audit, 422 if len(ref) > 200 else 404)  # ?spec= is at most 200 characters


def test_ascii_digits_still_name_an_id(
    client: TestClient, people: People, three: list[int]
) -> None:
    found = client.get("/api/v1/specs/3", headers=people["ada"])
    assert found.status_code == 200
    assert found.json()["slug"] == "three"


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("#12", 12),
        ("#2147483647", 2**31 - 1),
        ("#2147483648", None),
        ("#9223372036854775807", None),
        ("#0012", 12),
        ("#²", None),
        ("#٣", None),
        ("#", None),
        ("12", None),
        ("#1 ", None),
        ("#-1", None),
    ],
)
def test_the_store_reads_an_id_only_from_ascii_digits_within_the_id_column(
    ref: str, expected: int | None
) -> None:
    assert spec_id(ref) == expected


def _post_json(client: TestClient, people: People, raw: bytes) -> Any:
    headers = {**people["ada"], "Content-Type": "application/json"}
    return client.post("/api/v1/specs", content=raw, headers=headers)


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b"[" * 100_000,
        b'{"content": ' + b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1) + b"}",
    ],
    ids=["arrays", "objects", "unclosed", "one level too deep"],
)
def test_json_nested_past_the_limit_is_400_before_it_is_parsed(
    client: TestClient, people: People, raw: bytes
) -> None:
    detail = _problem(_post_json(client, people, raw), 400)["detail"]
    assert f"deeper than {MAX_DEPTH} levels" in detail


def test_json_within_the_limit_is_read_as_before(client: TestClient, people: People) -> None:
    nested = b'{"content": ' + b"[" * MAX_DEPTH + b"]" * MAX_DEPTH + b"}"
    detail = _problem(_post_json(client, people, nested), 422)["detail"]
    assert "'content'" in detail


def test_a_number_of_thousands_of_digits_is_malformed_json(
    client: TestClient, people: People
) -> None:
    raw = b'{"content": ' + b"9" * 5000 + b"}"
    assert "malformed JSON" in _problem(_post_json(client, people, raw), 400)["detail"]


def _cursor(data: object) -> str:
    raw = json.dumps(data).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


FINGERPRINT = paging.Query().fingerprint()
FORGED = {
    "offset of 10**30": {"o": 10**30, "f": FINGERPRINT},
    "negative offset": {"o": -1, "f": FINGERPRINT},
    "offset past the search limit": {"o": paging.MAX_SEARCH + 1, "f": FINGERPRINT},
    "boolean offset": {"o": True, "f": FINGERPRINT},
    "float offset": {"o": 1.5, "f": FINGERPRINT},
    "id of 10**30": {"o": 0, "f": FINGERPRINT, "a": ["2026-01-01T00:00:00+00:00", 10**30]},
    "id zero": {"o": 0, "f": FINGERPRINT, "a": ["2026-01-01T00:00:00+00:00", 0]},
    "id as text": {"o": 0, "f": FINGERPRINT, "a": ["2026-01-01T00:00:00+00:00", "1"]},
    "year 1 east of utc": {"o": 0, "f": FINGERPRINT, "a": ["0001-01-01T00:00:00+14:00", 1]},
    "year 9999 west of utc": {"o": 0, "f": FINGERPRINT, "a": ["9999-12-31T23:59:59-14:00", 1]},
    "date as a number": {"o": 0, "f": FINGERPRINT, "a": [20260101, 1]},
    "position of one part": {"o": 0, "f": FINGERPRINT, "a": [1]},
    "a list": [0, FINGERPRINT],
    "a string": "o",
}


@pytest.mark.parametrize("data", FORGED.values(), ids=FORGED.keys())
def test_a_forged_cursor_is_400(client: TestClient, people: People, data: object) -> None:
    response = client.get("/api/v1/specs", params={"cursor": _cursor(data)}, headers=people["ada"])
    assert "invalid cursor" in _problem(response, 400)["detail"]


def test_a_cursor_of_a_real_page_still_works(
    client: TestClient, people: People, three: list[int]
) -> None:
    first = client.get("/api/v1/specs", params={"limit": 2}, headers=people["ada"]).json()
    params = {"limit": 2, "cursor": first["next_cursor"]}
    second = client.get("/api/v1/specs", params=params, headers=people["ada"])
    assert second.status_code == 200
    assert len(first["items"]) + len(second.json()["items"]) == 3


@pytest.mark.parametrize(
    ("since", "found"),
    [
        ("0001-01-01T00:00:00+01:00", 3),
        ("0001-01-01T00:00:00", 3),
        ("0001-01-01", 3),
        ("2000-01-01t00:00:00z", 3),
        ("9999-12-31T23:59:59-01:00", 0),
        ("9999-12-31T23:59:59.999999-23:59", 0),
        ("9999-12-31T23:59:59.999999Z", 0),
    ],
)
def test_updated_since_at_the_edges_of_the_calendar_is_everything_or_nothing(
    client: TestClient, people: People, three: list[int], since: str, found: int
) -> None:
    response = client.get("/api/v1/specs", params={"updated_since": since}, headers=people["ada"])
    assert response.status_code == 200, response.text
    assert len(response.json()["items"]) == found


@pytest.mark.parametrize(
    "since", ["0.5", "1700000000", "２０２６-01-01", "yesterday", "2026-13-01"]
)
def test_an_updated_since_that_is_no_date_time_is_422(
    client: TestClient, people: People, since: str
) -> None:
    response = client.get("/api/v1/specs", params={"updated_since": since}, headers=people["ada"])
    assert "updated_since" in _problem(response, 422)["detail"]
