"""``POST /api/v1/lint``: lint posted Markdown without storing it; the answer is the
JSON that ``techspec lint - --format json`` prints for the same text.  The parse, the lint
and the JSON happen in a worker process of the CPU pool, never on the event loop."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from techspec.api import bodies
from techspec.api.auth import CurrentUser
from techspec.api.context import ApiContext, api_context
from techspec.api.jobs import TemplateSource, compiled, source
from techspec.api.schemas import LintIn, LintOut
from techspec.document.parser import parse
from techspec.errors import UsageError
from techspec.formats.json_format import render_json
from techspec.lint.config import unknown_selectors
from techspec.lint.findings import FileReport
from techspec.lint.linter import lint
from techspec.lint.selection import Selection
from techspec.service import catalog
from techspec.service.permissions import require_reader

router = APIRouter(prefix="/api/v1", tags=["lint"])
Api = Annotated[ApiContext, Depends(api_context)]
Selectors = Annotated[list[str], Query(max_length=50)]


@router.post(
    "/lint",
    response_model=LintOut,
    responses=bodies.problems(400, 404, 415),
    openapi_extra=bodies.request_body(LintIn, markdown_too=True),
)
async def lint_markdown(
    request: Request,
    user: CurrentUser,
    api: Api,
    template: Annotated[str | None, Query(max_length=200)] = None,
    path: Annotated[str, Query(min_length=1, max_length=500)] = "-",
    select: Selectors = [],  # noqa: B006 - FastAPI copies query defaults
    ignore: Selectors = [],  # noqa: B006
) -> Response:
    require_reader(user)
    for option, values in (("select", select), ("ignore", ignore)):
        unknown = unknown_selectors(values)
        if unknown:
            raise UsageError(f"{option}: unknown rule selector '{unknown[0]}'")
    if bodies.is_markdown(request):
        text = await bodies.markdown(request)
    else:
        body = bodies.validate(LintIn, await bodies.json_object(request))
        text = bodies.decode(body.content.encode("utf-8", "surrogatepass"))
        path = body.path if path == "-" else path
    chosen = await run_in_threadpool(catalog.find, api.store, template) if template else None
    selection = Selection(tuple(select), tuple(ignore))
    found = source(chosen) if chosen else None
    answer, rules = await api.cpu.run(_lint, text, path, found, selection)
    api.metrics.count_findings(rules)
    return Response(answer, media_type="application/json")


def _lint(
    text: str, path: str, template: TemplateSource | None, selection: Selection
) -> tuple[bytes, Counter[str]]:
    """The answer and the findings by rule (for the metrics): a job for a worker."""
    spec = parse(text, path)
    findings = lint(spec, compiled(template) if template else None, selection=selection)
    answer = render_json([FileReport(path, spec.status, findings)])
    return answer.encode("utf-8"), Counter(f.code for f in findings)
