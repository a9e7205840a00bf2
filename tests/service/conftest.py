"""Fixtures for the application layer's own tests: a migrated SQLite store with people."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from techspec.store.engine import Store, open_store
from techspec.store.users import User, add_user


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'techspec.db'}")
    yield opened
    opened.close()


@pytest.fixture
def ada(store: Store) -> User:
    """An author."""
    return add_user(store, "ada", ["author"])


@pytest.fixture
def vic(store: Store) -> User:
    """A viewer."""
    return add_user(store, "vic", ["viewer"])
