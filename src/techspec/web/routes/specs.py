"""``/specs``: the spec list with search, filters, sorting and pages."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from techspec.authoring.writeback import signoff_roles
from techspec.errors import UsageError
from techspec.service import catalog
from techspec.store.users import list_users
from techspec.web import listing
from techspec.web.context import Reader
from techspec.web.pages import render
from techspec.web.routing import router as web_router

router = web_router()


@router.get("/specs")
def list_specs(request: Request, visit: Reader) -> Response:
    params = dict(request.query_params)
    _check_page(params.get("page", "1"))
    query = listing.ListQuery.parse(params)
    page = listing.fetch(visit.store, query)
    entries = catalog.entries(visit.store)
    roles = {role.casefold() for e in entries for role in signoff_roles(e.template)}
    reviewers = [
        u.name for u in list_users(visit.store) if any(r.casefold() in roles for r in u.roles)
    ]
    values = {
        "page": page,
        "query": query,
        "sorts": listing.SORTS,
        "size": listing.PAGE_SIZE,
        "statuses": entries[0].template.statuses,
        "templates": [e.template.name for e in entries],
        "reviewers": reviewers,
    }
    return render(request, visit, "specs.html", values)


def _check_page(page: str) -> None:
    """A page number is ASCII digits (``int`` would also read '²' or '٣'), not too many."""
    if not (page.isascii() and page.isdigit() and len(page) <= 6):
        raise UsageError(f"page: {page[:20]!r} is not a page number (1, 2, 3 ...)")
