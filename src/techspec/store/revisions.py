"""Specs and their immutable revisions, with optimistic concurrency.

A save names the revision it was based on.  The spec row is moved forward with
``UPDATE specs SET current_revision = base + 1 WHERE id = ? AND current_revision = base``:
of two saves based on the same revision exactly one matches the row, on SQLite (whose
write transactions are serialized by ``BEGIN IMMEDIATE``) and on PostgreSQL (where the
second update waits for the first's row lock and then finds ``base`` gone).  The loser
gets a :class:`Conflict` and nothing is written: no lost update, no gap in the numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from techspec.document.model import Spec
from techspec.document.parser import parse
from techspec.errors import NotASpec, UsageError
from techspec.lint.linter import LintContext
from techspec.lint.template import Template, builtin_template
from techspec.store import approvals, audit, search, transparency
from techspec.store.anchoring import reanchor
from techspec.store.authors import set_authors
from techspec.store.clock import now
from techspec.store.engine import Store
from techspec.store.errors import Conflict, NotFound, StoreError
from techspec.store.facts import Facts, facts
from techspec.store.records import Revision as Revision  # re-exported: the API uses them
from techspec.store.records import Saved as Saved
from techspec.store.records import SpecRecord as SpecRecord
from techspec.store.records import revision_record, spec_record
from techspec.store.schema import revisions, specs, templates, users
from techspec.store.users import User

if TYPE_CHECKING:
    from techspec.store.lifecycle import SavePlan

Kind = Literal["import", "edit", "workflow"]
CONTENT_KINDS = ("import", "edit")
"""Revisions that carry an author's words (workflow revisions only write back decisions)."""

_SLUG = re.compile(r"^[^/\\\x00-\x1f]{1,200}$")


# -- reading ---------------------------------------------------------------------------


MAX_ID = 2**31 - 1
"""The largest id a ref may name: ids are ``INTEGER`` columns, 32 bits on PostgreSQL
(which refuses a larger value as out of range instead of finding no row)."""


def spec_id(ref: str) -> int | None:
    """The id of a ref written ``#12``; None for a slug.  Only ASCII digits name an id
    (``str.isdigit`` also takes '²' and '٣'), at most :data:`MAX_ID`: ``#²`` and
    ``#99999999999`` are slugs, which no spec has, so they are not found."""
    digits = ref[1:]
    if not ref.startswith("#") or not (digits.isascii() and digits.isdigit()) or len(digits) > 12:
        return None
    number = int(digits)
    return number if number <= MAX_ID else None


def resolve(connection: Connection, ref: str, *, lock: bool = False) -> SpecRecord:
    """A spec by slug, or by id written ``#12``; deleted specs are not found."""
    query = sa.select(specs).where(specs.c.deleted == sa.false())
    number = spec_id(ref)
    if number is not None:
        query = query.where(specs.c.id == number)
    else:
        query = query.where(specs.c.slug == ref)
    if lock:
        query = query.with_for_update()
    row = connection.execute(query).first()
    if row is None:
        raise NotFound(f"unknown spec '{ref}'", hint="see: techspec list")
    return spec_record(row)


def get_spec(store: Store, ref: str) -> SpecRecord:
    with store.read() as connection:
        return resolve(connection, ref)


def revision_row(connection: Connection, spec: SpecRecord, number: int | None = None) -> Revision:
    wanted = spec.current_revision if number is None else number
    query = (
        sa.select(revisions, users.c.name.label("author_name"))
        .outerjoin(users, users.c.id == revisions.c.author_id)
        .where(revisions.c.spec_id == spec.id, revisions.c.number == wanted)
    )
    row = connection.execute(query).first()
    if row is None:
        raise NotFound(
            f"spec '{spec.slug}' has no revision {wanted} (it has 1 to {spec.current_revision})"
        )
    return revision_record(row)


def get_revision(store: Store, ref: str, number: int | None = None) -> Revision:
    """A revision of a spec (the current one by default)."""
    with store.read() as connection:
        return revision_row(connection, resolve(connection, ref), number)


def history(store: Store, ref: str) -> list[Revision]:
    """Every revision of a spec, oldest first."""
    with store.read() as connection:
        spec = resolve(connection, ref)
        rows = connection.execute(
            sa.select(revisions, users.c.name.label("author_name"))
            .outerjoin(users, users.c.id == revisions.c.author_id)
            .where(revisions.c.spec_id == spec.id)
            .order_by(revisions.c.number)
        ).all()
    return [revision_record(row) for row in rows]


def template_of(connection: Connection, spec: SpecRecord) -> Template:
    row = connection.execute(
        sa.select(templates.c.name, templates.c.text).where(
            templates.c.sha256 == spec.template_sha256
        )
    ).one()
    return Template.from_markdown(row.text, row.name)


