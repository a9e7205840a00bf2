"""The spec list: query parameters in, one page of specs out, with URLs that can be
bookmarked (every filter, the sort and the page are in the query string).

Listing and search are the store's (:mod:`techspec.store.search`).  The store lists
most recently updated first; other sort orders apply to the :data:`SORT_WINDOW` most
recently updated matches (enough for a team's portfolio; see the design spec), sorted
by the database, which returns only the page.
Search snippets mark matches with ``[`` and ``]``, which Markdown uses too, so only a
bracketed word that is one of the query's words is highlighted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal
from urllib.parse import urlencode

from markupsafe import Markup, escape

from techspec.store import search
from techspec.store.engine import Store
from techspec.store.search import Filters, Listed
from techspec.store.search import plain_snippet as plain

PAGE_SIZE = 25
SORT_WINDOW = 2000
SORTS: dict[str, str] = {
    "updated": "Recently updated",
    "title": "Title",
    "status": "Status",
    "errors": "Most lint errors",
    "tasks": "Most open tasks",
}
LIFECYCLE = {"draft": 0, "review": 1, "approved": 2, "implemented": 3}
"""The built-in template's order; other statuses sort after these."""
Sort = Literal["updated", "title", "status", "errors", "tasks"]
_WORD = re.compile(r"\w+", re.UNICODE)
_MARKED = re.compile(r"\[([^\[\]\n]{1,80})\]")


@dataclass(frozen=True, slots=True)
class ListQuery:
    q: str = ""
    status: str = ""
    author: str = ""
    reviewer: str = ""
    template: str = ""
    sort: str = "updated"
    page: int = 1

    @classmethod
    def parse(cls, params: dict[str, str]) -> ListQuery:
        """From query parameters; unknown sorts and bad page numbers fall back."""
        page = params.get("page", "1")
        sort = params.get("sort", "updated")
        return cls(
            q=params.get("q", "").strip()[:500],
            status=params.get("status", "").strip()[:100],
            author=params.get("author", "").strip()[:200],
            reviewer=params.get("reviewer", "").strip()[:200],
            template=params.get("template", "").strip()[:200],
            sort=sort if sort in SORTS else "updated",
            page=max(1, min(int(page), 10_000)) if page.isdigit() else 1,
        )

    def filters(self) -> Filters:
        return Filters(
            status=self.status or None,
            author=self.author or None,
            reviewer=self.reviewer or None,
            template=self.template or None,
        )

    def url(self, *, page: int = 1, sort: str | None = None) -> str:
        """This query as a ``/specs`` URL at ``page`` (and another ``sort`` when given)."""
        changed = replace(self, page=page, sort=sort or self.sort)
        params = {
            key: str(value)
            for key, value in (
                ("q", changed.q),
                ("status", changed.status),
                ("author", changed.author),
                ("reviewer", changed.reviewer),
                ("template", changed.template),
                ("sort", "" if changed.sort == "updated" else changed.sort),
                ("page", "" if changed.page == 1 else changed.page),
            )
            if value
        }
        return "/specs" + (f"?{urlencode(params)}" if params else "")

    @property
    def filtered(self) -> bool:
        return any((self.q, self.status, self.author, self.reviewer, self.template))


@dataclass(frozen=True, slots=True)
class Row:
    item: Listed
    snippet: Markup | None


@dataclass(frozen=True, slots=True)
class ListPage:
    query: ListQuery
    rows: list[Row]
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.query.page > 1


def fetch(store: Store, query: ListQuery, size: int = PAGE_SIZE) -> ListPage:
    """One page of the list for ``query``."""
    start = (query.page - 1) * size
    if query.q and query.sort == "updated":
        found = search.search(store, query.q, query.filters(), limit=size + 1, offset=start)
        start = 0
    elif query.q:
        found = search.search(
            store, query.q, query.filters(), limit=min(start + size + 1, SORT_WINDOW)
        )
        found = sort(found, query.sort)
    elif query.sort == "updated":
        found = search.list_specs(store, query.filters(), limit=size + 1, offset=start)
        start = 0
    else:
        found = search.list_sorted(
            store,
            query.filters(),
            query.sort,
            lifecycle=list(LIFECYCLE),
            window=SORT_WINDOW,
            limit=size + 1,
            offset=start,
        )
        start = 0
    window = found[start : start + size + 1]
    rows = [
        Row(item, highlight(item.snippet, query.q) if item.snippet else None)
        for item in window[:size]
    ]
    return ListPage(query, rows, len(window) > size)


def sort(items: list[Listed], key: str) -> list[Listed]:
    if key == "title":
        return sorted(items, key=lambda i: ((i.title or i.slug).casefold(), i.id))
    if key == "status":
        return sorted(items, key=lambda i: (_rank(i.status), -i.updated_at.timestamp()))
    if key == "errors":
        return sorted(items, key=lambda i: (-i.errors, -i.warnings, i.id))
    if key == "tasks":
        return sorted(items, key=lambda i: (-i.open_tasks, i.id))
    return items


def _rank(status: str | None) -> int:
    return LIFECYCLE.get((status or "").strip().casefold(), len(LIFECYCLE))


def highlight(snippet: str, query: str) -> Markup:
    """The snippet as plain text, escaped, with each bracketed query word in ``<mark>``."""
    snippet = plain(snippet)
    words = {word.casefold() for word in _WORD.findall(query)}
    parts: list[str] = []
    last = 0
    for match in _MARKED.finditer(snippet):
        inner = match.group(1)
        if not _is_query_word(inner, words):
            continue
        parts.append(str(escape(snippet[last : match.start()])))
        parts.append(f"<mark>{escape(inner)}</mark>")
        last = match.end()
    parts.append(str(escape(snippet[last:])))
    return Markup("".join(parts))  # every piece is escaped above


def _is_query_word(inner: str, words: set[str]) -> bool:
    found = _WORD.findall(inner.casefold())
    return bool(found) and all(
        any(w.startswith(q) or q.startswith(w) for q in words) for w in found
    )
