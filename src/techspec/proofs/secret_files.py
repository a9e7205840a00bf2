"""Secrets kept in files, not in the database: where such a file goes beside a SQLite
database, and writing one so that only its owner can read it, atomically (a crash never
leaves half a key, and two servers starting at once never both make one)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def beside_database(database_url: str, suffix: str) -> Path | None:
    """The file ``<sqlite file><suffix>`` beside a SQLite database; None for PostgreSQL
    or an in-memory database.  Secrets that must not live in the database live there
    (the signing keyring, the web's session key)."""
    from sqlalchemy import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(database_url)
    except (ArgumentError, ValueError):
        return None
    name = parsed.database or ""
    in_memory = name in ("", ":memory:") or name.startswith("file:")
    if parsed.get_backend_name() != "sqlite" or in_memory:
        return None
    database = Path(name)
    return database.with_name(database.name + suffix)


def write_new(path: Path, text: str) -> None:
    """Create ``path`` with ``text`` (mode 600) atomically; FileExistsError if it exists."""
    temporary = _temporary(path, text)
    try:
        os.link(temporary, path)
    finally:
        temporary.unlink()


def replace(path: Path, text: str) -> None:
    """Write ``path`` anew with ``text`` (mode 600) atomically."""
    os.replace(_temporary(path, text), path)


def _temporary(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)
