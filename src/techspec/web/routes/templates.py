"""``/templates``: the templates new specs are made from, and what each requires."""

from __future__ import annotations

from fastapi import Request
from markupsafe import Markup
from starlette.responses import Response

from techspec.authoring.render.body import heading_ids, render_body
from techspec.authoring.writeback import signoff_roles
from techspec.document.parser import parse
from techspec.lint.explain import (
    expectation_words,
    field_accepts,
    field_notes,
    help_words,
    placeholder_styles,
)
from techspec.service import catalog
from techspec.web.context import Reader
from techspec.web.pages import render
from techspec.web.routing import router as web_router

router = web_router()


@router.get("/templates")
def list_templates(request: Request, visit: Reader) -> Response:
    return render(request, visit, "templates.html", {"entries": catalog.entries(visit.store)})


@router.get("/templates/{name}")
def show_template(request: Request, name: str, visit: Reader) -> Response:
    template = catalog.find(visit.store, name)
    spec = parse(template.text)
    ids = heading_ids(spec)
    explanation = catalog.explanation(visit.store, visit.require_user(), name)
    values = {
        "x": explanation,
        "x_sections": explanation.walk(),
        "x_styles": placeholder_styles(explanation),
        "x_kept": sorted({p.text for p in explanation.placeholders if p.in_code}),
        "expectation_words": expectation_words,
        "field_notes": field_notes,
        "field_accepts": field_accepts,
        "help_words": help_words,
        "template": template,
        "roles": signoff_roles(template),
        "outline": [(s.title, ids[s.line], s.level) for s in spec.walk()],
        "body": Markup(render_body(spec, ids)),  # sanitized by nh3
    }
    return render(request, visit, "template.html", values)
