"""Fixtures for the web suite.

Fast tests use an in-process client over a copy of a database made once (the suite's
people with passwords, and the example specs).  Browser tests share one Chromium per
session (Debian's ``/usr/bin/chromium`` driven by Playwright) and one real ``techspec
serve`` process on a free loopback port; each test opens its own browser contexts, and
every page they load must log no console error.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, sync_playwright
from web_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    Server,
    Tabs,
    add_people,
    serve,
)

from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.store.engine import Store, open_store
from techspec.store.importer import collect, import_paths


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database with the suite's people and the example specs, made once."""
    path = tmp_path_factory.mktemp("web-template") / "techspec.db"
    store = open_store(f"sqlite:///{path}")
    add_people(store)
    import_paths(store, collect([str(ROOT / "examples")]))
    store.close()
    return path


@pytest.fixture
def db_url(tmp_path: Path, template_db: Path) -> str:
    path = tmp_path / "techspec.db"
    shutil.copyfile(template_db, path)
    return f"sqlite:///{path}"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = open_store(db_url)
    yield opened
    opened.close()


@pytest.fixture
def client(db_url: str, store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The whole app (API and web UI) in process, over a fresh copy of the database."""
    monkeypatch.setenv("TECHSPEC_SECRET_KEY", "web-suite-secret")
    settings = Settings(database_url=db_url, webhooks=False, rate_per_second=0)
    with TestClient(create_app(settings, store=store), raise_server_exceptions=False) as opened:
        yield opened


# -- the browser suite -------------------------------------------------------------------


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("web-server")
    shutil.copyfile(template_db, base / "techspec.db")
    with serve(f"sqlite:///{base / 'techspec.db'}", base / "server.log") as running:
        yield running


@pytest.fixture(scope="session")
def served_store(server: Server) -> Iterator[Store]:
    """The served database, for tests that set up specs without clicking."""
    opened = open_store(server.db_url)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def tabs(browser: Browser, server: Server) -> Iterator[Tabs]:
    """Open tabs (each in its own context); afterwards, none may have logged an error."""
    found = Tabs(browser, server.url)
    yield found
    errors = found.close()
    assert errors == [], "console errors:\n" + "\n".join(errors)
