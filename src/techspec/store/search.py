"""Portfolio queries: list with structured filters, and ranked full-text search.

Full text uses SQLite FTS5 (``spec_fts``, bm25 ranking, ``snippet()``) or PostgreSQL
``tsvector`` (``spec_search.document`` with a GIN index, ``ts_rank``, ``ts_headline``).
Only each spec's current revision is indexed.  Filters read the columns copied onto
``specs`` at save time, each served by an index (see ``schema.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from techspec.store.clock import as_utc, iso
from techspec.store.engine import Store
from techspec.store.schema import approvals, specs, templates, users

PAGE = 50
CANDIDATES = 1000
"""A search ranks at most this many matches: the newest (see :func:`search`)."""
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Filters:
    """Structured filters; None or False means "do not filter on this"."""

    status: str | None = None
    author: str | None = None
    """The document's **Author** field."""
    reviewer: str | None = None
    """A user who recorded an approval or a change request on the spec."""
    template: str | None = None
    has_errors: bool | None = None
    open_tasks: bool = False
    high_risks: bool = False
    updated_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class Listed:
    id: int
    slug: str
    title: str | None
    status: str | None
    author: str | None
    updated_at: datetime
    revision: int
    errors: int
    warnings: int
    open_tasks: int
    high_risks: int
    rank: float | None = None
    snippet: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["updated_at"] = iso(self.updated_at)
        return data


LISTED_COLUMNS = (
    specs.c.id,
    specs.c.slug,
    specs.c.title,
    specs.c.status,
    specs.c.author,
    specs.c.updated_at,
    specs.c.current_revision,
    specs.c.errors,
    specs.c.warnings,
    specs.c.open_tasks,
    specs.c.high_risks,
)


def list_specs(
    store: Store,
    filters: Filters = Filters(),
    *,
    limit: int = PAGE,
    offset: int = 0,
    after: Listed | None = None,
) -> list[Listed]:
    """Live specs, most recently updated first.

    ``after`` is the last spec of the previous page: the page starts below it in that
    order (keyset paging), so a deep page costs what the first does, and a spec updated
    meanwhile does not shift the rest into a page seen already.
    """
    query = _filtered(sa.select(*LISTED_COLUMNS), filters)
    if after is not None:
        position = (as_utc(after.updated_at), after.id)
        query = query.where(sa.tuple_(specs.c.updated_at, specs.c.id) < position)
    query = query.order_by(specs.c.updated_at.desc(), specs.c.id.desc()).limit(limit).offset(offset)
    with store.read() as connection:
        return listed_rows(connection.execute(query).all())


def list_sorted(
    store: Store,
    filters: Filters,
    sort: str,
    *,
    lifecycle: Sequence[str],
    window: int,
    limit: int,
    offset: int = 0,
) -> list[Listed]:
    """A page of the ``window`` most recently updated specs matching ``filters``, in the
    order ``sort`` names: ``title``, ``status`` (the ``lifecycle`` states first, in
    order, then any other), ``errors`` or ``tasks`` (most first).  The database sorts
    the window, so only the page is read."""
    status = sa.func.lower(sa.func.trim(sa.func.coalesce(specs.c.status, "")))
    rank = sa.case(
        {state.casefold(): n for n, state in enumerate(lifecycle)},
        value=status,
        else_=len(lifecycle),
    )
    title = sa.func.lower(sa.func.coalesce(sa.func.nullif(specs.c.title, ""), specs.c.slug))
    recent = (
        _filtered(
            sa.select(*LISTED_COLUMNS, rank.label("lifecycle_rank"), title.label("title_key")),
            filters,
        )
        .order_by(specs.c.updated_at.desc(), specs.c.id.desc())
        .limit(window)
        .subquery("recent")
    )
    c = recent.c
    orders: dict[str, list[sa.ColumnElement[Any]]] = {
        "title": [c.title_key, c.id],
        "status": [c.lifecycle_rank, c.updated_at.desc(), c.id.desc()],
        "errors": [c.errors.desc(), c.warnings.desc(), c.id],
        "tasks": [c.open_tasks.desc(), c.id],
    }
    columns = [c[column.name] for column in LISTED_COLUMNS]
    query = sa.select(*columns).order_by(*orders[sort]).limit(limit).offset(offset)
    with store.read() as connection:
        return listed_rows(connection.execute(query).all())


