"""Listing and searching specs a page at a time.

The cursor is opaque to clients: base64 of the position reached and a fingerprint of the
query it belongs to, so a cursor replayed with other filters is refused (400) instead of
silently paging through a different list.  A listing's position is its last spec's
``(updated_at, id)`` (keyset paging: every page costs what the first does, and a spec
edited meanwhile never pushes another into a page twice); a search's is an offset into
its ranking, and full-text results stop at :data:`MAX_SEARCH` matches.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import astuple, dataclass, fields
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from techspec.api.errors import BadRequest
from techspec.api.representations import API, listed
from techspec.errors import InputError
from techspec.store import search
from techspec.store.clock import as_utc
from techspec.store.engine import Store
from techspec.store.revisions import MAX_ID
from techspec.store.search import Filters, Listed

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
    """In UTC (:func:`since`)."""
    q: str | None = None

    def filters(self) -> Filters:
        return Filters(
            status=self.status,
            author=self.author,
            reviewer=self.reviewer,
            template=self.template,
            has_errors=self.has_errors,
            open_tasks=self.open_tasks,
            high_risks=self.high_risks,
            updated_since=self.updated_since,
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


@dataclass(frozen=True, slots=True)
class Position:
    """Where a page ends: an offset into a search, or the last spec of a listing."""

    offset: int = 0
    after: Listed | None = None


def encode_cursor(position: Position, query: Query) -> str:
    data: dict[str, Any] = {"o": position.offset, "f": query.fingerprint()}
    if position.after is not None:
        data["a"] = [position.after.updated_at.isoformat(), position.after.id]
    raw = json.dumps(data).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, query: Query) -> Position:
    invalid = BadRequest("invalid cursor: pass back next_cursor exactly as received")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        offset, fingerprint = data["o"], data["f"]
        after = _after(data["a"]) if "a" in data else None
    except (ValueError, KeyError, TypeError, binascii.Error, OverflowError):
        raise invalid from None
    if not _whole(offset, 0, MAX_SEARCH):
        raise invalid
    if fingerprint != query.fingerprint():
        raise BadRequest("this cursor belongs to another query: repeat the same filters")
    return Position(offset, after)


def _whole(value: object, low: int, high: int) -> bool:
    """An integer (not a bool) from ``low`` to ``high``: what a cursor of ours holds."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _after(value: Any) -> Listed:
    """The listing position of a cursor: a stand-in for the last spec of the page."""
    updated_at, spec_id = value
    if not _whole(spec_id, 1, MAX_ID) or not isinstance(updated_at, str):
        raise TypeError(spec_id)
    moment = as_utc(datetime.fromisoformat(updated_at))
    return Listed(spec_id, "", None, None, None, moment, 0, 0, 0, 0, 0)


def since(value: str | None) -> datetime | None:
    """``updated_since`` as a UTC time: RFC 3339 or ISO 8601 (``2026-05-01``,
    ``2026-05-01T09:00:00+02:00``; no offset means UTC).  A time before year 1 or after
    year 9999 in UTC stands for the first or the last instant there is."""
    if value is None:
        return None
    text = value.strip().upper()
    try:
        if not text.isascii():
            raise ValueError(text)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"updated_since: {value[:40]!r} is not a date-time (e.g. 2026-05-01T09:00:00Z)"
        ) from None
    try:
        return as_utc(moment)
    except OverflowError:
        early = moment.replace(tzinfo=None) < datetime(2000, 1, 1)
        return datetime.min.replace(tzinfo=UTC) if early else datetime.max.replace(tzinfo=UTC)


def fetch(store: Store, query: Query, limit: int, cursor: str | None) -> dict[str, Any]:
    """One page: ``items``, ``next_cursor`` (None on the last page) and ``links``."""
    position = decode_cursor(cursor, query) if cursor else Position()
    offset = position.offset
    if query.q is not None and query.q.strip():
        wanted = min(offset + limit + 1, MAX_SEARCH)
        found = search.search(store, query.q, query.filters(), limit=wanted)[offset:]
        more = len(found) > limit and offset + limit < MAX_SEARCH
        following = Position(offset + limit)
    else:
        filters = query.filters()
        found = search.list_specs(
            store, filters, limit=limit + 1, offset=offset, after=position.after
        )
        more = len(found) > limit
        following = Position(after=found[limit - 1]) if more else Position()
    items = [listed(item) for item in found[:limit]]
    next_cursor = encode_cursor(following, query) if more else None
    links = {"self": f"{API}/specs?" + urlencode({**query.params(), "limit": limit})}
    if next_cursor is not None:
        links["next"] = f"{API}/specs?" + urlencode(
            {**query.params(), "limit": limit, "cursor": next_cursor}
        )
    return {"items": items, "next_cursor": next_cursor, "links": links}
