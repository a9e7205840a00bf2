"""``/specs/{slug}/edit``: the Markdown editor with live lint, preview and a save that
names the revision it was based on (a stale base is merged and shown, never saved over).
The live lint and preview are computed in the server's CPU pool; the stored revision's
view is the spec page's, computed once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from techspec.lint.template import Template
from techspec.service.merges import MergeConflict, MergeReady
from techspec.service.permissions import require_owner
from techspec.service.specs import Current, at_stake, current
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
    page = _Page(found.revision.text, found.revision.number, restore=True)
    return _editor(request, visit, slug, page)


@router.post("/specs/{slug}/edit")
async def save(
    request: Request,
    slug: str,
    visit: Poster,
    text: Text,
    base: Annotated[int, Form(ge=1)],
    message: Annotated[str, Form(max_length=editing.MAX_MESSAGE)] = "",
    action: Annotated[Literal["save", "check"], Form()] = "save",
    against: Annotated[int | None, Form(ge=1)] = None,
) -> Response:
    page = _Page(text, base, message=message)
    if action == "check":
        return await run_in_threadpool(_editor, request, visit, slug, page)
    user = visit.require_user()
    form = await request.form()
    chosen = editing.choices({k: v for k, v in form.items() if isinstance(v, str)}, against)
    try:
        saved = await run_in_threadpool(
            editing.save, visit.store, user, slug, text, base, message, chosen
        )
    except MergeReady as ready:
        view = await run_in_threadpool(editing.merged, visit.store, slug, ready)
        page = _Page(view.text, view.current.number, message=message, merged=view)
        return await run_in_threadpool(_editor, request, visit, slug, page, 409)
    except MergeConflict as clash:
        found = await run_in_threadpool(editing.conflict, visit.store, slug, text, clash, chosen)
        page = _Page(found.text, found.base.number, message=message, clash=found)
        return await run_in_threadpool(_editor, request, visit, slug, page, 409)
    except (Conflict, InvalidTransition) as error:
        page = _Page(text, base, message=message, problem=str(error))
        return await run_in_threadpool(_editor, request, visit, slug, page, 409)
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


@dataclass(frozen=True, slots=True)
class _Page:
    """What the editor shows besides the spec: the text, the revision it is based on,
    and what the last post found."""

    text: str
    base: int
    message: str = ""
    problem: str = ""
    merged: editing.Merged | None = None
    clash: editing.Conflicted | None = None
    restore: bool = False
    """Offer the browser's saved draft (only on a fresh editor, never over a merge)."""


def _editor(request: Request, visit: Visit, slug: str, page: _Page, status: int = 200) -> Response:
    found = current(visit.store, slug)
    template = visit.web.template_of(found.spec)
    values: dict[str, Any] = {
        "spec": found.spec,
        "revision": found.revision,
        "page": page,
        "text": page.text,
        "base": page.base,
        "view": _view(visit, found, template, page.text),
        "problem": page.problem,
        "clash": page.clash,
        "merged": page.merged,
        "stake": at_stake(visit.store, visit.require_user(), slug),
        "dirty": editing.browser_text(page.text, found.revision.text) != found.revision.text,
        "slug": slug,
        "oob": False,
    }
    return render(request, visit, "edit.html", values, status=status)