def search(
    store: Store,
    text: str,
    filters: Filters = Filters(),
    *,
    limit: int = 20,
    offset: int = 0,
) -> list[Listed]:
    """Specs matching the words of ``text``, best first, each with a snippet: the
    ``limit`` after the first ``offset`` of the ranking.

    Only the newest :data:`CANDIDATES` matches (by spec id, that is by creation) are
    ranked, so a word that nearly every spec holds costs what a rare one does; while
    fewer match, the ranking is over all of them.  Snippets are made for the rows
    returned only.
    """
    if not _WORD.search(text):
        return []
    with store.read() as connection:
        if connection.dialect.name == "postgresql":
            # PostgreSQL keeps no statistics on tsvectors wider than 1 KB and costs a
            # sequential scan by the heap alone (the documents are TOASTed), so it would
            # scan and detoast every document; the GIN index is always the better path.
            connection.execute(sa.text("SET LOCAL enable_seqscan = off"))
            # psycopg prepares a statement run often on one connection, and PostgreSQL
            # then may plan it once for any words: with no word to estimate, it guesses a
            # few hundred matches and walks the GIN index, which for a word nearly every
            # spec holds reads them all (134 ms at 100,000 specs, not 14).  Plan per query.
            connection.execute(sa.text("SET LOCAL plan_cache_mode = force_custom_plan"))
            return _search_postgresql(connection, text, filters, limit, offset)
        return _search_sqlite(connection, text, filters, limit, offset)


def _search_sqlite(
    connection: Connection, text: str, filters: Filters, limit: int, offset: int
) -> list[Listed]:
    match = " ".join(f'"{word}"' for word in _WORD.findall(text))
    fts = sa.table("spec_fts", sa.column("rowid"))
    matches = sa.text("spec_fts MATCH :match").bindparams(match=match)
    score: sa.ColumnElement[float] = sa.literal_column("bm25(spec_fts, 10.0, 1.0)")
    # bm25() is only defined in the query that MATCHes: it scores the candidates there.
    candidates = (
        _filtered(
            sa.select(fts.c.rowid.label("id"), score.label("score")).select_from(
                fts.join(specs, specs.c.id == fts.c.rowid)
            ),
            filters,
        )
        .where(matches)
        .order_by(fts.c.rowid.desc())
        .limit(CANDIDATES)
        .subquery("candidates")
    )
    page = (
        sa.select(*LISTED_COLUMNS, (-candidates.c.score).label("rank"))
        .select_from(candidates.join(specs, specs.c.id == candidates.c.id))
        .order_by(candidates.c.score, specs.c.id)
        .limit(limit)
        .offset(offset)
    )
    rows = connection.execute(page).all()
    if not rows:
        return []
    snippet: sa.ColumnElement[str] = sa.literal_column("snippet(spec_fts, 1, '[', ']', '…', 16)")
    shown = sa.select(fts.c.rowid, snippet).where(matches, fts.c.rowid.in_([r.id for r in rows]))
    return _with_snippets(rows, {row[0]: row[1] for row in connection.execute(shown)})


def _search_postgresql(
    connection: Connection, text: str, filters: Filters, limit: int, offset: int
) -> list[Listed]:
    search_table = sa.table(
        "spec_search", sa.column("spec_id"), sa.column("body"), sa.column("document")
    )
    english: sa.ColumnElement[str] = sa.literal_column("'english'::regconfig")
    query_expr = sa.func.websearch_to_tsquery(english, sa.cast(sa.bindparam("q", text), sa.Text))
    candidates = (
        _filtered(
            sa.select(search_table.c.spec_id.label("id"), search_table.c.document).select_from(
                search_table.join(specs, specs.c.id == search_table.c.spec_id)
            ),
            filters,
        )
        .where(search_table.c.document.op("@@")(query_expr))
        .order_by(search_table.c.spec_id.desc())
        .limit(CANDIDATES)
        .subquery("candidates")
    )
    rank = sa.func.ts_rank(candidates.c.document, query_expr)
    ranked = (
        sa.select(candidates.c.id, rank.label("rank"))
        .order_by(rank.desc(), candidates.c.id)
        .limit(limit)
        .offset(offset)
        .subquery("ranked")
    )
    page = (
        sa.select(*LISTED_COLUMNS, ranked.c.rank)
        .select_from(ranked.join(specs, specs.c.id == ranked.c.id))
        .order_by(ranked.c.rank.desc(), specs.c.id)
    )
    rows = connection.execute(page).all()
    if not rows:
        return []
    # ts_headline parses all the text it is given (milliseconds for a long spec), so it
    # is given the stretch around the first place a word of the query occurs.
    words = sa.func.unnest(sa.func.to_tsvector(english, sa.cast(sa.bindparam("q"), sa.Text)))
    lexeme: sa.ColumnClause[str] = sa.column("lexeme")
    stem = connection.execute(sa.select(lexeme).select_from(words), {"q": text}).scalar()
    first = sa.func.strpos(sa.func.lower(search_table.c.body), stem or "")
    around = sa.func.substr(search_table.c.body, sa.func.greatest(first - 300, 1), 900)
    headline = sa.func.ts_headline(
        english,
        around,
        query_expr,
        sa.literal_column("'MaxFragments=1, MaxWords=20, MinWords=8, StartSel=[, StopSel=]'"),
    )
    shown = sa.select(search_table.c.spec_id, headline).where(
        search_table.c.spec_id.in_([r.id for r in rows])
    )
    return _with_snippets(rows, {row[0]: row[1] for row in connection.execute(shown)})


