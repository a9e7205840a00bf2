"""``/api/v1/templates``: the templates specs can be written from."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from techspec.api import bodies
from techspec.api.auth import CurrentUser
from techspec.api.context import ApiContext, api_context
from techspec.api.errors import BadRequest
from techspec.api.representations import dumps
from techspec.api.schemas import TemplateIn, TemplateOut
from techspec.lint.explain import Explanation
from techspec.service import catalog
from techspec.service.permissions import require_reader

router = APIRouter(prefix="/api/v1", tags=["templates"])
Api = Annotated[ApiContext, Depends(api_context)]


@router.get("/templates", response_model=list[TemplateOut], responses=bodies.problems())
def list_templates(user: CurrentUser, api: Api) -> list[dict[str, Any]]:
    require_reader(user)
    return [entry.to_dict() for entry in catalog.entries(api.store)]


@router.get(
    "/templates/{name}/explanation",
    response_model=Explanation,
    responses=bodies.problems(404),
    summary="What techspec read off a template: sections, fields, tables, checklists",
)
def explain_template(
    user: CurrentUser, api: Api, name: Annotated[str, Path(min_length=1, max_length=200)]
) -> Explanation:
    return catalog.explanation(api.store, user, name)


@router.post(
    "/templates",
    status_code=201,
    response_model=TemplateOut,
    responses=bodies.problems(400, 409, 415),
    openapi_extra=bodies.request_body(TemplateIn, markdown_too=True),
    summary="Add a template (admin); Markdown bodies take the name from ?name=",
)
async def add_template(
    request: Request,
    user: CurrentUser,
    api: Api,
    name: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
) -> Response:
    if bodies.is_markdown(request):
        if name is None:
            raise BadRequest("a Markdown template needs ?name=NAME")
        text = await bodies.markdown(request)
    else:
        body = bodies.validate(TemplateIn, await bodies.json_object(request))
        name, text = body.name, bodies.decode(body.content.encode("utf-8", "surrogatepass"))
    entry = await run_in_threadpool(catalog.add, api.store, user, name.strip(), text)
    return Response(dumps(entry.to_dict()), status_code=201, media_type="application/json")
