"""Review threads: open, reply, resolve, reopen, apply a suggestion, and read them.

Who may do what (the one place every front door asks):

* anyone who may read a spec reads its threads;
* writing (a thread, a reply) takes a role beyond ``viewer``: a viewer reads only;
* only the spec's owner (its creator, its Author, an admin) applies a suggestion, since
  applying one edits the spec;
* only the thread's author or the spec's owner resolves or reopens it.

Threads are signed by a person: the console names one with ``--as``.  The store checks
the anchor, writes the audit events and re-anchors threads on every revision
(:mod:`techspec.store.threads`).
"""

from __future__ import annotations

from typing import Any

from techspec.authoring import anchors
from techspec.errors import InputError, UsageError
from techspec.service.permissions import (
    VIEWER,
    Actor,
    Console,
    may_own,
    require_reader,
)
from techspec.service.specs import current
from techspec.store import threads
from techspec.store.clock import iso
from techspec.store.engine import Store
from techspec.store.errors import Forbidden
from techspec.store.records import Saved, SpecRecord
from techspec.store.threads import STATUSES, Posted, Thread
from techspec.store.users import User


def threads_of(
    store: Store, actor: Actor, reference: str, status: str | None = None
) -> list[Thread]:
    """The spec's threads, oldest first; ``status`` ``open`` or ``resolved`` filters."""
    require_reader(actor)
    return threads_on(store, actor, current(store, reference).spec, status)


def threads_on(
    store: Store, actor: Actor, spec: SpecRecord, status: str | None = None
) -> list[Thread]:
    """:func:`threads_of` a spec the caller has already looked up (the spec page),
    without reading its current revision again."""
    require_reader(actor)
    if status is not None and status not in STATUSES:
        raise InputError(f"invalid field 'status': '{status}' is not one of {', '.join(STATUSES)}")
    return threads.for_spec(store, spec.id, status)


def thread(store: Store, actor: Actor, thread_id: int) -> Thread:
    require_reader(actor)
    return threads.get(store, thread_id)


def open_thread(
    store: Store,
    actor: Actor,
    reference: str,
    *,
    section: str,
    body: str,
    quote: str | None = None,
    kind: str = "comment",
    suggestion: str | None = None,
) -> Posted:
    """A new thread on the spec's current revision."""
    user = _writer(actor, "open a thread")
    spec = current(store, reference).spec
    return threads.open_thread(
        store,
        f"#{spec.id}",
        user,
        section=section,
        body=body,
        quote=quote,
        kind=kind,
        suggestion=suggestion,
    )


def comment(store: Store, actor: Actor, thread_id: int, body: str) -> Posted:
    """A reply on the thread."""
    user = _writer(actor, "reply on a thread")
    threads.get(store, thread_id)
    return threads.add_comment(store, thread_id, user, body)


def resolve(store: Store, actor: Actor, thread_id: int) -> Thread:
    user, _found = _settler(store, actor, thread_id, "resolve")
    return threads.set_status(store, thread_id, user, "resolved")


def reopen(store: Store, actor: Actor, thread_id: int) -> Thread:
    user, _found = _settler(store, actor, thread_id, "reopen")
    return threads.set_status(store, thread_id, user, "open")


def apply(
    store: Store, actor: Actor, thread_id: int, *, base: int | None = None
) -> tuple[Saved, Thread]:
    """Apply a suggestion as the revision after ``base`` (the current one when not
    given): only the spec's owner may, since it edits the spec."""
    require_reader(actor)
    found = threads.get(store, thread_id)
    spec = current(store, f"#{found.spec_id}").spec
    if not may_own(store, actor, spec):
        raise Forbidden(
            "only the spec's owner (its creator, its Author or an admin) may apply a "
            f"suggestion to spec '{spec.slug}'; {actor.name} does not own it"
        )
    return threads.apply_suggestion(store, thread_id, _person(actor, "apply"), base=base)


def diffs(store: Store, actor: Actor, found: list[Thread]) -> dict[int, str]:
    """For each outdated thread of ``found`` (all of one spec), the diff of its section
    from the text it was made on to the current revision."""
    require_reader(actor)
    outdated = [t for t in found if t.outdated and t.anchored_text is not None]
    if not outdated:
        return {}
    text = current(store, f"#{outdated[0].spec_id}").revision.text
    regions = anchors.regions(text)
    return {
        t.id: anchors.diff_since(
            t.anchored_text or "", t.anchored_line or 1, text, regions, t.section
        )
        for t in outdated
    }


def version(store: Store, actor: Actor, spec_id: int) -> int:
    """A number that changes whenever anything about the spec's threads may have (its
    newest audit event): a view of them is current while it holds."""
    require_reader(actor)
    return threads.version(store, spec_id)


def may_write(actor: Actor) -> bool:
    """Whether ``actor`` may open threads and reply (a person with a role beyond viewer)."""
    if isinstance(actor, Console):
        return False
    return any(role.casefold() != VIEWER for role in actor.roles)


def may_settle(store: Store, actor: Actor, found: Thread) -> bool:
    """Whether ``actor`` may resolve or reopen ``found``: its author or the spec's owner."""
    if isinstance(actor, User) and actor.name == found.author:
        return True
    return may_own(store, actor, current(store, f"#{found.spec_id}").spec)


def _writer(actor: Actor, doing: str) -> User:
    require_reader(actor)
    user = _person(actor, doing)
    if not may_write(user):
        raise Forbidden(f"a viewer may read threads but not {doing}; {user.name} holds viewer")
    return user


def _settler(store: Store, actor: Actor, thread_id: int, doing: str) -> tuple[User, Thread]:
    require_reader(actor)
    found = threads.get(store, thread_id)
    user = _person(actor, doing)
    if not may_settle(store, user, found):
        raise Forbidden(
            f"only the thread's author ({found.author}) or the spec's owner may {doing} "
            f"thread {thread_id}; {user.name} is neither"
        )
    return user, found


def _person(actor: Actor, doing: str) -> User:
    """Threads are signed by a person: the console names one with ``--as``."""
    if isinstance(actor, Console):
        raise UsageError(f"name the user who is to {doing} (--as USER)")
    return actor


def as_dict(
    thread: Thread,
    diff: str | None = None,
    mentions: list[str] | None = None,
    unknown: list[str] | None = None,
) -> dict[str, Any]:
    """A thread as the API and ``techspec threads --format json`` show it (the text as
    written: JSON escapes nothing for HTML)."""
    found: dict[str, Any] = {
        "id": thread.id,
        "spec_id": thread.spec_id,
        "revision": thread.revision,
        "section": thread.section,
        "quote": thread.quote,
        "kind": thread.kind,
        "suggestion": thread.suggestion,
        "status": thread.status,
        "outdated": thread.outdated,
        "outdated_revision": thread.outdated_revision,
        "anchored_revision": thread.anchored_revision,
        "anchored_text": thread.anchored_text,
        "diff": diff,
        "author": thread.author,
        "created_at": iso(thread.created_at),
        "resolved_by": thread.resolved_by,
        "resolved_at": iso(thread.resolved_at) if thread.resolved_at else None,
        "applied_revision": thread.applied_revision,
        "comments": [
            {"id": c.id, "author": c.author, "body": c.body, "created_at": iso(c.created_at)}
            for c in thread.comments
        ],
    }
    if mentions is not None:
        found["mentions"] = mentions
        found["unknown_mentions"] = unknown or []
    return found
