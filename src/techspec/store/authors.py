"""The people a spec's Author field names, kept as rows so that "specs naming this
person as an author" is an index probe.

The field is free text (``Ada, Grace and Tom``); :func:`named_authors` is the one reading
of it, used by the workflow (authors may not approve) and the review queue alike.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from techspec.store.names import names_in
from techspec.store.schema import spec_authors

NAME_LENGTH = 200
"""Longest name kept (the column's width); a longer one cannot be a user's name."""


def named_authors(field: str | None) -> set[str]:
    """The names an Author field lists (``Ada, Grace and Tom``), case-folded, read as
    :func:`~techspec.store.names.names_in` reads any field of names."""
    return {name.casefold() for name in names_in(field)}


def author_rows(spec_id: int, field: str | None) -> list[dict[str, object]]:
    """The ``spec_authors`` rows for one spec's Author field."""
    return [
        {"name": name, "spec_id": spec_id}
        for name in sorted(named_authors(field))
        if len(name) <= NAME_LENGTH
    ]


def set_authors(connection: Connection, spec_id: int, field: str | None) -> None:
    """Replace the names recorded for ``spec_id`` with those its Author field holds."""
    connection.execute(sa.delete(spec_authors).where(spec_authors.c.spec_id == spec_id))
    rows = author_rows(spec_id, field)
    if rows:
        connection.execute(sa.insert(spec_authors), rows)


def naming(name: str) -> sa.Select[tuple[int]]:
    """The ids of specs whose Author field names ``name``."""
    return sa.select(spec_authors.c.spec_id).where(spec_authors.c.name == name.casefold())
