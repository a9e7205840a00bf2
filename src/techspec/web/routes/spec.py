"""``/specs/{slug}``: a spec rendered, with its outline, progress, findings and the
workflow panel."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from techspec.service.specs import current
from techspec.store.errors import GateRefused
from techspec.web import review
from techspec.web.context import Reader, Visit
from techspec.web.pages import render
from techspec.web.routing import router as web_router

router = web_router()


@router.get("/specs/{slug}")
def show_spec(request: Request, slug: str, visit: Reader) -> Response:
    return spec_page(request, visit, slug)


def spec_page(
    request: Request,
    visit: Visit,
    slug: str,
    *,
    refused: GateRefused | None = None,
    problem: str = "",
    status: int = 200,
) -> Response:
    """The spec page; after a refused step it lists the unmet gates (409)."""
    found = current(visit.store, slug)
    template = visit.web.template_of(found.spec)
    view = visit.web.views.get(found.revision.sha256, found.revision.text, template)
    values = {
        "spec": found.spec,
        "revision": found.revision,
        "view": view,
        "panel": review.panel(
            visit.store, found.spec, found.revision, template, visit.require_user()
        ),
        "refused": refused,
        "problem": problem,
    }
    return render(request, visit, "spec.html", values, status=status)
