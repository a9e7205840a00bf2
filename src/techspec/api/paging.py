"""Listing and searching specs a page at a time.

The cursor is opaque to clients: base64 of the position reached and a fingerprint of the
query it belongs to, so a cursor replayed with other filters is refused (400) instead of
silently paging through a different list.  Full-text results stop at
:data:`MAX_SEARCH` matches.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import astuple, dataclass, fields
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from techspec.api.errors import BadRequest
from techspec.api.representations import API, listed
from techspec.store import search
from techspec.store.clock import as_utc
from techspec.store.engine import Store
from techspec.store.search import Filters

MAX_SEARCH = 1000


@dataclass(frozen=True, slots=True)
class Query:
    status: str | None = None
    author: str | None = None
    reviewer: str | None = None
    template: str | None = None
    has_errors: bool | None = None
    open_tasks: bool = False
    high_risks: bool = False
    updated_since: datetime | None = None
    q: str | None = None

    def filters(self) -> Filters:
        since = self.updated_since
        return Filters(
            status=self.status,
            author=self.author,
            reviewer=self.reviewer,
            template=self.template,
            has_errors=self.has_errors,
            open_tasks=self.open_tasks,
            high_risks=self.high_risks,
            updated_since=as_utc(since) if since is not None else None,
        )

    def fingerprint(self) -> str:
        text = json.dumps([str(part) for part in astuple(self)])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def params(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for name, value in zip([f.name for f in fields(self)], astuple(self), strict=True):
            if value is None or value is False:
                continue
            found[name] = value.isoformat() if isinstance(value, datetime) else str(value)
            if isinstance(value, bool):
                found[name] = "true"
        return found


def encode_cursor(offset: int, query: Query) -> str:
    raw = json.dumps({"o": offset, "f": query.fingerprint()}).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, query: Query) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        offset, fingerprint = data["o"], data["f"]
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeEncodeError):
        raise BadRequest("invalid cursor: pass back next_cursor exactly as received") from None
    if not isinstance(offset, int) or offset < 0 or fingerprint != query.fingerprint():
        raise BadRequest("this cursor belongs to another query: repeat the same filters")
    return offset


def fetch(store: Store, query: Query, limit: int, cursor: str | None) -> dict[str, Any]:
    """One page: ``items``, ``next_cursor`` (None on the last page) and ``links``."""
    offset = decode_cursor(cursor, query) if cursor else 0
    if query.q is not None and query.q.strip():
        wanted = min(offset + limit + 1, MAX_SEARCH)
        found = search.search(store, query.q, query.filters(), limit=wanted)[offset:]
        more = len(found) > limit and offset + limit < MAX_SEARCH
    else:
        found = search.list_specs(store, query.filters(), limit=limit + 1, offset=offset)
        more = len(found) > limit
    items = [listed(item) for item in found[:limit]]
    next_cursor = encode_cursor(offset + limit, query) if more else None
    links = {"self": f"{API}/specs?" + urlencode({**query.params(), "limit": limit})}
    if next_cursor is not None:
        links["next"] = f"{API}/specs?" + urlencode(
            {**query.params(), "limit": limit, "cursor": next_cursor}
        )
    return {"items": items, "next_cursor": next_cursor, "links": links}
