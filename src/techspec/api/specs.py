"""Spec operations the HTTP layer needs on top of the store: names from titles, reads of
a spec with its current revision in one transaction, and a save conditional on an ETag.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from techspec.api.errors import PreconditionFailed
from techspec.parser import parse
from techspec.scaffold import scaffold, slugify
from techspec.store import revisions
from techspec.store.engine import Store
from techspec.store.errors import Conflict
from techspec.store.revisions import Revision, Saved, SpecRecord
from techspec.store.users import User
from techspec.template import Template

MAX_SUFFIX = 100


def ref(value: str) -> str:
    """A URL's spec reference as the store spells it: digits are an id, else a slug."""
    return f"#{value}" if value.isdigit() else value


def derive_slug(text: str) -> str:
    """``Technical Specification: Payments Ledger`` -> ``payments-ledger``."""
    title = parse(text).title or "spec"
    _, colon, name = title.partition(":")
    return slugify(name if colon and name.strip() else title)


def create(
    store: Store,
    text: str,
    *,
    author: User,
    slug: str | None = None,
    template: Template | None = None,
    message: str = "",
) -> Saved:
    """A new spec; a name taken by another spec gets ``-2``, ``-3``... unless it was given."""
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


def from_template(template: Template, title: str, author: str) -> str:
    return scaffold(template, title.strip(), author, date.today())


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


def save_if_match(
    store: Store, found: Current, text: str, tags: list[str], *, author: User, message: str = ""
) -> Saved:
    """Save ``text`` over ``found`` when ``tags`` names its revision; 412 otherwise, also
    when another writer moved the spec between our read and our write."""
    if found.revision.sha256 not in tags:
        raise _stale(found.spec, found.revision.sha256)
    try:
        return revisions.save(
            store,
            f"#{found.spec.id}",
            text,
            base=found.spec.current_revision,
            author=author,
            message=message,
        )
    except Conflict:
        latest = current(store, f"#{found.spec.id}")
        raise _stale(latest.spec, latest.revision.sha256) from None


def _stale(spec: SpecRecord, sha256: str) -> PreconditionFailed:
    return PreconditionFailed(
        f"spec '{spec.slug}' has changed since the revision you edited (it is at revision "
        f"{spec.current_revision}): GET it again, reapply your change and send its ETag",
        etag=sha256,
    )
