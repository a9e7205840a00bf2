"""The store's records: a spec, one of its revisions, the outcome of a save."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from techspec.store.clock import as_utc


@dataclass(frozen=True, slots=True)
class SpecRecord:
    id: int
    slug: str
    template_sha256: str
    current_revision: int
    deleted: bool
    created_at: datetime
    updated_at: datetime
    title: str | None
    status: str | None
    author: str | None
    content_hash: str
    errors: int
    warnings: int
    open_tasks: int
    high_risks: int


@dataclass(frozen=True, slots=True)
class Revision:
    id: int
    spec_id: int
    number: int
    text: str
    sha256: str
    content_hash: str
    author: str | None
    created_at: datetime
    message: str
    kind: str
    title: str | None
    status: str | None
    version: str | None
    date: str | None
    errors: int
    warnings: int
    infos: int
    open_tasks: int
    high_risks: int


@dataclass(frozen=True, slots=True)
class Saved:
    """What a save did: ``created`` a spec, added a revision, or found the bytes unchanged."""

    spec: SpecRecord
    revision: int
    outcome: Literal["created", "revised", "unchanged"]
    note: str = ""


def spec_record(row: Any) -> SpecRecord:
    return SpecRecord(
        row.id,
        row.slug,
        row.template_sha256,
        row.current_revision,
        bool(row.deleted),
        as_utc(row.created_at),
        as_utc(row.updated_at),
        row.title,
        row.status,
        row.author,
        row.content_hash,
        row.errors,
        row.warnings,
        row.open_tasks,
        row.high_risks,
    )


def revision_record(row: Any) -> Revision:
    return Revision(
        row.id,
        row.spec_id,
        row.number,
        row.text,
        row.sha256,
        row.content_hash,
        row.author_name,
        as_utc(row.created_at),
        row.message,
        row.kind,
        row.title,
        row.status,
        row.version,
        row.doc_date,
        row.errors,
        row.warnings,
        row.infos,
        row.open_tasks,
        row.high_risks,
    )