def _with_snippets(rows: Sequence[Any], snippets: dict[int, str]) -> list[Listed]:
    return [replace(item, snippet=snippets.get(item.id)) for item in listed_rows(rows)]


def _filtered(query: sa.Select[Any], filters: Filters) -> sa.Select[Any]:
    query = query.where(specs.c.deleted == sa.false())
    if filters.status:
        query = query.where(specs.c.status == filters.status)
    if filters.author:
        query = query.where(specs.c.author == filters.author)
    if filters.template:
        names = sa.select(templates.c.sha256).where(templates.c.name == filters.template)
        query = query.where(specs.c.template_sha256.in_(names))
    if filters.has_errors is True:
        query = query.where(specs.c.errors > 0)
    elif filters.has_errors is False:
        query = query.where(specs.c.errors == 0)
    if filters.open_tasks:
        query = query.where(specs.c.open_tasks > 0)
    if filters.high_risks:
        query = query.where(specs.c.high_risks > 0)
    if filters.updated_since is not None:
        query = query.where(specs.c.updated_at >= as_utc(filters.updated_since))
    if filters.reviewer:
        reviewed = (
            sa.select(approvals.c.spec_id)
            .join(users, users.c.id == approvals.c.reviewer_id)
            .where(users.c.name == filters.reviewer)
        )
        query = query.where(specs.c.id.in_(reviewed))
    return query


def slugs_of(store: Store, ids: set[int]) -> dict[int, str]:
    """The slugs of the live specs among ``ids`` (a deleted spec has no page)."""
    if not ids:
        return {}
    query = sa.select(specs.c.id, specs.c.slug).where(
        specs.c.id.in_(sorted(ids)), specs.c.deleted == sa.false()
    )
    with store.read() as connection:
        return {row.id: row.slug for row in connection.execute(query)}


def index_spec(connection: Connection, spec_id: int, title: str, body: str) -> None:
    """Make the search index hold ``body`` as the spec's current text."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            sa.text(
                "INSERT INTO spec_search (spec_id, title, body) VALUES (:id, :title, :body) "
                "ON CONFLICT (spec_id) DO UPDATE SET title = excluded.title, body = excluded.body"
            ),
            {"id": spec_id, "title": title, "body": body},
        )
        return
    connection.execute(sa.text("DELETE FROM spec_fts WHERE rowid = :id"), {"id": spec_id})
    connection.execute(
        sa.text("INSERT INTO spec_fts (rowid, title, body) VALUES (:id, :title, :body)"),
        {"id": spec_id, "title": title, "body": body},
    )


def listed_rows(rows: Sequence[Any]) -> list[Listed]:
    """The rows of a query over :data:`LISTED_COLUMNS` (with ``rank`` and ``snippet``
    when a search selected them)."""
    if not rows:
        return []
    fields = rows[0]._fields
    ranked, snipped = "rank" in fields, "snippet" in fields
    return [_listed(row, ranked, snipped) for row in rows]


def _listed(row: Any, ranked: bool, snipped: bool) -> Listed:
    rank = row.rank if ranked else None
    return Listed(
        row.id,
        row.slug,
        row.title,
        row.status,
        row.author,
        as_utc(row.updated_at),
        row.current_revision,
        row.errors,
        row.warnings,
        row.open_tasks,
        row.high_risks,
        float(rank) if rank is not None else None,
        row.snippet if snipped else None,
    )


_RULES = re.compile(r"[-=`~*_]{3,}|(?:^|(?<=\s))#{1,6}(?=\s)|-->|<!--")
_PIPES = re.compile(r"(?:\s*\|)+\s*")


def plain_snippet(snippet: str) -> str:
    """A snippet of Markdown source with its table rules, fences and heading marks
    dropped and runs of whitespace and cell pipes collapsed, for reading in a list
    (the web's and the command line's)."""
    text = _RULES.sub(" ", snippet.replace("**", ""))
    text = _PIPES.sub(" · ", text)
    return " ".join(text.split())
