"""``/api/v1/specs``: create, list and search, read (JSON or Markdown), replace with
``If-Match``, soft-delete."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.convertors import StringConvertor, register_url_convertor
from starlette.responses import Response

from techspec.api import bodies, conditional, paging, read_cache
from techspec.api.auth import CurrentUser
from techspec.api.context import ApiContext, api_context
from techspec.api.representations import dumps, etag, lint_counts, spec_document, spec_head
from techspec.api.schemas import (
    FromTemplateIn,
    MergeAnswer,
    SpecIn,
    SpecOut,
    SpecPage,
    SpecSaved,
    inline,
)
from techspec.lint.template import builtin_template
from techspec.service import catalog, statuses
from techspec.service import specs as ops
from techspec.service.permissions import require_reader
from techspec.store.revisions import Saved
from techspec.store.users import User


class RefConvertor(StringConvertor):
    """A spec's ref in ``/specs/{ref:ref}``: one path segment not ending ``.md``, which is
    ``/specs/{ref}.md`` (so ``PUT /specs/x.md`` is a 405, not a write to slug ``x.md``)."""

    regex = r"[^/]+(?<!\.md)"


register_url_convertor("ref", RefConvertor())
router = APIRouter(prefix="/api/v1", tags=["specs"])
Api = Annotated[ApiContext, Depends(api_context)]
SpecRef = Annotated[str, "A spec id (digits) or slug"]
MARKDOWN = "text/markdown; charset=utf-8"
SINCE = "Only specs updated at or after this time (RFC 3339; no offset means UTC)"


@router.post(
    "/specs",
    status_code=201,
    response_model=SpecOut,
    responses=bodies.problems(400, 404, 409, 415),
    openapi_extra=bodies.request_body(SpecIn, markdown_too=True),
    summary="Create a spec from Markdown, or from a template with ?from_template=NAME",
)
async def create_spec(
    request: Request,
    user: CurrentUser,
    api: Api,
    from_template: Annotated[str | None, Query(max_length=200)] = None,
    slug: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    title: Annotated[str | None, Query(min_length=1, max_length=300)] = None,
) -> Response:
    if from_template is not None:
        saved = await _from_template(request, api, user, from_template, slug, title)
    elif bodies.is_markdown(request):
        text = await bodies.markdown(request)
        api.analyses.begin(text, builtin_template())  # the answer shows it
        saved = await api.write(ops.create, user, text, slug=slug)
    else:
        body = bodies.validate(SpecIn, await bodies.json_object(request))
        text = bodies.decode(body.content.encode("utf-8", "surrogatepass"))
        api.analyses.begin(text, builtin_template())
        saved = await api.write(
            ops.create, user, text, slug=slug or body.slug, message=body.message
        )
    api.wake.set()
    response = await _document(api, await api.read(ops.saved_head, api.store, saved))
    response.status_code = 201
    response.headers["Location"] = f"/api/v1/specs/{saved.spec.id}"
    return response


async def _from_template(
    request: Request,
    api: ApiContext,
    user: User,
    name: str,
    slug: str | None,
    title: str | None,
) -> Saved:
    author = None
    if title is None:
        body = bodies.validate(FromTemplateIn, await bodies.json_object(request))
        title, slug, author = body.title, slug or body.slug, body.author
    chosen = await run_in_threadpool(catalog.find, api.store, name)
    return await run_in_threadpool(
        partial(ops.create_from_template, authors=author, slug=slug),
        api.store,
        user,
        chosen,
        title,
    )


@router.get("/specs", response_model=SpecPage, responses=bodies.problems(400, 422))
async def list_specs(
    request: Request,
    user: CurrentUser,
    api: Api,
    status: Annotated[str | None, Query(max_length=100)] = None,
    author: Annotated[str | None, Query(max_length=200)] = None,
    reviewer: Annotated[str | None, Query(max_length=200)] = None,
    template: Annotated[str | None, Query(max_length=200)] = None,
    has_errors: bool | None = None,
    open_tasks: bool = False,
    high_risks: bool = False,
    updated_since: Annotated[
        str | None,
        Query(max_length=64, json_schema_extra={"format": "date-time"}, description=SINCE),
    ] = None,
    q: Annotated[str | None, Query(max_length=500, description="Full-text search")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    """Live specs, most recently updated first (or best match first with ``q``)."""
    require_reader(user)
    if status is not None:
        await run_in_threadpool(statuses.require_known, api.store, status)
    query = paging.Query(
        status,
        author,
        reviewer,
        template,
        has_errors,
        open_tasks,
        high_risks,
        paging.since(updated_since),
        q,
    )
    version = api.store.data_version()  # before the read: a write after it must miss
    page = await api.read(
        paging.fetch, api.store, query, min(limit, api.settings.page_limit), cursor
    )
    response = Response(dumps(page), media_type="application/json")
    if version is not None:
        read_cache.remember(api.responses, request.scope, version, response, route=read_cache.SPECS)
    return response


@router.get(
    "/specs/{ref}.md",
    response_class=Response,
    responses={
        200: {"content": {"text/markdown": {"schema": {"type": "string"}}}},
        304: {"description": "Not modified"},
        **bodies.problems(404),
    },
    summary="The spec's current Markdown",
)
def get_markdown(
    ref: SpecRef,
    user: CurrentUser,
    api: Api,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    require_reader(user)
    found = ops.current(api.store, ops.ref(ref))
    headers = {"ETag": etag(found.revision.sha256), "Cache-Control": "no-cache"}
    if conditional.none_match(if_none_match, found.revision.sha256):
        return Response(status_code=304, headers=headers)
    return Response(found.revision.text.encode("utf-8"), media_type=MARKDOWN, headers=headers)


@router.get(
    "/specs/{ref:ref}",
    response_model=SpecOut,
    responses={304: {"description": "Not modified"}, **bodies.problems(404)},
    summary="The spec's parsed model and lint summary; ETag is the revision's sha256",
)
async def get_spec(
    ref: SpecRef,
    request: Request,
    user: CurrentUser,
    api: Api,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    require_reader(user)
    version = api.store.data_version()  # before the read: a write after it must miss
    found = await api.read(ops.head, api.store, ops.ref(ref))
    response = await _document(api, found, if_none_match)
    if version is not None:
        route = read_cache.SPEC
        read_cache.remember(
            api.responses, request.scope, version, response, route=route, sha256=found.sha256
        )
    return response


async def _document(api: ApiContext, found: ops.Head, if_none_match: str | None = None) -> Response:
    """The spec's JSON: its head, then the cached analysis of its revision (parsed and
    linted in a worker process the first time)."""
    headers = {"ETag": etag(found.sha256), "Cache-Control": "no-cache"}
    if conditional.none_match(if_none_match, found.sha256):
        return Response(status_code=304, headers=headers)
    fragment = api.analyses.get(found.sha256, found.spec.template_sha256)
    if fragment is None:
        fragment = await run_in_threadpool(_analyse, api, found)
    body = spec_document(found.spec, found.sha256, fragment)
    return Response(body, media_type="application/json", headers=headers)


def _analyse(api: ApiContext, found: ops.Head) -> bytes:
    text, template = ops.revision_text(api.store, found.spec, found.sha256)
    return api.analyses.analyse(found.sha256, text, template)


MERGE = (
    "With an If-Match naming an older revision of the spec: merge your edit with the "
    "changes saved since, section by section, and answer 409 with the merged text or the "
    "sections changed on both sides (never a save); without it such a PUT is a 412"
)
_MERGE_409 = {
    "description": "The spec's state refuses this (a gate, a status change), or with "
    "merge=true the merge answer: the merged text or the conflicting sections, and the "
    "current ETag to PUT the result with.  Nothing was saved.",
    "content": {"application/problem+json": {"schema": inline(MergeAnswer)}},
    "headers": {"ETag": {"schema": {"type": "string"}, "required": False}},
}


@router.put(
    "/specs/{ref:ref}",
    response_model=SpecSaved,
    responses={**bodies.problems(400, 404, 409, 412, 415, 428), 409: _MERGE_409},
    openapi_extra=bodies.request_body(SpecIn, markdown_too=True),
    summary="Replace the spec's Markdown (needs If-Match with the ETag you edited); "
    "answers the new revision's head and lint counts (GET it for the model)",
)
async def put_spec(
    ref: SpecRef,
    request: Request,
    user: CurrentUser,
    api: Api,
    if_match: Annotated[str | None, Header()] = None,
    merge: Annotated[bool, Query(description=MERGE)] = False,
) -> Response:
    require_reader(user)
    tags = conditional.required_match(if_match)
    message = ""
    if bodies.is_markdown(request):
        text = await bodies.markdown(request)
    else:
        body = bodies.validate(SpecIn, await bodies.json_object(request))
        text = bodies.decode(body.content.encode("utf-8", "surrogatepass"))
        message = body.message
    saved = await api.write(
        ops.save_if_match, user, ops.ref(ref), text, tags, message=message, merge=merge
    )
    api.wake.set()
    found = await api.read(ops.saved_head, api.store, saved)
    answer = {**spec_head(found.spec, found.sha256), "lint": lint_counts(found.spec)}
    return Response(
        dumps(answer), media_type="application/json", headers={"ETag": etag(found.sha256)}
    )


@router.delete(
    "/specs/{ref:ref}",
    status_code=204,
    response_class=Response,
    responses=bodies.problems(404),
    summary="Soft-delete: hidden from reads and lists; history and audit trail kept",
)
def delete_spec(ref: SpecRef, user: CurrentUser, api: Api) -> Response:
    ops.delete(api.store, user, ops.ref(ref))
    return Response(status_code=204)
