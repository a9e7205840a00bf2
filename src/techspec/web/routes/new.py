"""``/new``: a new spec from a template (title, authors, reviewers)."""

from __future__ import annotations

from functools import partial
from typing import Annotated
from urllib.parse import quote

from fastapi import Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from techspec.errors import UsageError
from techspec.lint.template import Template
from techspec.service import catalog, specs
from techspec.service.naming import SameTitle
from techspec.service.permissions import require_author
from techspec.store.records import SpecRecord
from techspec.web.context import Poster, Reader, Visit
from techspec.web.pages import redirect, render
from techspec.web.routing import router as web_router

router = web_router()
Line = Annotated[str, Form(max_length=500)]


@router.get("/new")
def new_form(request: Request, visit: Reader, template: str = "") -> Response:
    require_author(visit.require_user(), "create specs")
    return _form(
        request, visit, {"template": template, "title": "", "authors": visit.name, "reviewers": ""}
    )


@router.post("/new")
async def create(
    request: Request,
    visit: Poster,
    title: Line,
    template: Line = "",
    authors: Line = "",
    reviewers: Line = "",
    another: Annotated[str, Form(max_length=1)] = "",
) -> Response:
    user = visit.require_user()
    given = {"template": template, "title": title, "authors": authors, "reviewers": reviewers}
    make = partial(
        specs.create_from_template,
        authors=authors,
        reviewers=reviewers,
        same_title=another == "1",  # asked once, then made on purpose
    )
    try:
        chosen = await run_in_threadpool(_template, visit, template)
        saved = await run_in_threadpool(make, visit.store, user, chosen, title)
    except UsageError as error:
        return await run_in_threadpool(_form, request, visit, given, str(error), 400)
    except SameTitle as error:
        return await run_in_threadpool(_form, request, visit, given, "", 409, error.existing)
    slug = quote(saved.spec.slug, safe="")
    return redirect(
        request, visit, f"/specs/{slug}", f"Created {saved.spec.slug} from the template."
    )


def _template(visit: Visit, name: str) -> Template:
    return catalog.find(visit.store, name) if name else catalog.entries(visit.store)[0].template


def _form(
    request: Request,
    visit: Visit,
    given: dict[str, str],
    problem: str = "",
    status: int = 200,
    existing: list[SpecRecord] | None = None,
) -> Response:
    entries = catalog.entries(visit.store)
    values = {"given": given, "entries": entries, "problem": problem, "existing": existing or []}
    return render(request, visit, "new.html", values, status=status)
