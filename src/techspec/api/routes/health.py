"""Liveness (``/healthz``), readiness (``/readyz``: the database answers) and
``/metrics`` for Prometheus.  None of them needs an API token; ``/metrics`` needs the
scrape token when ``TECHSPEC_METRICS_TOKEN`` is set."""

from __future__ import annotations

import hmac
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from techspec.api import bodies
from techspec.api.auth import parse_bearer
from techspec.api.context import ApiContext, api_context
from techspec.api.errors import Unauthorized, problem
from techspec.api.metrics import CONTENT_TYPE
from techspec.api.representations import dumps
from techspec.api.schemas import Health

router = APIRouter(tags=["health"])
Api = Annotated[ApiContext, Depends(api_context)]


@router.get("/healthz", response_model=Health, responses=bodies.problems(common=(413,)))
def healthz() -> Response:
    """The process is up."""
    return Response(dumps({"status": "ok", "detail": ""}), media_type="application/json")


@router.get("/readyz", response_model=Health, responses=bodies.problems(common=(413, 503)))
def readyz(api: Api) -> Response:
    """Ready to serve: the database answers a query."""
    try:
        with api.store.read() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception as error:  # any failure means not ready; say which, briefly
        reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        return problem(503, f"database not reachable: {reason}", instance="/readyz")
    return Response(dumps({"status": "ready", "detail": ""}), media_type="application/json")


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {"content": {"text/plain": {"schema": {"type": "string"}}}},
        **bodies.problems(common=(401, 413, 503)),
    },
)
def metrics(request: Request, api: Api) -> Response:
    """Prometheus text exposition; with ``TECHSPEC_METRICS_TOKEN`` set, only for
    ``Authorization: Bearer <that token>``."""
    _check_scraper(request.headers.get("authorization"), api.settings.metrics_token)
    return Response(api.metrics.render(), media_type=CONTENT_TYPE)


def _check_scraper(header: str | None, token: str) -> None:
    if not token:
        return
    given = parse_bearer(header) if header else None
    if given is None or not hmac.compare_digest(given.encode(), token.encode()):
        raise Unauthorized("/metrics needs 'Authorization: Bearer <TECHSPEC_METRICS_TOKEN>'")
