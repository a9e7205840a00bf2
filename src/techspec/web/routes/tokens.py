"""``/tokens``: a person's own API tokens: make one (name, expiry, scope), see when each
was last used, revoke one.  A new token's secret is on the answer to the form and
nowhere else: the store keeps only its sha256."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from techspec.errors import UsageError
from techspec.service import identity
from techspec.store.clock import now
from techspec.store.token_records import SCOPES
from techspec.web.context import Poster, Reader, Visit
from techspec.web.pages import redirect, render
from techspec.web.routing import router as web_router

router = web_router()


@router.get("/tokens")
def token_page(request: Request, visit: Reader) -> Response:
    return _page(request, visit)


@router.post("/tokens")
async def make_token(
    request: Request,
    visit: Poster,
    label: Annotated[str, Form(max_length=200)],
    scope: Annotated[str, Form(max_length=20)] = "read",
    expires: Annotated[int, Form(ge=0, le=3650)] = 30,
) -> Response:
    user = visit.require_user()
    make = partial(identity.create_token, visit.store, user, user.name, label, scope, expires)
    try:
        secret = await run_in_threadpool(make)
    except UsageError as error:
        return await run_in_threadpool(_page, request, visit, "", str(error), 400)
    return await run_in_threadpool(_page, request, visit, secret, "", 201)


@router.post("/tokens/{token_id}/revoke")
async def revoke_token(request: Request, visit: Poster, token_id: int) -> Response:
    user = visit.require_user()
    found = await run_in_threadpool(identity.revoke_token, visit.store, user, user.name, token_id)
    return redirect(request, visit, "/tokens", f"Revoked the token '{found.label}'.")


def _page(
    request: Request, visit: Visit, secret: str = "", problem: str = "", status: int = 200
) -> Response:
    user = visit.require_user()
    values = {
        "tokens": identity.tokens(visit.store, user, user.name),
        "secret": secret,
        "problem": problem,
        "scopes": SCOPES,
        "expiries": identity.EXPIRY_DAYS,
        "now": now(),
    }
    return render(request, visit, "tokens.html", values, status=status)
