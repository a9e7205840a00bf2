"""Webhook receivers (admins only): register, list, remove, read their delivery log."""

from __future__ import annotations

from collections.abc import Iterable

from techspec.service.permissions import Actor, actor_name, require_admin
from techspec.store import webhooks
from techspec.store.engine import Store
from techspec.store.webhooks import Delivery, Webhook


def add(
    store: Store,
    actor: Actor,
    url: str,
    events: Iterable[str] = webhooks.DEFAULT_EVENTS,
    *,
    allow_private: bool,
    secret: str | None = None,
) -> Webhook:
    """Register a receiver.  ``allow_private`` is the server's setting
    (``TECHSPEC_WEBHOOK_ALLOW_PRIVATE``): without it a private or loopback address is
    refused here, as delivery would refuse it."""
    require_admin(actor, "register webhooks")
    return webhooks.add(
        store, url, events, secret=secret, actor=actor_name(actor), allow_private=allow_private
    )


def all_webhooks(store: Store, actor: Actor) -> list[Webhook]:
    require_admin(actor, "list webhooks")
    return webhooks.all_webhooks(store)


def remove(store: Store, actor: Actor, webhook_id: int) -> None:
    require_admin(actor, "remove webhooks")
    webhooks.remove(store, webhook_id, actor=actor_name(actor))


def deliveries(store: Store, actor: Actor, webhook_id: int, *, limit: int = 100) -> list[Delivery]:
    require_admin(actor, "read webhook deliveries")
    return webhooks.deliveries(store, webhook_id, limit=limit)
