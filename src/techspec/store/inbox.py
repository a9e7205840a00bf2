"""Each user's inbox, made from audit events in the transaction that records them.

:func:`techspec.store.audit.record` calls :func:`fan_out` for every event it appends, so
an inbox item exists exactly when the change it tells of does: nothing is lost when a
process dies and nothing waits for a background job.  Who hears of what:

* ``review.requested`` / ``review.reminded``: the reviewer;
* ``thread.opened`` / ``thread.commented``: the users mentioned, the thread's other
  participants (replies), and for a new thread the spec's owners;
* ``thread.resolved`` / ``reopened`` / ``outdated``, ``suggestion.applied``: the thread's
  participants;
* ``spec.created`` / ``spec.revised``, ``status.changed``, ``approval.*``: the spec's
  owners (its creator and the users its Author field names) and everyone asked to review
  it.

Nobody hears of what they did themselves, and one event makes at most one item per user
(a mention outranks a reply).  For users who want a mail per item and have an address, a
mail outbox row is written in the same transaction (:mod:`techspec.store.mail_outbox`
sends them).  The same event also closes the review requests it settles
(:func:`techspec.store.review_requests.on_event`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from techspec.store import review_requests
from techspec.store.clock import as_utc, now
from techspec.store.engine import Store
from techspec.store.errors import NotFound
from techspec.store.inbox_schema import inbox_items, mail_outbox, user_profiles
from techspec.store.names import names_in
from techspec.store.people import users_named
from techspec.store.schema import revisions, specs, users

SPEC_EVENTS = ("spec.created", "spec.revised", "status.changed")
THREAD_EVENTS = (
    "thread.opened",
    "thread.commented",
    "thread.resolved",
    "thread.reopened",
    "thread.outdated",
    "suggestion.applied",
)
REVIEW_EVENTS = ("review.requested", "review.reminded")
HANDLED = frozenset(
    (*SPEC_EVENTS, *THREAD_EVENTS, *REVIEW_EVENTS, "approval.approve", "approval.request-changes")
)
RANK = {"mention": 0, "review": 1, "reminder": 1, "reply": 2, "thread": 3}
"""Which reason wins when one event concerns a user twice (lower wins)."""
SUMMARY_MAX = 1000


@dataclass(frozen=True, slots=True)
class Item:
    id: int
    seq: int
    """The audit event's number: items are listed in its order."""
    kind: str
    summary: str
    actor: str | None
    spec_id: int | None
    slug: str | None
    title: str | None
    thread_id: int | None
    created_at: datetime
    read_at: datetime | None

    @property
    def read(self) -> bool:
        return self.read_at is not None

    @property
    def link(self) -> str:
        """Where the item points in the web UI: the spec, at its thread when it has one."""
        if self.slug is None:
            return "/reviews" if self.kind == "reminder" else "/inbox"
        return f"/specs/{self.slug}" + (f"#thread-{self.thread_id}" if self.thread_id else "")


@dataclass(frozen=True, slots=True)
class _Spec:
    id: int
    slug: str
    title: str
    author: str | None


def fan_out(
    connection: Connection,
    *,
    seq: int,
    actor: str | None,
    action: str,
    spec_id: int | None,
    revision: int | None,
    details: dict[str, Any],
) -> int:
    """Make the inbox items (and immediate mails) of one audit event; returns the items."""
    if action not in HANDLED:
        return 0
    review_requests.on_event(
        connection, action=action, actor=actor, spec_id=spec_id, revision=revision, details=details
    )
    spec = _spec(connection, spec_id)
    plan = _plan(connection, action, actor, spec, revision, details)
    if not plan:
        return 0
    at = now()
    thread = details.get("thread_id")
    thread_id = thread if isinstance(thread, int) and not isinstance(thread, bool) else None
    rows = [
        {
            "user_id": user_id,
            "seq": seq,
            "kind": kind,
            "spec_id": spec_id if spec is not None else None,
            "thread_id": thread_id,
            "actor": actor,
            "summary": summary[:SUMMARY_MAX],
            "created_at": at,
        }
        for user_id, (kind, summary) in sorted(plan.items())
    ]
    connection.execute(sa.insert(inbox_items), rows)
    _queue_mail(connection, seq, at)
    return len(rows)


