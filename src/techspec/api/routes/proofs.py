"""Proofs anyone can check: the server's public keys (``/.well-known/techspec-keys``,
also ``/api/v1/keys``; no token needed), a signed attestation of a spec
(``/api/v1/specs/{ref}/attestation``) and the check of signed sign-offs in posted
Markdown (``POST /api/v1/verify`` with ``{"content": "<Markdown>"}``: what
``techspec verify`` says of the same text)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from techspec.api import bodies
from techspec.api.auth import CurrentUser
from techspec.api.context import ApiContext, api_context
from techspec.api.schemas import EnvelopeOut, KeysOut, SignoffsOut, VerifyIn
from techspec.service import proofs
from techspec.service import specs as ops

router = APIRouter(tags=["proofs"])
Api = Annotated[ApiContext, Depends(api_context)]


@router.get(
    "/.well-known/techspec-keys",
    response_model=KeysOut,
    responses=bodies.problems(),
    summary="The server's public signing keys (no token needed)",
)
@router.get(
    "/api/v1/keys",
    response_model=KeysOut,
    responses=bodies.problems(),
    summary="The server's public signing keys (as /.well-known/techspec-keys)",
)
def keys(api: Api) -> dict[str, Any]:
    return proofs.public_keys(api.store)


@router.get(
    "/api/v1/specs/{ref}/attestation",
    response_model=EnvelopeOut,
    responses=bodies.problems(404, 422),
    summary="A signed in-toto statement (DSSE envelope) of the spec's content hash, "
    "status and approving roles, for CI (as techspec attest)",
)
def attestation(ref: str, user: CurrentUser, api: Api) -> dict[str, Any]:
    return proofs.attest(api.store, user, ops.ref(ref))


@router.post(
    "/api/v1/verify",
    response_model=SignoffsOut,
    responses=bodies.problems(400, 415),
    openapi_extra=bodies.request_body(VerifyIn, markdown_too=False),
    summary="Check the signed sign-off rows of posted Markdown with the server's keys "
    "(as techspec verify --server)",
)
async def verify(request: Request, user: CurrentUser, api: Api) -> dict[str, Any]:
    body = bodies.validate(VerifyIn, await bodies.json_object(request))
    text = bodies.decode(body.content.encode("utf-8", "surrogatepass"))
    checks = await run_in_threadpool(proofs.verify, api.store, user, text)
    rows = [
        {
            "line": c.line,
            "role": c.role,
            "verdict": c.verdict,
            "reason": c.reason,
            "key_id": c.key_id,
        }
        for c in checks
    ]
    return {"ok": all(c.ok for c in checks), "rows": rows}
