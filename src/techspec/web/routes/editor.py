"""``/specs/{slug}/edit``: the Markdown editor with live lint, preview and a save that
names the revision it was based on (a stale base shows the conflict, not an overwrite).
The live lint and preview are computed in the server's CPU pool; the stored revision's
view is the spec page's, computed once."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from techspec.lint.template import Template
from techspec.service.permissions import require_owner
from techspec.service.specs import Current, current
from techspec.store.errors import Conflict, InvalidTransition
from techspec.web import editing
from techspec.web.context import Poster, Reader, Visit
from techspec.web.pages import redirect, render
from techspec.web.routing import router as web_router
from techspec.web.specview import DocumentView, revision_view, unsaved_view

router = web_router()
Text = Annotated[str, Form(max_length=1_000_000)]


@router.get("/specs/{slug}/edit")
def edit_form(request: Request, slug: str, visit: Reader) -> Response:
    found = current(visit.store, slug)
    require_owner(visit.store, visit.require_user(), found.spec, "edit")
    return _editor(request, visit, slug, found.revision.text, found.revision.number)


@router.post("/specs/{slug}/edit")
async def save(
    request: Request,
    slug: str,
    visit: Poster,
    text: Text,
    base: Annotated[int, Form(ge=1)],
    message: Annotated[str, Form(max_length=editing.MAX_MESSAGE)] = "",
    action: Annotated[Literal["save", "check"], Form()] = "save",
) -> Response:
    if action == "check":
        return await run_in_threadpool(_editor, request, visit, slug, text, base, "", 200, None)
    user = visit.require_user()
    try:
        saved = await run_in_threadpool(editing.save, visit.store, user, slug, text, base, message)
    except Conflict:
        clash = await run_in_threadpool(editing.conflict, visit.store, slug, base, text)
        return await run_in_threadpool(
            _editor, request, visit, slug, clash.text, clash.current.number, "", 409, clash
        )
    except InvalidTransition as error:
        return await run_in_threadpool(
            _editor, request, visit, slug, text, base, str(error), 409, None
        )
    if saved.outcome == "unchanged":
        note = "No changes to save."
    else:
        note = f"Saved revision {saved.revision}." + (f" Note: {saved.note}." if saved.note else "")
    return redirect(request, visit, f"/specs/{quote(saved.spec.slug, safe='')}", note)


@router.post("/specs/{slug}/check")
def check(request: Request, slug: str, visit: Poster, text: Text) -> Response:
    """Live lint for the editor (htmx): the findings, and the preview out of band."""
    found = current(visit.store, slug)
    template = visit.web.template_of(found.spec)
    view = _view(visit, found, template, text)
    return render(request, visit, "_check.html", {"view": view, "slug": slug, "oob": True})


def _view(visit: Visit, found: Current, template: Template, submitted: str) -> DocumentView:
    """The view of the text in the editor: the stored revision's when it is unchanged."""
    text = editing.browser_text(submitted, found.revision.text)
    if text == found.revision.text:
        return revision_view(visit.web.api.computed, found.revision.sha256, text, template)
    return unsaved_view(visit.web.api.cpu, text, template)


def _editor(
    request: Request,
    visit: Visit,
    slug: str,
    text: str,
    base: int,
    problem: str = "",
    status: int = 200,
    clash: editing.Conflicted | None = None,
) -> Response:
    found = current(visit.store, slug)
    template = visit.web.template_of(found.spec)
    values: dict[str, Any] = {
        "spec": found.spec,
        "revision": found.revision,
        "text": text,
        "base": base,
        "view": _view(visit, found, template, text),
        "problem": problem,
        "clash": clash,
        "slug": slug,
        "oob": False,
    }
    return render(request, visit, "edit.html", values, status=status)