def _queue_mail(connection: Connection, seq: int, at: datetime) -> None:
    """A mail outbox row for each new item whose user wants one mail per item."""
    wanting = (
        sa.select(
            inbox_items.c.user_id,
            sa.literal("item"),
            inbox_items.c.id,
            sa.literal("pending"),
            sa.literal(0),
            sa.literal(at, type_=mail_outbox.c.next_attempt_at.type),
            sa.literal(at, type_=mail_outbox.c.created_at.type),
        )
        .join(user_profiles, user_profiles.c.user_id == inbox_items.c.user_id)
        .where(
            inbox_items.c.seq == seq,
            user_profiles.c.mail == "immediate",
            user_profiles.c.email.is_not(None),
        )
    )
    columns = ["user_id", "kind", "inbox_item_id", "state", "attempts"]
    connection.execute(
        sa.insert(mail_outbox).from_select([*columns, "next_attempt_at", "created_at"], wanting)
    )


def _spec(connection: Connection, spec_id: int | None) -> _Spec | None:
    if spec_id is None:
        return None
    row = connection.execute(
        sa.select(specs.c.id, specs.c.slug, specs.c.title, specs.c.author).where(
            specs.c.id == spec_id
        )
    ).first()
    if row is None:
        return None
    return _Spec(row.id, row.slug, row.title or row.slug, row.author)


def _plan(
    connection: Connection,
    action: str,
    actor: str | None,
    spec: _Spec | None,
    revision: int | None,
    details: dict[str, Any],
) -> dict[int, tuple[str, str]]:
    """user id -> (kind, summary) for one event, the actor left out."""
    who = actor or "techspec"
    title = f"“{spec.title}”" if spec is not None else "a spec"
    plan: dict[int, tuple[str, str]] = {}

    def tell(user_ids: set[int] | list[int], kind: str, summary: str) -> None:
        for user_id in user_ids:
            held = plan.get(user_id)
            if held is None or RANK.get(kind, 9) < RANK.get(held[0], 9):
                plan[user_id] = (kind, summary)

    if action == "review.requested":
        role = details.get("role")
        due = details.get("due")
        summary = f"{who} asks for your review of {title}"
        summary += (f" as {role}" if role else "") + (f", due {due}" if due else "")
        tell(_ids(connection, [str(details.get("reviewer", ""))]), "review", summary)
    elif action == "review.reminded":
        owed = details.get("requests") or []
        count = len(owed) if isinstance(owed, list) else 0
        summary = f"Reminder: {count} review{'s' if count != 1 else ''} wait for you"
        tell(_ids(connection, [str(details.get("reviewer", ""))]), "reminder", summary)
    elif action in THREAD_EVENTS:
        _thread_plan(connection, action, who, spec, title, details, tell)
    elif spec is not None:
        summary = _spec_summary(action, who, title, revision, details)
        tell(_stakeholders(connection, spec), _spec_kind(action), summary)
    actor_ids = _ids(connection, [actor]) if actor else set()
    return {user_id: found for user_id, found in plan.items() if user_id not in actor_ids}


def _thread_plan(
    connection: Connection,
    action: str,
    who: str,
    spec: _Spec | None,
    title: str,
    details: dict[str, Any],
    tell: Any,
) -> None:
    section = details.get("section")
    where = f"{title}" + (f" ({section})" if section else "")
    participants = _ids(connection, _names(details.get("participants")))
    mentioned = _ids(connection, _names(details.get("mentions")))
    if action in ("thread.opened", "thread.commented"):
        tell(mentioned, "mention", f"{who} mentioned you in a thread on {where}")
    if action == "thread.opened":
        kind = str(details.get("kind") or "comment")
        owners = _stakeholders(connection, spec, reviewers=False) if spec else set()
        tell(owners, "thread", f"{who} opened a {kind} thread on {where}")
    elif action == "thread.commented":
        tell(participants, "reply", f"{who} replied in a thread on {where}")
    else:
        done = {
            "thread.resolved": f"{who} resolved a thread on {where}",
            "thread.reopened": f"{who} reopened a thread on {where}",
            "thread.outdated": f"A thread on {where} is outdated: its text changed",
            "suggestion.applied": f"{who} applied a suggestion on {where}",
        }
        tell(participants, "thread", done[action])


def _spec_kind(action: str) -> str:
    if action.startswith("approval."):
        return "approval"
    return "status" if action == "status.changed" else "revision"


