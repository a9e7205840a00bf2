"""``/api/v1/inbox``: the signed-in user's inbox, a page at a time, and marking it read.

Everyone sees only their own inbox: another user's item is 404, as one that does not
exist.  Pages go newest first; the cursor holds the last item's event number (keyset
paging: every page costs what the first does, and items arriving meanwhile never repeat
one).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from techspec.api import bodies
from techspec.api.auth import CurrentUser
from techspec.api.context import ApiContext, api_context
from techspec.api.errors import BadRequest
from techspec.api.inbox_representations import item_json
from techspec.api.inbox_schemas import InboxItemOut, InboxPage, ReadAllIn, ReadAllOut
from techspec.service import inbox

router = APIRouter(prefix="/api/v1", tags=["inbox"])
Api = Annotated[ApiContext, Depends(api_context)]
ItemId = Annotated[int, Path(ge=1, le=2**63 - 1)]


def _cursor(before: int, unread: bool) -> str:
    raw = json.dumps({"b": before, "u": unread}).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _before(cursor: str, unread: bool) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        before, flag = data["b"], data["u"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise BadRequest("invalid cursor: pass back next_cursor exactly as received") from None
    if not isinstance(before, int) or isinstance(before, bool) or not 1 <= before < 2**63:
        raise BadRequest("invalid cursor: pass back next_cursor exactly as received")
    if flag is not unread:
        raise BadRequest("this cursor belongs to another query: repeat the same filters")
    return before


@router.get("/inbox", response_model=InboxPage, responses=bodies.problems(400))
async def get_inbox(
    user: CurrentUser,
    api: Api,
    unread: bool = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    """Your items, newest first (``unread=true``: only those not read yet)."""
    limit = min(limit, api.settings.page_limit)
    before = _before(cursor, unread) if cursor else None

    def page() -> dict[str, Any]:
        found = inbox.items(api.store, user, unread=unread, limit=limit + 1, before=before)
        count = inbox.unread_count(api.store, user)
        more = len(found) > limit
        following = _cursor(found[limit - 1].seq, unread) if more else None
        params = {"limit": str(limit), **({"unread": "true"} if unread else {})}
        links = {"self": "/api/v1/inbox?" + urlencode(params)}
        if following is not None:
            links["next"] = "/api/v1/inbox?" + urlencode({**params, "cursor": following})
        base = api.settings.base_url
        return {
            "items": [item_json(item, base) for item in found[:limit]],
            "next_cursor": following,
            "links": links,
            "unread": count,
        }

    return await api.read(page)


@router.post("/inbox/{item_id}/read", response_model=InboxItemOut, responses=bodies.problems(404))
async def read_item(item_id: ItemId, user: CurrentUser, api: Api) -> dict[str, Any]:
    """Mark one of your items read (again: no change)."""
    found = await run_in_threadpool(inbox.mark_read, api.store, user, item_id)
    return item_json(found, api.settings.base_url)


@router.post(
    "/inbox/read-all",
    response_model=ReadAllOut,
    responses=bodies.problems(400, 415),
    openapi_extra=bodies.request_body(ReadAllIn, markdown_too=False, required=False),
)
async def read_all(request: Request, user: CurrentUser, api: Api) -> dict[str, Any]:
    """Mark all your unread items read (``up_to``: only those up to that id)."""
    data = await bodies.json_object(request) if await request.body() else {}
    body = bodies.validate(ReadAllIn, data)

    def run() -> dict[str, Any]:
        marked = inbox.mark_all_read(api.store, user, up_to=body.up_to)
        return {"marked": marked, "unread": inbox.unread_count(api.store, user)}

    return await run_in_threadpool(run)
