"""Schema migrations (Alembic), shipped inside the package.

``HEAD`` names the newest migration, read from the scripts' ``revision`` and
``down_revision`` lines (without importing Alembic), so that opening a store checks the
schema with one query; a test keeps it equal to Alembic's own head.  Other components
(the web UI) add their migrations to the same chain.
"""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from techspec.store.database import Store, redact
from techspec.store.errors import StoreError

DIRECTORY = Path(__file__).parent
_REVISION = re.compile(r"^revision\b[^=\n]*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN = re.compile(r"^down_revision\b[^=\n]*=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


def _head() -> str:
    revisions: set[str] = set()
    revised: set[str] = set()
    for script in (DIRECTORY / "versions").glob("*.py"):
        text = script.read_text("utf-8")
        if found := _REVISION.search(text):
            revisions.add(found.group(1))
        if down := _DOWN.search(text):
            revised.update(_QUOTED.findall(down.group(1)))
    heads = sorted(revisions - revised)
    if len(heads) != 1:
        raise RuntimeError(f"the migrations must have one head, found {heads}")
    return heads[0]


HEAD = _head()
LOCK_KEY = 0x7465_6368  # "tech": the advisory lock that serializes upgrades


def alembic_config(connection: Connection | None = None) -> object:
    """An Alembic ``Config`` for the shipped scripts (typed loosely: Alembic is lazy-loaded)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(DIRECTORY))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def current(connection: Connection) -> str | None:
    """The schema revision recorded in the database; None for an empty database."""
    inspector = sa.inspect(connection)
    if not inspector.has_table("alembic_version"):
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(store: Store) -> tuple[str | None, str]:
    """Bring the schema to ``HEAD`` in one transaction; returns (before, after)."""
    from alembic import command
    from alembic.config import Config

    with store.write() as connection:
        if connection.dialect.name == "postgresql":
            # Two instances upgrading at once: the second waits, then finds HEAD.
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        before = current(connection)
        if before != HEAD:
            config = alembic_config(connection)
            assert isinstance(config, Config)
            command.upgrade(config, "head")
    return before, HEAD


def ensure_current(store: Store, *, auto: bool) -> None:
    """Check the schema is at ``HEAD``; upgrade it first when ``auto``."""
    with store.read() as connection:
        found = current(connection)
    if found == HEAD:
        return
    if auto:
        upgrade(store)
        return
    if found is None:
        raise StoreError(
            f"the database {store_label(store)} has no techspec schema: "
            "run 'techspec db upgrade' first"
        )
    raise StoreError(
        f"the database {store_label(store)} is at schema {found}, this techspec needs "
        f"{HEAD}: run 'techspec db upgrade'"
    )


def store_label(store: Store) -> str:
    return redact(store.url)
