"""A big portfolio, fast: bulk-insert generated specs (and, for the pages, the people,
approvals and audit log around them) straight into a migrated store.

Seeding bypasses parse, lint and the workflow per revision: it measures nothing, only
the queries afterwards do.  Rows are what the store itself would write (the listing
facts copied onto ``specs``, the search index, approvals bound to a content hash, an
audit log whose hash chain verifies), so every page reads them as it would real ones.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from seed_text import spec_text
from techspec.authoring.content_hash import revision_sha256
from techspec.lint.template import builtin_template
from techspec.service.passwords import set_password
from techspec.store import migrations
from techspec.store.audit import canonical, event_hash
from techspec.store.authors import author_rows
from techspec.store.engine import Store, make_engine, open_store
from techspec.store.schema import (
    approvals,
    audit_events,
    audit_head,
    revisions,
    spec_authors,
    specs,
    templates,
)
from techspec.store.users import User, add_user

STATUSES = ("Draft", "Review", "Approved", "Implemented")
BATCH = 2_000
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
PEOPLE: dict[str, tuple[str, ...]] = {
    "root": ("admin",),
    "ada": ("author",),
    "bob": ("author",),
    "tom": ("Technical Lead",),
    "pat": ("Product Owner",),
    "sue": ("Security Lead",),
}
"""An admin, two authors and one reviewer per sign-off role of the built-in template."""
REVIEWERS = {"tom": "Technical Lead", "pat": "Product Owner", "sue": "Security Lead"}
PASSWORD = "bench-correct-horse"
AuthorOf = Callable[[int], int | None]


def open_migrated(url: str) -> Store:
    """A store on ``url`` with the schema made (an empty database to start with)."""
    engine = make_engine(url)
    migrations.upgrade(Store(engine, url))
    engine.dispose()
    return open_store(url)


def seed(
    store: Store,
    start: int,
    end: int,
    seed_value: int = 7,
    *,
    author_of: AuthorOf = lambda _number: None,
) -> None:
    """Insert specs ``start`` (inclusive) to ``end`` (exclusive) with 3 revisions each;
    ``author_of(number)`` is the user who wrote spec ``number``'s revisions."""
    template = builtin_template()
    rng = random.Random(seed_value + start)
    if start == 0:
        with store.write() as connection:
            connection.execute(
                sa.insert(templates).values(
                    sha256=template.sha256, name=template.name, text=template.text
                )
            )
    for first in range(start, end, BATCH):
        spec_rows, revision_rows, search_rows, author_rows_ = [], [], [], []
        for number in range(first + 1, min(end, first + BATCH) + 1):
            status = STATUSES[rng.choices(range(4), weights=(40, 25, 20, 15))[0]]
            updated = EPOCH + timedelta(seconds=number * 7)
            text, open_tasks = "", 0
            for revision in (1, 2, 3):
                text, open_tasks = spec_text(number, revision, status, rng)
                revision_rows.append(
                    _revision_row(number, revision, text, status, open_tasks, updated, author_of)
                )
            spec_rows.append(
                {
                    "id": number,
                    "slug": f"spec-{number:06d}",
                    "template_sha256": template.sha256,
                    "current_revision": 3,
                    "deleted": False,
                    "created_at": updated,
                    "updated_at": updated,
                    "title": f"Technical Specification: Spec {number}",
                    "status": status,
                    "author": f"author{number % 50}",
                    "content_hash": revision_rows[-1]["sha256"],
                    "errors": int(number % 17 == 0),
                    "warnings": 0,
                    "open_tasks": open_tasks,
                    "high_risks": int(number % 10 == 0),
                }
            )
            search_rows.append({"id": number, "title": spec_rows[-1]["title"], "body": text})
            author_rows_.extend(author_rows(number, f"author{number % 50}"))
        with store.write() as connection:
            connection.execute(sa.insert(specs), spec_rows)
            connection.execute(sa.insert(revisions), revision_rows)
            connection.execute(sa.insert(spec_authors), author_rows_)
            if store.dialect == "postgresql":
                statement = (
                    "INSERT INTO spec_search (spec_id, title, body) VALUES (:id, :title, :body)"
                )
            else:
                statement = "INSERT INTO spec_fts (rowid, title, body) VALUES (:id, :title, :body)"
            connection.execute(sa.text(statement), search_rows)
    if store.dialect == "postgresql":
        with store.write() as connection:
            connection.execute(sa.text("SELECT setval('specs_id_seq', :n)"), {"n": end})