def _spec_summary(
    action: str, who: str, title: str, revision: int | None, details: dict[str, Any]
) -> str:
    if action == "spec.created":
        return f"{who} created {title}"
    if action == "spec.revised":
        return f"{who} saved revision {revision} of {title}"
    if action == "status.changed":
        return f"{who} moved {title} from {details.get('from')} to {details.get('to')}"
    role = details.get("role")
    comment = str(details.get("comment") or "").strip()
    said = f": {comment[:300]}" if comment else ""
    if action == "approval.approve":
        return f"{who} approved {title} as {role}{said}"
    return f"{who} requested changes on {title} as {role}{said}"


def _names(value: Any) -> list[str]:
    return [str(name) for name in value if isinstance(name, str)] if isinstance(value, list) else []


def _ids(connection: Connection, names: list[str] | list[str | None]) -> set[int]:
    return set(users_named(connection, [n for n in names if n]).values())


def _stakeholders(connection: Connection, spec: _Spec, *, reviewers: bool = True) -> set[int]:
    """The spec's owners (its creator, the users its Author field names) and, unless
    ``reviewers`` is false, everyone asked to review it."""
    creator = connection.execute(
        sa.select(revisions.c.author_id).where(
            revisions.c.spec_id == spec.id, revisions.c.number == 1
        )
    ).scalar()
    found = set(users_named(connection, names_in(spec.author)).values())
    if creator is not None:
        found.add(creator)
    if reviewers:
        found |= review_requests.reviewer_ids(connection, spec.id)
    return found


# -- reading -----------------------------------------------------------------------------


def _select() -> sa.Select[Any]:
    return sa.select(inbox_items, specs.c.slug, specs.c.title).select_from(
        inbox_items.outerjoin(specs, specs.c.id == inbox_items.c.spec_id)
    )


def _item(row: Any) -> Item:
    return Item(
        row.id,
        row.seq,
        row.kind,
        row.summary,
        row.actor,
        row.spec_id,
        row.slug,
        row.title,
        row.thread_id,
        as_utc(row.created_at),
        as_utc(row.read_at) if row.read_at is not None else None,
    )


def items(
    store: Store, user_id: int, *, unread: bool = False, limit: int = 50, before: int | None = None
) -> list[Item]:
    """The user's items, newest first; ``before``: only items older than the item with
    that ``seq`` (the keyset of the page before), so every page costs what the first does
    and items arriving meanwhile never repeat one."""
    query = _select().where(inbox_items.c.user_id == user_id)
    if unread:
        query = query.where(inbox_items.c.read_at.is_(None))
    if before is not None:
        query = query.where(inbox_items.c.seq < before)
    query = query.order_by(inbox_items.c.seq.desc()).limit(limit)
    with store.read() as connection:
        return [_item(row) for row in connection.execute(query)]


def items_by_id(connection: Connection, ids: list[int]) -> list[Item]:
    if not ids:
        return []
    query = _select().where(inbox_items.c.id.in_(ids)).order_by(inbox_items.c.id)
    return [_item(row) for row in connection.execute(query)]


def unread_count(store: Store, user_id: int) -> int:
    query = sa.select(sa.func.count()).where(
        inbox_items.c.user_id == user_id, inbox_items.c.read_at.is_(None)
    )
    with store.read() as connection:
        return int(connection.execute(query).scalar_one())


def mark_read(store: Store, user_id: int, item_id: int) -> Item:
    """Mark one of the user's items read (again: no change); another user's item is
    :class:`NotFound`, the same answer as an item that does not exist."""
    with store.write() as connection:
        mine = sa.and_(inbox_items.c.id == item_id, inbox_items.c.user_id == user_id)
        connection.execute(
            sa.update(inbox_items)
            .where(mine, inbox_items.c.read_at.is_(None))
            .values(read_at=now())
        )
        row = connection.execute(_select().where(mine)).first()
    if row is None:
        raise NotFound(f"no inbox item {item_id} of yours")
    return _item(row)


def mark_all_read(store: Store, user_id: int, *, up_to: int | None = None) -> int:
    """Mark every unread item read (``up_to``: only items up to that id, those the user
    saw); returns how many."""
    where = [inbox_items.c.user_id == user_id, inbox_items.c.read_at.is_(None)]
    if up_to is not None:
        where.append(inbox_items.c.id <= up_to)
    with store.write() as connection:
        done = connection.execute(sa.update(inbox_items).where(*where).values(read_at=now()))
    return int(done.rowcount)


def user_id_of(store: Store, name: str) -> int:
    with store.read() as connection:
        found = connection.execute(sa.select(users.c.id).where(users.c.name == name)).scalar()
    if found is None:
        raise NotFound(f"unknown user '{name}'")
    return int(found)
