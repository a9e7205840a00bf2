"""JSON of inbox items, review requests and profiles: the API's answers and the CLI's
``--format json`` are the same."""

from __future__ import annotations

from typing import Any

from techspec.store.clock import iso, now
from techspec.store.inbox import Item
from techspec.store.profiles import Profile
from techspec.store.review_requests import Request as ReviewRequest


def item_json(item: Item, base_url: str) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind,
        "summary": item.summary,
        "actor": item.actor,
        "spec": None
        if item.spec_id is None or item.slug is None
        else {"id": item.spec_id, "slug": item.slug, "title": item.title},
        "thread_id": item.thread_id,
        "created_at": iso(item.created_at),
        "read": item.read,
        "read_at": iso(item.read_at) if item.read_at is not None else None,
        "link": item.link,
        "url": base_url + item.link,
    }


def request_json(found: ReviewRequest) -> dict[str, Any]:
    return {
        "id": found.id,
        "spec": {"id": found.spec_id, "slug": found.slug, "title": found.title},
        "reviewer": found.reviewer,
        "role": found.role,
        "requested_by": found.requested_by,
        "requested_at": iso(found.requested_at),
        "revision": found.revision,
        "due": found.due.isoformat() if found.due else None,
        "open": found.open,
        "closed_at": iso(found.closed_at) if found.closed_at else None,
        "outcome": found.outcome,
        "age_days": round(found.age(now()).total_seconds() / 86400, 2),
    }


def profile_json(found: Profile) -> dict[str, Any]:
    return {
        "user": found.name,
        "email": found.email,
        "display_name": found.display_name,
        "mail": found.mail,
    }
