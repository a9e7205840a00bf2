"""Liveness (``/healthz``), readiness (``/readyz``: the database answers) and
``/metrics`` for Prometheus.  None of them needs a token."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends
from starlette.responses import Response

from techspec.api.context import ApiContext, api_context
from techspec.api.errors import problem
from techspec.api.metrics import CONTENT_TYPE
from techspec.api.representations import dumps
from techspec.api.schemas import Health, Problem

router = APIRouter(tags=["health"])
Api = Annotated[ApiContext, Depends(api_context)]


@router.get("/healthz", response_model=Health)
def healthz() -> Response:
    """The process is up."""
    return Response(dumps({"status": "ok", "detail": ""}), media_type="application/json")


@router.get(
    "/readyz",
    response_model=Health,
    responses={
        503: {
            "description": "The database does not answer.",
            "content": {"application/problem+json": {"schema": Problem.model_json_schema()}},
        }
    },
)
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
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
def metrics(api: Api) -> Response:
    """Prometheus text exposition."""
    return Response(api.metrics.render(), media_type=CONTENT_TYPE)