def authors(connection: Connection, spec_id: int) -> set[int]:
    """Ids of users who wrote content revisions of the spec (who may not approve it)."""
    query = sa.select(revisions.c.author_id).where(
        revisions.c.spec_id == spec_id,
        revisions.c.kind.in_(CONTENT_KINDS),
        revisions.c.author_id.is_not(None),
    )
    return set(connection.execute(query.distinct()).scalars().all())


# -- writing ---------------------------------------------------------------------------


def create_spec(
    store: Store,
    slug: str,
    text: str,
    *,
    author: User | None = None,
    template: Template | None = None,
    message: str = "",
    kind: Kind = "import",
) -> Saved:
    """A new spec with ``text`` as revision 1."""
    if not _SLUG.match(slug) or slug != slug.strip():
        raise UsageError(f"invalid spec name {slug!r}")
    chosen = template or builtin_template()
    found = facts(text, chosen)
    if not found.is_spec:
        raise NotASpec(
            f"not a spec: no '# {chosen.title}' heading and no metadata or sections of the template"
        )
    at = now()
    try:
        with store.write() as connection:
            _ensure_template(connection, chosen)
            spec_id = connection.execute(
                sa.insert(specs)
                .values(
                    slug=slug,
                    template_sha256=chosen.sha256,
                    current_revision=1,
                    created_at=at,
                    updated_at=at,
                    **_listing(found),
                )
                .returning(specs.c.id)
            ).scalar_one()
            _insert_revision(connection, spec_id, 1, text, found, author, at, message, kind)
            search.index_spec(connection, spec_id, found.title or "", text)
            audit.record(
                connection,
                actor=_name(author),
                action="spec.created",
                spec_id=spec_id,
                revision=1,
                details={"slug": slug, "sha256": found.sha256, "kind": kind},
            )
            spec = resolve(connection, f"#{spec_id}")
    except IntegrityError:
        raise Conflict(f"a spec named '{slug}' already exists") from None
    return Saved(spec, 1, "created")


def save(
    store: Store,
    ref: str,
    text: str,
    *,
    base: int,
    author: User | None = None,
    message: str = "",
    kind: Kind = "edit",
    during: Callable[[Connection, int], None] | None = None,
) -> Saved:
    """Add ``text`` as a new revision of ``ref``, based on revision ``base``.

    Unchanged bytes add nothing.  A stale ``base`` raises :class:`Conflict`.  The
    workflow's rules for its parts of the document apply (see
    :func:`techspec.store.lifecycle.prepare_save`): when the save makes the document
    claim more (or other) than the store holds, the workflow's revision that writes
    the store's record back follows it in the same transaction, and ``Saved.revision``
    is that one.  ``during`` runs in the write transaction before the revision is
    stored, with the number it will have (applying a suggestion resolves its thread so).
    """
    from techspec.store.lifecycle import prepare_save

    with store.read() as connection:
        spec = resolve(connection, ref)
        current = revision_row(connection, spec)
        template = template_of(connection, spec)
        decisions = approvals.all_for(connection, spec.id, spec.content_hash)
    if base != spec.current_revision:
        raise _conflict(spec, base)
    if text == current.text:
        return Saved(spec, spec.current_revision, "unchanged")
    parsed = LintContext(parse(text), template)
    plan = prepare_save(
        current,
        text,
        template,
        parsed,
        kind=kind,
        decisions=decisions,
        actor=_name(author) or "techspec",
        slug=spec.slug,
        signer=store.signer(),
    )
    found = facts(text, template, parsed)
    correction = facts(plan.correction, template) if plan.correction is not None else None
    if correction is not None and correction.content_hash != found.content_hash:
        raise StoreError(
            f"the workflow's write-back to spec '{spec.slug}' changed its content hash; "
            "refusing to store it"
        )
    with store.write() as connection:
        note = plan.note
        if during is not None:
            during(connection, base + 1)
        number = append(
            connection, spec, base, text, found, author, message or note, kind, parsed.spec
        )
        audit.record(
            connection,
            actor=_name(author),
            action="spec.revised",
            spec_id=spec.id,
            revision=number,
            details={
                "base": base,
                "sha256": found.sha256,
                "content_hash": found.content_hash,
                "kind": kind,
                "note": note,
            },
        )
        if plan.correction is not None and correction is not None:
            number = _correct(connection, spec, number, plan, correction, author)
        updated = resolve(connection, f"#{spec.id}")
    return Saved(updated, number, "revised", plan.note)


def _correct(
    connection: Connection,
    spec: SpecRecord,
    base: int,
    plan: SavePlan,
    found: Facts,
    author: User | None,
) -> int:
    """Store the workflow's revision after a save (its record written back), auditing
    a status change as the workflow's steps do."""
    assert plan.correction is not None
    number = append(
        connection, spec, base, plan.correction, found, author, plan.changes, "workflow"
    )
    before, after = plan.status
    if (before or "").casefold() != (after or "").casefold():
        audit.record(
            connection,
            actor=_name(author),
            action="status.changed",
            spec_id=spec.id,
            revision=number,
            details={"from": before, "to": after, "comment": plan.changes},
        )
    return number


