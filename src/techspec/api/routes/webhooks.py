"""``/api/v1/webhooks``: registered receivers and their delivery log (admins only)."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from techspec.api import bodies
from techspec.api.auth import CurrentUser
from techspec.api.context import ApiContext, api_context
from techspec.api.representations import delivery, dumps, webhook
from techspec.api.schemas import DeliveryOut, WebhookIn, WebhookOut
from techspec.service import webhooks

router = APIRouter(prefix="/api/v1", tags=["webhooks"])
Api = Annotated[ApiContext, Depends(api_context)]
WebhookId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.post(
    "/webhooks",
    status_code=201,
    response_model=WebhookOut,
    responses=bodies.problems(400, 415),
    openapi_extra=bodies.request_body(WebhookIn, markdown_too=False),
    summary="Register a receiver; the answer shows its signing secret, once",
)
async def add_webhook(request: Request, user: CurrentUser, api: Api) -> Response:
    body = bodies.validate(WebhookIn, await bodies.json_object(request))
    found = await run_in_threadpool(
        partial(
            webhooks.add,
            secret=body.secret,
            allow_private=api.settings.webhook_allow_private,
        ),
        api.store,
        user,
        body.url,
        body.events,
    )
    return Response(
        dumps(webhook(found, with_secret=True)),
        status_code=201,
        media_type="application/json",
        headers={"Location": f"/api/v1/webhooks/{found.id}"},
    )


@router.get("/webhooks", response_model=list[WebhookOut], responses=bodies.problems())
def list_webhooks(user: CurrentUser, api: Api) -> list[dict[str, Any]]:
    return [webhook(found) for found in webhooks.all_webhooks(api.store, user)]


@router.delete(
    "/webhooks/{webhook_id}",
    status_code=204,
    response_class=Response,
    responses=bodies.problems(404),
)
def remove_webhook(webhook_id: WebhookId, user: CurrentUser, api: Api) -> Response:
    webhooks.remove(api.store, user, webhook_id)
    return Response(status_code=204)


@router.get(
    "/webhooks/{webhook_id}/deliveries",
    response_model=list[DeliveryOut],
    responses=bodies.problems(404),
)
def list_deliveries(
    webhook_id: WebhookId,
    user: CurrentUser,
    api: Api,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """Every delivery attempt, newest first: status code, error, duration, outcome."""
    found = webhooks.deliveries(api.store, user, webhook_id, limit=limit)
    return [delivery(one) for one in found]