def _revision_row(
    number: int,
    revision: int,
    text: str,
    status: str,
    open_tasks: int,
    updated: datetime,
    author_of: AuthorOf,
) -> dict[str, object]:
    digest = revision_sha256(text)
    return {
        "spec_id": number,
        "number": revision,
        "text": text,
        "sha256": digest,
        "content_hash": digest,
        "author_id": author_of(number),
        "created_at": updated,
        "message": "",
        "kind": "import",
        "title": f"Spec {number}",
        "status": status,
        "version": "1.0",
        "doc_date": "2026-01-05",
        "author": f"author{number % 50}",
        "errors": 0,
        "warnings": 0,
        "infos": 0,
        "open_tasks": open_tasks,
        "high_risks": int(number % 10 == 0),
    }


def settle(store: Store) -> None:
    """After a bulk load: fresh planner statistics, and the load's writes flushed, so
    the timings that follow do not pay for the seeding."""
    if store.dialect == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as raw:
            raw.execute(sa.text("VACUUM ANALYZE"))
            raw.execute(sa.text("CHECKPOINT"))
        return
    with store.write() as connection:
        connection.execute(sa.text("ANALYZE"))
    with store.engine.connect() as raw:
        raw.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


# -- the people, their decisions and the audit log (the pages read these) -----------------


def add_people(store: Store) -> dict[str, User]:
    """The users of :data:`PEOPLE`, each with the password :data:`PASSWORD`."""
    found = {}
    for name, roles in PEOPLE.items():
        found[name] = add_user(store, name, list(roles))
        set_password(store, name, PASSWORD)
    return found


def written_by(people: dict[str, User]) -> AuthorOf:
    """Who wrote spec ``number``: the two authors, and one in 97 the Technical Lead (whom
    the dashboard must then not ask to approve it)."""
    ada, bob, tom = people["ada"].id, people["bob"].id, people["tom"].id
    return lambda number: tom if number % 97 == 0 else (ada if number % 2 else bob)


def seed_decisions(store: Store, start: int, end: int, people: dict[str, User]) -> None:
    """Approvals for specs ``start`` < id <= ``end``: every role on Approved and
    Implemented specs; in Review, the Technical Lead on one spec in three and the
    Product Owner on one in five, and a stale Technical Lead approval (on revision 1)
    on one in seven."""
    spec, revision = specs.alias("s"), revisions.alias("r")
    columns = ("spec_id", "revision_id", "content_hash", "role", "reviewer_id", "decision")
    cases: list[tuple[str, sa.ColumnElement[bool], bool]] = [
        (who, spec.c.status.in_(("Approved", "Implemented")), True) for who in REVIEWERS
    ]
    cases += [
        ("tom", sa.and_(spec.c.status == "Review", spec.c.id % 3 == 0), True),
        ("pat", sa.and_(spec.c.status == "Review", spec.c.id % 5 == 0), True),
        ("tom", sa.and_(spec.c.status == "Review", spec.c.id % 7 == 0), False),
    ]
    with store.write() as connection:
        for who, where, current in cases:
            number = spec.c.current_revision if current else sa.literal(1)
            chosen = sa.select(
                revision.c.spec_id,
                revision.c.id,
                revision.c.content_hash,
                sa.literal(REVIEWERS[who]),
                sa.literal(people[who].id),
                sa.literal("approve"),
                revision.c.created_at,
            ).select_from(
                spec.join(
                    revision, sa.and_(revision.c.spec_id == spec.c.id, revision.c.number == number)
                )
            )
            chosen = chosen.where(spec.c.id > start, spec.c.id <= end, where)
            connection.execute(sa.insert(approvals).from_select([*columns, "created_at"], chosen))


def seed_audit(store: Store, start: int, end: int) -> None:
    """One ``spec.created`` event per spec ``start`` < id <= ``end``, chained on the log."""
    with store.write() as connection:
        head = connection.execute(sa.select(audit_head.c.seq, audit_head.c.hash)).one()
        seq, previous = int(head.seq), str(head.hash)
        for first in range(start, end, BATCH):
            rows = []
            for number in range(first + 1, min(end, first + BATCH) + 1):
                seq += 1
                at = EPOCH + timedelta(seconds=number * 7)
                details = canonical({"slug": f"spec-{number:06d}", "kind": "import"})
                digest = event_hash(seq, at, None, "spec.created", number, 3, details, previous)
                rows.append(
                    {
                        "seq": seq,
                        "at": at,
                        "actor": None,
                        "action": "spec.created",
                        "spec_id": number,
                        "revision": 3,
                        "details": details,
                        "prev_hash": previous,
                        "hash": digest,
                    }
                )
                previous = digest
            connection.execute(sa.insert(audit_events), rows)
        connection.execute(sa.update(audit_head).values(seq=seq, hash=previous))
