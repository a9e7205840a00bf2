"""Spec operations: create (from Markdown or a template), read, save, delete.

Each write takes the acting user, checks :mod:`techspec.service.permissions` and calls
the store, which writes the revision and its audit event in one transaction.  Reads
resolve a spec with its current revision in one transaction.

A save based on a revision that is no longer current is never applied.  Without
``merge`` it is a :class:`Conflict` (:class:`PreconditionFailed` with ``If-Match``).
With ``merge`` the edit is merged section by section with what was saved meanwhile
(:mod:`techspec.authoring.merge`) and still nothing is saved: :class:`MergeReady`
carries the merged text, to be reviewed and saved based on the current revision, and
:class:`MergeConflict` the sections changed on both sides, to be chosen between.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from techspec.authoring.merge import Pick
from techspec.authoring.scaffold import scaffold, slugify
from techspec.document.parser import parse
from techspec.errors import UsageError
from techspec.lint.template import Template
from techspec.service import merges, naming
from techspec.service.permissions import (
    Actor,
    acting_user,
    actor_name,
    require_author,
    require_owner,
    require_reader,
)
from techspec.store import approvals, revisions
from techspec.store.approvals import Approval
from techspec.store.clock import as_utc
from techspec.store.engine import Store
from techspec.store.errors import Conflict, NotFound, PreconditionFailed
from techspec.store.revisions import Revision, Saved, SpecRecord
from techspec.store.schema import revisions as revisions_table
from techspec.store.schema import specs

MAX_SUFFIX = 100
MAX_TITLE = 200


def ref(value: str) -> str:
    """A URL's spec reference as the store spells it: ASCII digits are an id, else a
    slug (:func:`techspec.store.revisions.spec_id` judges the id's range)."""
    return f"#{value}" if value.isascii() and value.isdigit() else value


def derive_slug(text: str) -> str:
    """``Technical Specification: Payments Ledger`` -> ``payments-ledger``."""
    title = parse(text).title or "spec"
    _, colon, name = title.partition(":")
    return slugify(name if colon and name.strip() else title)


def create(
    store: Store,
    actor: Actor,
    text: str,
    *,
    slug: str | None = None,
    template: Template | None = None,
    message: str = "",
) -> Saved:
    """A new spec; a name taken by another spec gets ``-2``, ``-3``... unless it was given."""
    require_author(actor, "create specs")
    author = acting_user(actor)
    base = slug if slug is not None else derive_slug(text)
    for attempt in range(1, MAX_SUFFIX + 1):
        name = base if attempt == 1 else f"{base}-{attempt}"
        try:
            return revisions.create_spec(
                store, name, text, author=author, template=template, message=message
            )
        except Conflict:
            if slug is not None:
                raise
    raise Conflict(f"specs named '{base}' to '{base}-{MAX_SUFFIX}' all exist: give a slug")


def create_from_template(
    store: Store,
    actor: Actor,
    template: Template,
    title: str,
    *,
    authors: str | None = None,
    reviewers: str | None = None,
    slug: str | None = None,
    same_title: bool = True,
) -> Saved:
    """A new spec scaffolded from ``template``: ``title``, ``authors`` (the actor's name
    by default) and ``reviewers`` written into it, each as one line.  Without a ``slug``
    it is named ``NNNN-title`` with the store's next number
    (:mod:`techspec.service.naming`).  With ``same_title=False`` a title a live spec
    already has is refused with :class:`~techspec.service.naming.SameTitle` naming it."""
    require_author(actor, "create specs")
    title = _one_line(title)
    if not title:
        raise UsageError("give the spec a title")
    if len(title) > MAX_TITLE:
        raise UsageError(f"a title may have at most {MAX_TITLE} characters")
    author = _one_line(authors or "") or actor_name(actor) or ""
    text = scaffold(template, title, author, date.today(), reviewers=_one_line(reviewers or ""))
    if not same_title:
        full = parse(text).title or title
        existing = naming.with_title(store, full)
        if existing:
            raise naming.SameTitle(full, existing)
    message = f"new from template {template.name}"
    if slug is not None:
        return create(store, actor, text, slug=slug, template=template, message=message)
    for _attempt in range(MAX_SUFFIX):  # another spec may take the number meanwhile
        numbered = naming.numbered_slug(naming.next_number(store), title)
        try:
            return create(store, actor, text, slug=numbered, template=template, message=message)
        except Conflict:
            continue
    raise Conflict(f"could not number a new spec titled '{title}': try again")


def _one_line(value: str) -> str:
    return " ".join(value.split())


@dataclass(frozen=True, slots=True)
class Head:
    """A spec and its current revision's number and sha256 (the ETag), without the text."""

    spec: SpecRecord
    sha256: str


_HEAD = (
    sa.select(specs, revisions_table.c.sha256.label("revision_sha256"))
    .join(
        revisions_table,
        (revisions_table.c.spec_id == specs.c.id)
        & (revisions_table.c.number == specs.c.current_revision),
    )
    .where(specs.c.deleted == sa.false())
)
_HEAD_BY_ID = _HEAD.where(specs.c.id == sa.bindparam("ref", type_=sa.Integer))
_HEAD_BY_SLUG = _HEAD.where(specs.c.slug == sa.bindparam("ref", type_=sa.String))
_DATES = ("created_at", "updated_at")


def head(store: Store, reference: str) -> Head:
    """One indexed query (built once): the spec row joined to its current revision's hash."""
    number = revisions.spec_id(reference)
    query, value = (_HEAD_BY_SLUG, reference) if number is None else (_HEAD_BY_ID, number)
    with store.read() as connection:
        row = connection.execute(query, {"ref": value}).first()
    if row is None:
        raise NotFound(f"unknown spec '{reference}'", hint="see: techspec list")
    found = row._asdict()
    sha256 = found.pop("revision_sha256")
    found["deleted"] = bool(found["deleted"])
    for name in _DATES:
        found[name] = as_utc(found[name])
    return Head(SpecRecord(**found), sha256)


def saved_head(store: Store, saved: Saved) -> Head:
    """The head of the revision a save wrote (not whatever is current by now: answering
    with a later writer's ETag would let the client overwrite work it never saw)."""
    query = sa.select(revisions_table.c.sha256).where(
        revisions_table.c.spec_id == saved.spec.id, revisions_table.c.number == saved.revision
    )
    with store.read() as connection:
        return Head(saved.spec, connection.execute(query).scalar_one())


def revision_text(store: Store, spec: SpecRecord, sha256: str) -> tuple[str, Template]:
    """The text (and template) of ``spec``'s revision whose hash is ``sha256``."""
    query = sa.select(revisions_table.c.text).where(
        revisions_table.c.spec_id == spec.id, revisions_table.c.sha256 == sha256
    )
    with store.read() as connection:
        text = connection.execute(query.limit(1)).scalar_one()
        return text, revisions.template_of(connection, spec)


@dataclass(frozen=True, slots=True)
class Current:
    spec: SpecRecord
    revision: Revision


def current(store: Store, reference: str, number: int | None = None) -> Current:
    with store.read() as connection:
        spec = revisions.resolve(connection, reference)
        return Current(spec, revisions.revision_row(connection, spec, number))


def template(store: Store, spec: SpecRecord) -> Template:
    with store.read() as connection:
        return revisions.template_of(connection, spec)


def save(
    store: Store,
    actor: Actor,
    reference: str,
    text: str,
    *,
    base: int,
    message: str = "",
    override: bool = False,
    merge: bool = False,
    picks: Mapping[str, Pick] | None = None,
    against: int | None = None,
) -> Saved:
    """Save ``text`` as the revision after ``base``.  When ``base`` is no longer current
    nothing is written: :class:`Conflict`, or with ``merge`` :class:`MergeReady` or
    :class:`MergeConflict`.  ``picks`` resolve conflicts shown against revision
    ``against``; once another revision is saved they count no more."""
    require_reader(actor)
    spec = revisions.get_spec(store, reference)
    require_owner(store, actor, spec, "edit", override=override)
    try:
        return revisions.save(
            store, f"#{spec.id}", text, base=base, author=acting_user(actor), message=message
        )
    except Conflict:
        if not merge or base < 1:
            raise
        merges.merge_edit(store, spec, base, text, picks, against)
        raise


def save_if_match(
    store: Store,
    actor: Actor,
    reference: str,
    text: str,
    tags: list[str],
    *,
    message: str = "",
    merge: bool = False,
) -> Saved:
    """Save ``text`` when ``tags`` (an ``If-Match``) names the current revision's sha256;
    :class:`PreconditionFailed` otherwise, also when another writer moved the spec
    between our read and our write.  With ``merge``, tags naming an older revision of
    the spec get :class:`MergeReady` or :class:`MergeConflict` instead."""
    require_reader(actor)
    found = head(store, reference)
    require_owner(store, actor, found.spec, "edit")
    if found.sha256 not in tags:
        base = merges.tagged(store, found.spec, tags) if merge else None
        if base is not None:
            merges.merge_edit(store, found.spec, base, text)
        raise _stale(found.spec, found.sha256)
    try:
        return revisions.save(
            store,
            f"#{found.spec.id}",
            text,
            base=found.spec.current_revision,
            author=acting_user(actor),
            message=message,
        )
    except Conflict:
        if merge:
            merges.merge_edit(store, found.spec, found.spec.current_revision, text)
        latest = head(store, f"#{found.spec.id}")
        raise _stale(latest.spec, latest.sha256) from None


def delete(store: Store, actor: Actor, reference: str, *, override: bool = False) -> SpecRecord:
    """Soft-delete: hidden from reads and lists; its history and audit trail stay."""
    require_reader(actor)
    spec = current(store, reference).spec  # a deleted spec is unknown to everyone
    require_owner(store, actor, spec, "delete", override=override)
    return revisions.soft_delete(store, f"#{spec.id}", actor=acting_user(actor))


def _stale(spec: SpecRecord, sha256: str) -> PreconditionFailed:
    return PreconditionFailed(
        f"spec '{spec.slug}' has changed since the revision you edited (it is at revision "
        f"{spec.current_revision}): GET it again, reapply your change and send its ETag",
        etag=sha256,
    )


@dataclass(frozen=True, slots=True)
class AtStake:
    """The current approvals an edit of the spec's content would make stale, and the
    status it would go back to (``None`` when it stays where it is)."""

    approvals: list[Approval]
    back_to: str | None


def at_stake(store: Store, actor: Actor, reference: str) -> AtStake:
    """What saving a change to the content costs: the current approvals (each role's
    latest decision on the current content hash, when it approves), and for an
    Approved spec the move back to Review."""
    require_reader(actor)
    found = current(store, reference).spec
    with store.read() as connection:
        held = approvals.approved_roles(connection, found.id, found.content_hash)
        statuses = revisions.template_of(connection, found).statuses
    listed = sorted(held.values(), key=lambda approval: approval.id)
    approved = len(statuses) >= 4 and (found.status or "").casefold() == statuses[2].casefold()
    return AtStake(listed, statuses[1] if listed and approved else None)
