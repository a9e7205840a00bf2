"""Fixtures for the API suite: an app over a real SQLite file (copied from a migrated
template, so each test starts empty in milliseconds), its in-process client, and the
suite's people with their tokens."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_pg import Cluster, cluster, pg_bin
from api_support import add_people, draft
from fastapi import FastAPI
from fastapi.testclient import TestClient

from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.store.engine import Store, open_store

People = dict[str, dict[str, str]]


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    """One throwaway PostgreSQL cluster for the API suite's PostgreSQL tests (per xdist
    worker); each test makes a database of its own name in it."""
    if not (pg_bin() / "initdb").exists():
        pytest.skip("PostgreSQL is not installed: run 'make system-deps'")
    with cluster() as found:
        yield found


@pytest.fixture(scope="session")
def populated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, People]:
    """A migrated database holding the suite's people and their tokens, made once."""
    path = tmp_path_factory.mktemp("api-template") / "techspec.db"
    store = open_store(f"sqlite:///{path}")
    headers = add_people(store)
    store.close()
    return path, headers


@pytest.fixture
def db_url(tmp_path: Path, populated: tuple[Path, People]) -> str:
    path = tmp_path / "techspec.db"
    shutil.copyfile(populated[0], path)
    return f"sqlite:///{path}"


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, auth_cache_seconds=0, webhooks=False, rate_per_second=0)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = open_store(db_url)
    yield opened
    opened.close()


@pytest.fixture
def app(settings: Settings, store: Store) -> FastAPI:
    return create_app(settings, store=store)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as opened:
        yield opened


@pytest.fixture
def people(populated: tuple[Path, People]) -> People:
    """name -> ``{"Authorization": "Bearer ..."}`` for every user of ``PEOPLE``."""
    return populated[1]


@pytest.fixture
def ledger(client: TestClient, people: People) -> dict[str, object]:
    """A clean Draft created by ada through the API: its JSON representation."""
    response = client.post(
        "/api/v1/specs",
        content=draft("Payments Ledger", "ada"),
        headers={**people["ada"], "Content-Type": "text/markdown"},
    )
    assert response.status_code == 201, response.text
    found: dict[str, object] = response.json()
    return found
