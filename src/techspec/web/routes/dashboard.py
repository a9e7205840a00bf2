"""``/``: the dashboard."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from techspec.web import dashboard
from techspec.web.context import Reader
from techspec.web.pages import render
from techspec.web.routing import router as web_router

router = web_router()


@router.get("/")
def show_dashboard(request: Request, visit: Reader) -> Response:
    with visit.store.reads():  # a dozen small questions: one transaction for them all
        found = dashboard.build(visit.store, visit.require_user(), visit.web.template_of)
        return render(request, visit, "dashboard.html", {"board": found})
