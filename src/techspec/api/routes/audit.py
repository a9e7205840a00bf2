"""``/api/v1/audit``: the tamper-evident log (admins only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from techspec.api import bodies
from techspec.api.auth import CurrentUser
from techspec.api.context import ApiContext, api_context
from techspec.api.representations import event, verification
from techspec.api.schemas import EventOut, VerificationOut
from techspec.service import audit, transparency
from techspec.service import specs as ops

router = APIRouter(prefix="/api/v1", tags=["audit"])
Api = Annotated[ApiContext, Depends(api_context)]


@router.get("/audit", response_model=list[EventOut], responses=bodies.problems(404))
def audit_log(
    user: CurrentUser,
    api: Api,
    spec: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> list[dict[str, Any]]:
    """The latest events, oldest first (as ``techspec audit log --format json``)."""
    found = audit.events(api.store, user, spec=ops.ref(spec) if spec else None, limit=limit)
    return [event(e) for e in found]


@router.get("/audit/verify", response_model=VerificationOut, responses=bodies.problems())
def audit_verify(user: CurrentUser, api: Api) -> dict[str, Any]:
    """Re-hash every event and revision text and rebuild the transparency log, as
    ``techspec audit verify``: ``ok``, or the first bad entry and why."""
    return verification(transparency.verify(api.store, user, ring=api.store.signer().ring))
