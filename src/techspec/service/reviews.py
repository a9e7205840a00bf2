"""What waits for a reviewer: the specs in Review that need a decision they may give,
and the review requests that say who owes which review.

The rule is the workflow's: a spec waits for a user when it is in its template's Review
state, a sign-off role of that template the user holds has no current approval, and
the user is not one of its authors (authors may not approve).  This module turns the user's roles
into what the store's query needs, per template; the store counts and lists exactly.
"""

from __future__ import annotations

from techspec.authoring.writeback import signoff_roles
from techspec.service import catalog
from techspec.service.permissions import Actor, require_reader
from techspec.service.specs import current
from techspec.store import review_queue, review_requests
from techspec.store.engine import Store
from techspec.store.inbox import user_id_of
from techspec.store.lifecycle import lifecycle
from techspec.store.records import SpecRecord
from techspec.store.review_queue import Queue, Seat
from techspec.store.review_requests import Request
from techspec.store.users import User


def waiting_for(store: Store, user: User, *, limit: int) -> Queue:
    """The ``limit`` most recently updated specs waiting for ``user``, and how many wait."""
    require_reader(user)
    return review_queue.waiting_for(store, user, seats(store, user), limit=limit)


def seats(store: Store, user: User) -> list[Seat]:
    """For each known template with a lifecycle, its Review state and the sign-off roles
    ``user`` holds on it."""
    found: list[Seat] = []
    for entry in catalog.entries(store):
        template = entry.template
        roles = tuple(role for role in signoff_roles(template) if user.has_role(role))
        if roles and len(template.statuses) >= 4:
            found.append(Seat(template.sha256, lifecycle(template)[1], roles))
    return found


def requests_for(store: Store, actor: Actor, reference: str) -> list[Request]:
    """The spec's review requests: who owes which review since when, open ones first."""
    require_reader(actor)
    return requests_on(store, actor, current(store, reference).spec)


def requests_on(store: Store, actor: Actor, spec: SpecRecord) -> list[Request]:
    """:func:`requests_for` a spec the caller has already looked up (the spec page),
    without reading its current revision again."""
    require_reader(actor)
    return review_requests.for_spec(store, spec.id)


def outstanding(
    store: Store, actor: Actor, *, limit: int = 500, reviewer: str | None = None
) -> tuple[list[Request], int]:
    """Open review requests on live specs, oldest first (``reviewer``: only theirs), and
    how many there are in all."""
    require_reader(actor)
    reviewer_id = user_id_of(store, reviewer) if reviewer else None
    found = review_requests.outstanding(store, limit=limit, reviewer_id=reviewer_id)
    return found, review_requests.count_outstanding(store)
