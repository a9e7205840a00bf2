"""``/specs/{slug}/history`` and ``/diff``: every revision, and a section-aware diff
between any two."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from starlette.responses import Response

from techspec.service.specs import current
from techspec.store import revisions
from techspec.web.context import Reader
from techspec.web.diffs import compare
from techspec.web.pages import render
from techspec.web.routing import router as web_router

router = web_router()
Number = Annotated[int | None, Query(ge=1, le=2**31 - 1)]


@router.get("/specs/{slug}/history")
def show_history(request: Request, slug: str, visit: Reader) -> Response:
    found = current(visit.store, slug)
    listed = revisions.history(visit.store, f"#{found.spec.id}")[::-1]
    return render(request, visit, "history.html", {"spec": found.spec, "revisions": listed})


@router.get("/specs/{slug}/diff")
def show_diff(
    request: Request,
    slug: str,
    visit: Reader,
    old: Annotated[int | None, Query(alias="from", ge=1, le=2**31 - 1)] = None,
    new: Annotated[int | None, Query(alias="to", ge=1, le=2**31 - 1)] = None,
) -> Response:
    """``from`` to ``to`` (the current revision by default); without ``from``, the
    revision before ``to`` (the latest change, the first thing one wants to see)."""
    found = current(visit.store, slug)
    if old is None:
        old = max(1, (new or found.spec.current_revision) - 1)
    a, b = (old, new) if new is None or old <= new else (new, old)
    comparison = compare(visit.store, f"#{found.spec.id}", a, b)
    return render(request, visit, "diff.html", {"spec": found.spec, "cmp": comparison})
