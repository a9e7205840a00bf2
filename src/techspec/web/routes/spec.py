"""``/specs/{slug}``: a spec rendered, with its outline, progress, findings and the
workflow panel."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from techspec.api.cpu import Busy
from techspec.lint.template import Template
from techspec.service.specs import Current, current
from techspec.store.errors import ChangedSinceSeen, GateRefused
from techspec.web import checks, review
from techspec.web.context import Reader, Visit
from techspec.web.pages import render
from techspec.web.routing import router as web_router
from techspec.web.specview import revision_view, start_revision_view
from techspec.web.threads import CSRF, Discussion, DiscussionCache

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
    changed: ChangedSinceSeen | None = None,
    problem: str = "",
    status: int = 200,
) -> Response:
    """The spec page; after a refused step it lists the unmet gates (409), after a
    decision on a revision that is no longer current what changed since (409).  Its
    reads (the spec, the panel, the discussion, the inbox count) share one transaction."""
    with visit.store.reads():
        return _spec_page(request, visit, slug, refused, changed, problem, status)


def _spec_page(
    request: Request,
    visit: Visit,
    slug: str,
    refused: GateRefused | None,
    changed: ChangedSinceSeen | None,
    problem: str,
    status: int,
) -> Response:
    found = current(visit.store, slug)
    template = visit.web.template_of(found.spec)
    computed = visit.web.api.computed  # each view and gate list once per revision
    sha256 = found.revision.sha256
    user = visit.require_user()
    text = found.revision.text
    try:  # start the view, keeping a place in the pool for the panel's gates meanwhile
        early = start_revision_view(computed, sha256, text, template, room=1)
    except Busy:
        early = None  # then one after the other
    panel = review.panel(
        visit.store, found.spec, found.revision, template, user, checks.cached(computed, sha256)
    )
    view = early.result() if early is not None else revision_view(computed, sha256, text, template)
    talk = _discussions(request).card(
        visit.store,
        user,
        found.spec,
        view.outline,
        lambda shown: _card(request, shown, found),
        visit.session.csrf,
    )
    values = {
        "spec": found.spec,
        "revision": found.revision,
        "view": view,
        "panel": panel,
        "refused": refused,
        "changed": changed,
        "changes": _changes(visit, found, template, changed),
        "problem": problem,
        "discussion": talk,
    }
    return render(request, visit, "spec.html", values, status=status)


def _changes(
    visit: Visit, found: Current, template: Template, changed: ChangedSinceSeen | None
) -> review.StaleDiff | None:
    if changed is None or changed.seen is None:
        return None
    wanted = {changed.seen}
    return review.changes_since(visit.store, found.spec, found.revision, template, wanted).get(
        changed.seen
    )


def _discussions(request: Request) -> DiscussionCache:
    """The app's cache of rendered Discussion cards (made on first use)."""
    found = getattr(request.app.state, "discussions", None)
    if found is None:
        found = DiscussionCache()
        request.app.state.discussions = found
    return found


def _card(request: Request, shown: Discussion, found: Current) -> str:
    templates: Jinja2Templates = request.app.state.web.templates
    template = templates.env.get_template("_threads.html")
    values = {"discussion": shown, "spec": found.spec, "revision": found.revision, "csrf": CSRF}
    return template.render(values)
