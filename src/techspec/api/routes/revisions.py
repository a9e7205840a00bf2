"""``/api/v1/specs/{ref}/revisions`` and ``/diff``: the immutable history of a spec."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from techspec.api import bodies
from techspec.api.auth import CurrentUser
from techspec.api.context import ApiContext, api_context
from techspec.api.representations import revision_document, revision_summary
from techspec.api.schemas import DiffOut, RevisionOut, RevisionSummary
from techspec.authoring.diff import diff_specs, diff_to_dict
from techspec.service import specs as ops
from techspec.service.permissions import require_reader
from techspec.store import revisions

router = APIRouter(prefix="/api/v1", tags=["revisions"])
Api = Annotated[ApiContext, Depends(api_context)]
Number = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get(
    "/specs/{ref}/revisions",
    response_model=list[RevisionSummary],
    responses=bodies.problems(404),
)
def list_revisions(ref: str, user: CurrentUser, api: Api) -> list[dict[str, Any]]:
    """Every revision, oldest first (without the text; fetch one for its content)."""
    require_reader(user)
    return [revision_summary(r) for r in revisions.history(api.store, ops.ref(ref))]


@router.get(
    "/specs/{ref}/revisions/{number}",
    response_model=RevisionOut,
    responses=bodies.problems(404),
)
def get_revision(ref: str, number: Number, user: CurrentUser, api: Api) -> dict[str, Any]:
    require_reader(user)
    return revision_document(revisions.get_revision(api.store, ops.ref(ref), number))


@router.get("/specs/{ref}/diff", response_model=DiffOut, responses=bodies.problems(404))
def diff(
    ref: str,
    user: CurrentUser,
    api: Api,
    old: Annotated[int, Query(alias="from", ge=1, le=2**31 - 1)],
    new: Annotated[int | None, Query(alias="to", ge=1, le=2**31 - 1)] = None,
) -> dict[str, Any]:
    """Section-aware diff between two revisions (``to`` defaults to the current one);
    the same JSON as ``techspec diff SPEC FROM TO --format json``."""
    require_reader(user)
    before = revisions.get_revision(api.store, ops.ref(ref), old)
    after = revisions.get_revision(api.store, ops.ref(ref), new)
    found = diff_specs(before.text, after.text)
    return {"spec": ref, "old": before.number, "new": after.number, **diff_to_dict(found)}
