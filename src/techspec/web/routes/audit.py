"""``/audit``: the audit log (admins), newest first, with the latest events' hash chain
checked up to the head (``techspec audit verify`` walks all of it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from starlette.responses import Response

from techspec.service.permissions import require_admin
from techspec.store import audit
from techspec.store.revisions import get_spec
from techspec.store.search import slugs_of
from techspec.web.context import Reader
from techspec.web.pages import render
from techspec.web.routing import router as web_router

router = web_router()


@router.get("/audit")
def show_audit(
    request: Request,
    visit: Reader,
    spec: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    require_admin(visit.require_user(), "read the audit log")
    spec_id = get_spec(visit.store, spec).id if spec else None
    events = audit.events(visit.store, spec_id=spec_id, limit=limit)[::-1]
    values = {
        "events": events,
        "verification": audit.verify_latest(visit.store, limit),
        "spec": spec,
        "limit": limit,
        "slugs": slugs_of(visit.store, {e.spec_id for e in events if e.spec_id is not None}),
    }
    return render(request, visit, "audit.html", values)
