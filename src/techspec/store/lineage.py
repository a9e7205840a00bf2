"""Which spec a file belongs to: one spec per file lineage, whichever import saw it.

A spec is named by the stem its file had when it was first imported, and keeps that
slug when the file is renamed (``import --git`` follows ``git mv``).  The file's later
names are kept in ``spec_names``, so that a plain ``techspec import`` or
``techspec sync`` of the renamed file revises the same spec instead of creating a
second one.  A slug always wins over another spec's old name: ``b.md`` belongs to spec
``b`` when there is one.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from techspec.store.records import SpecRecord, spec_record
from techspec.store.schema import spec_names, specs


def remember(connection: Connection, name: str, spec_id: int) -> None:
    """Inside a write transaction: file stem ``name`` now belongs to spec ``spec_id``."""
    values = {"name": name, "spec_id": spec_id}
    statement: Any
    if connection.dialect.name == "postgresql":
        statement = pg_insert(spec_names).values(values)
    else:
        statement = sqlite_insert(spec_names).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=[spec_names.c.name], set_={"spec_id": spec_id}
    )
    connection.execute(statement)


def for_file(connection: Connection, stem: str) -> SpecRecord | None:
    """The live spec a file with this stem belongs to: the spec of that slug, else the
    spec the stem became the name of by a rename; ``None`` for a new file."""
    row = connection.execute(
        sa.select(specs).where(specs.c.slug == stem, specs.c.deleted == sa.false())
    ).first()
    if row is None:
        row = connection.execute(
            sa.select(specs)
            .join(spec_names, spec_names.c.spec_id == specs.c.id)
            .where(spec_names.c.name == stem, specs.c.deleted == sa.false())
        ).first()
    return spec_record(row) if row is not None else None
