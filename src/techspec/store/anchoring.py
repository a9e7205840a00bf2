"""Re-anchoring review threads on a new revision (see :mod:`techspec.store.threads`).

Its own module because :mod:`techspec.store.revisions` calls :func:`reanchor` inside
every revision's write transaction, and the threads module reads revisions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from techspec.authoring import anchors
from techspec.document.model import Spec
from techspec.store import audit
from techspec.store.records import SpecRecord
from techspec.store.schema import revisions as revision_rows
from techspec.store.schema import thread_comments, threads, users

_ANCHORS = sa.select(threads.c.id, threads.c.section, threads.c.quote)


def reanchor(
    connection: Connection,
    spec: SpecRecord,
    number: int,
    text: str,
    actor: str | None,
    parsed: Spec | None = None,
) -> list[int]:
    """Inside the write transaction of revision ``number`` (``text``, already ``parsed``
    when given): mark outdated each open thread whose anchor it no longer holds.  Returns
    their ids.  Costs one indexed query when the spec has no open attached thread."""
    query = _ANCHORS.where(
        threads.c.spec_id == spec.id,
        threads.c.status == "open",
        threads.c.outdated_revision.is_(None),
    )
    rows = connection.execute(query).all()
    if not rows:
        return []
    return detach_gone(connection, spec, number, text, actor, rows, parsed)


def anchors_of(connection: Connection, ids: Sequence[int]) -> Sequence[Any]:
    """The id, section and quote of each thread of ``ids``."""
    return connection.execute(_ANCHORS.where(threads.c.id.in_(ids))).all()


def detach_gone(
    connection: Connection,
    spec: SpecRecord,
    number: int,
    text: str,
    actor: str | None,
    rows: Sequence[Any],
    parsed: Spec | None = None,
    *,
    anchored: int | None = None,
) -> list[int]:
    """Mark outdated the threads of ``rows`` (id, section, quote) whose anchor ``text``
    (revision ``number``) no longer holds, keeping their section as revision
    ``anchored`` had it (by default the one before: the last they were found in)."""
    found = anchors.regions(text, parsed)
    gone = [row for row in rows if not anchors.locate(text, found, row.section, row.quote)]
    if not gone:
        return []
    anchored = number - 1 if anchored is None else anchored
    previous = _text_at(connection, spec, anchored)
    earlier = anchors.regions(previous) if previous is not None else {}
    named = participants(connection, [row.id for row in gone])
    for row in gone:
        region = earlier.get(row.section)
        connection.execute(
            sa.update(threads)
            .where(threads.c.id == row.id)
            .values(
                outdated_revision=number,
                anchored_revision=anchored if previous is not None else None,
                anchored_line=region.line if region is not None else None,
                anchored_text=anchors.body(previous, region)
                if previous is not None and region is not None
                else None,
            )
        )
        audit.record(
            connection,
            actor=actor,
            action="thread.outdated",
            spec_id=spec.id,
            revision=number,
            details={"thread_id": row.id, "participants": named.get(row.id, [])},
        )
    return [row.id for row in gone]


def _text_at(connection: Connection, spec: SpecRecord, number: int) -> str | None:
    if number < 1:
        return None
    return connection.execute(
        sa.select(revision_rows.c.text).where(
            revision_rows.c.spec_id == spec.id, revision_rows.c.number == number
        )
    ).scalar()


def participants(connection: Connection, ids: Sequence[int]) -> dict[int, list[str]]:
    author = users.alias("author")
    query = (
        sa.select(thread_comments.c.thread_id, author.c.name)
        .join(author, author.c.id == thread_comments.c.author_id)
        .where(thread_comments.c.thread_id.in_(ids))
        .order_by(thread_comments.c.thread_id, thread_comments.c.id)
    )
    found: dict[int, dict[str, None]] = {}
    for row in connection.execute(query):
        found.setdefault(row.thread_id, {}).setdefault(row.name, None)
    return {key: list(names) for key, names in found.items()}
