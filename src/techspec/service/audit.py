"""The audit log (admins only): its latest events.  Checking it is
:mod:`techspec.service.transparency`."""

from __future__ import annotations

from techspec.service.permissions import Actor, require_admin
from techspec.service.specs import current
from techspec.store import audit
from techspec.store.audit import Event
from techspec.store.engine import Store


def events(
    store: Store, actor: Actor, *, spec: str | None = None, limit: int | None = None
) -> list[Event]:
    """The latest events, oldest first; only those of ``spec`` when given."""
    require_admin(actor, "read the audit log")
    spec_id = current(store, spec).spec.id if spec else None
    return audit.events(store, spec_id=spec_id, limit=limit)
