"""The edges of test_api_bad_input.py on PostgreSQL, whose ids are 32-bit columns (a
larger value is an error there, not a missing row): an id past them is an unknown spec,
a cursor past them is refused, ``updated_since`` at the calendar's edges is read."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import pytest
from api_pg import Cluster
from api_support import add_people, draft
from fastapi.testclient import TestClient

from techspec.api import paging
from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.store.engine import open_store

People = dict[str, dict[str, str]]


@pytest.fixture(scope="module")
def served(postgres: Cluster) -> Iterator[tuple[TestClient, People]]:
    postgres.admin("CREATE DATABASE edges")
    url = postgres.url("edges")
    store = open_store(url, upgrade=True)
    people = add_people(store)
    settings = Settings(database_url=url, webhooks=False, rate_per_second=0)
    with TestClient(create_app(settings, store=store), raise_server_exceptions=False) as client:
        headers = {**people["ada"], "Content-Type": "text/markdown"}
        for title in ("One", "Two", "Three"):
            created = client.post("/api/v1/specs", content=draft(title, "ada"), headers=headers)
            assert created.status_code == 201, created.text
        yield client, people
    store.close()


@pytest.mark.parametrize("ref", ["2147483648", "9223372036854775807", "99999999999999999999"])
def test_an_id_past_the_column_is_an_unknown_spec(
    served: tuple[TestClient, People], ref: str
) -> None:
    client, people = served
    response = client.get(f"/api/v1/specs/{ref}", headers=people["ada"])
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(("spec_id", "status"), [(2**31 - 1, 200), (2**31, 400), (2**40, 400)])
def test_a_cursor_s_position_is_read_up_to_the_largest_id(
    served: tuple[TestClient, People], spec_id: int, status: int
) -> None:
    client, people = served
    data = {"o": 0, "f": paging.Query().fingerprint(), "a": ["2999-01-01T00:00:00Z", spec_id]}
    cursor = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    response = client.get("/api/v1/specs", params={"cursor": cursor}, headers=people["ada"])
    assert response.status_code == status, response.text
    if status == 200:
        assert len(response.json()["items"]) == 3


@pytest.mark.parametrize(
    ("since", "found"), [("0001-01-01T00:00:00+01:00", 3), ("9999-12-31T23:59:59-01:00", 0)]
)
def test_updated_since_at_the_calendar_s_edges_is_everything_or_nothing(
    served: tuple[TestClient, People], since: str, found: int
) -> None:
    client, people = served
    response = client.get("/api/v1/specs", params={"updated_since": since}, headers=people["ada"])
    assert response.status_code == 200, response.text
    assert len(response.json()["items"]) == found
