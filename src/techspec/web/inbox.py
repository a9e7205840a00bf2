"""What the pages show of inboxes and review requests: the unread count in the
navigation, the latest unread items on the dashboard, and a spec's review panel.

They are template globals (installed by :func:`install`), so that a page includes its
partial with one line and the route that renders the page need not know of them.  Each is
one indexed query.
"""

from __future__ import annotations

from typing import Any

import jinja2

from techspec.service import inbox, reviews
from techspec.service.permissions import may_read
from techspec.store.inbox import Item
from techspec.store.records import SpecRecord
from techspec.store.review_requests import Request
from techspec.web.context import Visit

LATEST = 8
"""Unread items the dashboard shows."""


def unread(visit: Visit | None) -> int:
    """The signed-in user's unread items; 0 for anyone who may not read (every page, an
    error page too, shows the navigation)."""
    if visit is None or visit.user is None or not may_read(visit.user):
        return 0
    return inbox.unread_count(visit.store, visit.user)


def latest(visit: Visit) -> list[Item]:
    return inbox.items(visit.store, visit.require_user(), unread=True, limit=LATEST)


def requests_of(visit: Visit, spec: SpecRecord) -> list[Request]:
    return reviews.requests_on(visit.store, visit.require_user(), spec)


def days(request: Request) -> str:
    """``3.2 days``, ``5 hours``: how long a request has waited (or took)."""
    seconds = request.age().total_seconds()
    if seconds < 86400:
        hours = int(seconds // 3600)
        return f"{hours} hour{'s' * (hours != 1)}"
    return f"{seconds / 86400:.1f} days"


def install(env: jinja2.Environment) -> None:
    globals_: dict[str, Any] = {
        "inbox_unread": unread,
        "inbox_latest": latest,
        "review_requests_of": requests_of,
    }
    env.globals.update(globals_)
    env.filters["waited"] = days
