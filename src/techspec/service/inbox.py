"""Inboxes: what happened that concerns a user (review requests, mentions, replies,
revisions and status changes of specs they own or review), and marking it read.

A user sees and marks only their own inbox, whoever they are; the console names the user
it acts for (``techspec inbox --as USER``).
"""

from __future__ import annotations

from techspec.errors import UsageError
from techspec.service.permissions import Actor, Console, require_reader
from techspec.store import inbox
from techspec.store.engine import Store
from techspec.store.inbox import Item
from techspec.store.users import User

__all__ = ["Item", "items", "mark_all_read", "mark_read", "unread_count"]


def _owner(actor: Actor) -> User:
    require_reader(actor)
    if isinstance(actor, Console):
        raise UsageError("name the user whose inbox this is (--as USER)")
    return actor


def items(
    store: Store, actor: Actor, *, unread: bool = False, limit: int = 50, before: int | None = None
) -> list[Item]:
    """The actor's items, newest first (``before``: older than that item id)."""
    return inbox.items(store, _owner(actor).id, unread=unread, limit=limit, before=before)


def unread_count(store: Store, actor: Actor) -> int:
    return inbox.unread_count(store, _owner(actor).id)


def mark_read(store: Store, actor: Actor, item_id: int) -> Item:
    """Mark one of the actor's items read; anyone else's is not found."""
    return inbox.mark_read(store, _owner(actor).id, item_id)


def mark_all_read(store: Store, actor: Actor, *, up_to: int | None = None) -> int:
    return inbox.mark_all_read(store, _owner(actor).id, up_to=up_to)