def append(
    connection: Connection,
    spec: SpecRecord,
    base: int,
    text: str,
    found: Facts,
    author: User | None,
    message: str,
    kind: Kind,
    parsed: Spec | None = None,
) -> int:
    """Inside a write transaction: move the spec from ``base`` to ``base + 1`` and store
    the revision, or raise :class:`Conflict` when ``base`` is no longer current; its
    open review threads are re-anchored (``parsed``: ``text`` already parsed)."""
    number = base + 1
    at = now()
    moved = connection.execute(
        sa.update(specs)
        .where(specs.c.id == spec.id, specs.c.current_revision == base)
        .values(current_revision=number, updated_at=at, **_listing(found))
    )
    if moved.rowcount != 1:
        raise _conflict(spec, base, connection)
    try:
        with connection.begin_nested():
            _insert_revision(connection, spec.id, number, text, found, author, at, message, kind)
    except IntegrityError:
        raise _conflict(spec, base, connection) from None
    search.index_spec(connection, spec.id, found.title or "", text)
    reanchor(connection, spec, number, text, _name(author), parsed)
    return number


def soft_delete(store: Store, ref: str, *, actor: User | None = None) -> SpecRecord:
    """Hide a spec from lists and lookups; its revisions and audit trail stay."""
    with store.write() as connection:
        spec = resolve(connection, ref, lock=True)
        connection.execute(
            sa.update(specs).where(specs.c.id == spec.id).values(deleted=True, updated_at=now())
        )
        audit.record(
            connection,
            actor=_name(actor),
            action="spec.deleted",
            spec_id=spec.id,
            revision=spec.current_revision,
            details={"slug": spec.slug},
        )
    return spec


def current_specs(store: Store) -> list[tuple[str, str]]:
    """``(slug, current text)`` of every live spec, by slug (for export)."""
    query = (
        sa.select(specs.c.slug, revisions.c.text)
        .join(
            revisions,
            (revisions.c.spec_id == specs.c.id) & (revisions.c.number == specs.c.current_revision),
        )
        .where(specs.c.deleted == sa.false())
        .order_by(specs.c.slug)
    )
    with store.read() as connection:
        return [(row.slug, row.text) for row in connection.execute(query)]


# -- helpers ---------------------------------------------------------------------------


def _conflict(spec: SpecRecord, base: int, connection: Connection | None = None) -> Conflict:
    actual = spec.current_revision
    if connection is not None:
        found = connection.execute(
            sa.select(specs.c.current_revision).where(specs.c.id == spec.id)
        ).scalar()
        actual = found if found is not None else actual
    return Conflict(
        f"spec '{spec.slug}' is at revision {actual} but the save was based on revision "
        f"{base}: reload it and apply your change again"
    )


def _ensure_template(connection: Connection, template: Template) -> None:
    values = {"sha256": template.sha256, "name": template.name, "text": template.text}
    if connection.dialect.name == "postgresql":
        statement: Any = pg_insert(templates).values(values).on_conflict_do_nothing()
    else:
        statement = sqlite_insert(templates).values(values).on_conflict_do_nothing()
    connection.execute(statement)


def _listing(found: Facts) -> dict[str, Any]:
    return {
        "title": found.title,
        "status": found.status,
        "author": found.author,
        "content_hash": found.content_hash,
        "errors": found.errors,
        "warnings": found.warnings,
        "open_tasks": found.open_tasks,
        "high_risks": found.high_risks,
    }


def _insert_revision(
    connection: Connection,
    spec_id: int,
    number: int,
    text: str,
    found: Facts,
    author: User | None,
    at: datetime,
    message: str,
    kind: str,
) -> None:
    """Store one revision row (a leaf of the transparency log), and the Author names of
    what is now the spec's text."""
    set_authors(connection, spec_id, found.author)
    revision_id = connection.execute(
        sa.insert(revisions)
        .values(
            spec_id=spec_id,
            number=number,
            text=text,
            sha256=found.sha256,
            content_hash=found.content_hash,
            author_id=author.id if author is not None else None,
            created_at=at,
            message=message,
            kind=kind,
            title=found.title,
            status=found.status,
            version=found.version,
            doc_date=found.date,
            author=found.author,
            errors=found.errors,
            warnings=found.warnings,
            infos=found.infos,
            open_tasks=found.open_tasks,
            high_risks=found.high_risks,
        )
        .returning(revisions.c.id)
    ).scalar_one()
    transparency.append_revision(connection, revision_id, spec_id, number, found.sha256)


def _name(author: User | None) -> str | None:
    return author.name if author is not None else None
