"""Review threads: comments, suggestions and blocking concerns anchored to a spec's text.

A thread belongs to a spec, starts on a revision and is anchored to a section path and
optionally an exact quote of that section's Markdown (:mod:`techspec.authoring.anchors`).
Its first comment is its text; replies follow.  Every write records its audit event in
the same transaction, with the names the inbox and mail build on (``thread.opened``,
``thread.commented``, ``thread.resolved``, ``thread.reopened``, ``thread.outdated``,
``suggestion.applied``); ``participants`` are the thread's author and everyone who
commented, ``mentions`` the known users an ``@name`` in the text names.

:func:`reanchor` runs inside every revision's write transaction
(:func:`techspec.store.anchoring.reanchor`, from
:func:`techspec.store.revisions.append`): each open thread whose section or quote the new
revision no longer holds becomes *outdated*, keeping the section's body from the last
revision it was found in.  Outdated threads stay outdated (a reviewer re-reads and
resolves them, or opens a new one).

The records and the queries that read them are :mod:`techspec.store.thread_records`,
re-exported here.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from techspec.authoring import anchors
from techspec.errors import InputError
from techspec.store import audit, revisions, thread_records
from techspec.store.anchoring import anchors_of, detach_gone
from techspec.store.clock import now
from techspec.store.engine import Store
from techspec.store.errors import Conflict, Gate
from techspec.store.records import Saved, SpecRecord
from techspec.store.schema import thread_comments, threads, users
from techspec.store.thread_records import (
    KINDS,
    STATUSES,
    Comment,
    Kind,
    Posted,
    Status,
    Thread,
    for_spec,
    get,
    open_for_spec,
    version,
)
from techspec.store.thread_text import (
    MAX_QUOTE,
    MAX_SECTION,
    MAX_SUGGESTION,
    clean_body,
    resolve_mentions,
)
from techspec.store.users import User

__all__ = [
    "KINDS",
    "STATUSES",
    "Comment",
    "Kind",
    "Posted",
    "Status",
    "Thread",
    "add_comment",
    "apply_suggestion",
    "blocking_gates",
    "for_spec",
    "get",
    "open_for_spec",
    "open_in",
    "open_thread",
    "set_status",
    "version",
]

# -- opening and replying ----------------------------------------------------------------


def open_thread(
    store: Store,
    ref: str,
    author: User,
    *,
    section: str,
    body: str,
    quote: str | None = None,
    kind: str = "comment",
    suggestion: str | None = None,
) -> Posted:
    """A new thread on the current revision of ``ref``; bad input is an
    :class:`InputError` naming the field (section not in the spec, quote not in the
    section, empty or over-long text, a suggestion without a quote)."""
    text = clean_body(body)
    chosen = _kind(kind)
    if len(section) > MAX_SECTION:
        raise InputError(f"invalid field 'section': longer than {MAX_SECTION} characters")
    if quote is not None and len(quote) > MAX_QUOTE:
        raise InputError(f"invalid field 'quote': longer than {MAX_QUOTE} characters")
    if chosen == "suggestion":
        if suggestion is None:
            raise InputError("invalid field 'suggestion': a suggestion needs replacement text")
        if len(suggestion) > MAX_SUGGESTION:
            raise InputError(f"invalid field 'suggestion': longer than {MAX_SUGGESTION} characters")
        if not (quote or "").strip():
            raise InputError("invalid field 'quote': a suggestion replaces a quote: give one")
    elif suggestion is not None:
        raise InputError(f"invalid field 'suggestion': only a suggestion has one, not a {chosen}")
    with store.write() as connection:
        spec = revisions.resolve(connection, ref, lock=True)
        current = revisions.revision_row(connection, spec)
        return open_in(
            connection,
            spec,
            current.number,
            current.text,
            author,
            section=section,
            body=text,
            quote=quote,
            kind=chosen,
            suggestion=suggestion,
        )


def open_in(
    connection: Connection,
    spec: SpecRecord,
    number: int,
    text: str,
    author: User,
    *,
    section: str,
    body: str,
    quote: str | None = None,
    kind: Kind = "comment",
    suggestion: str | None = None,
) -> Posted:
    """Inside a write transaction: a thread on revision ``number`` (whose text is
    ``text``) of ``spec``, its anchor checked and its quote mapped to the source."""
    found = anchors.regions(text)
    region = found.get(section)
    if region is None:
        raise InputError(
            f"invalid field 'section': spec '{spec.slug}' has no section '{section}' "
            "(a section is named by its path, e.g. 'Technical Design/API Design')"
        )
    exact: str | None = None
    if quote is not None and quote.strip():
        exact = anchors.source_quote(text, region, quote)
        if exact is None:
            raise InputError(
                f"invalid field 'quote': the quote is not in section '{section}' of "
                f"revision {number} of spec '{spec.slug}'"
            )
    at = now()
    thread_id = connection.execute(
        sa.insert(threads)
        .values(
            spec_id=spec.id,
            revision=number,
            section=section,
            quote=exact,
            kind=kind,
            suggestion=suggestion,
            status="open",
            author_id=author.id,
            created_at=at,
        )
        .returning(threads.c.id)
    ).scalar_one()
    connection.execute(
        sa.insert(thread_comments).values(
            thread_id=thread_id, author_id=author.id, body=body, created_at=at
        )
    )
    mentions, unknown = resolve_mentions(connection, body)
    audit.record(
        connection,
        actor=author.name,
        action="thread.opened",
        spec_id=spec.id,
        revision=number,
        details={
            "thread_id": thread_id,
            "kind": kind,
            "section": section,
            "quote": exact,
            "author": author.name,
            "mentions": mentions,
            "participants": [author.name],
        },
    )
    return Posted(thread_records.one(connection, thread_id), mentions, unknown)


def add_comment(store: Store, thread_id: int, author: User, body: str) -> Posted:
    """A reply on a thread (open or resolved: a reply may explain a resolution)."""
    text = clean_body(body)
    with store.write() as connection:
        row = thread_records.row(connection, thread_id, lock=True)
        comment_id = connection.execute(
            sa.insert(thread_comments)
            .values(thread_id=thread_id, author_id=author.id, body=text, created_at=now())
            .returning(thread_comments.c.id)
        ).scalar_one()
        mentions, unknown = resolve_mentions(connection, text)
        thread = thread_records.one(connection, thread_id)
        audit.record(
            connection,
            actor=author.name,
            action="thread.commented",
            spec_id=row.spec_id,
            revision=row.current_revision,
            details={
                "thread_id": thread_id,
                "comment_id": comment_id,
                "author": author.name,
                "mentions": mentions,
                "participants": thread.participants,
            },
        )
        return Posted(thread, mentions, unknown)


# -- resolving ---------------------------------------------------------------------------


def set_status(store: Store, thread_id: int, actor: User, status: Status) -> Thread:
    """Resolve or reopen a thread.  Asking for the status it has changes nothing (a
    second click).  A reopened thread is checked against the current text: an anchor
    gone meanwhile makes it outdated."""
    with store.write() as connection:
        row = thread_records.row(connection, thread_id, lock=True)
        if row.status == status:
            return thread_records.one(connection, thread_id)
        resolved = status == "resolved"
        connection.execute(
            sa.update(threads)
            .where(threads.c.id == thread_id)
            .values(
                status=status,
                resolved_by_id=actor.id if resolved else None,
                resolved_at=now() if resolved else None,
            )
        )
        thread = thread_records.one(connection, thread_id)
        audit.record(
            connection,
            actor=actor.name,
            action="thread.resolved" if resolved else "thread.reopened",
            spec_id=row.spec_id,
            revision=row.current_revision,
            details={
                "thread_id": thread_id,
                "author": actor.name,
                "participants": thread.participants,
            },
        )
        if not resolved and not thread.outdated:
            spec = revisions.resolve(connection, f"#{row.spec_id}")
            text = revisions.revision_row(connection, spec).text
            rows = anchors_of(connection, [thread_id])
            number = spec.current_revision
            made = thread.revision  # the text it was written on
            detach_gone(connection, spec, number, text, actor.name, rows, anchored=made)
            thread = thread_records.one(connection, thread_id)
        return thread


def apply_suggestion(
    store: Store, thread_id: int, actor: User, *, base: int | None = None
) -> tuple[Saved, Thread]:
    """Replace the suggestion's quote with its text, through the normal save (the
    workflow's rules for a content change apply), as the revision after ``base`` (the
    current one when not given); the thread is resolved in the same transaction.
    Refused (:class:`Conflict`) when the quote is no longer in its section, when the
    thread is not an open suggestion, or when ``base`` is not current."""
    with store.read() as connection:
        row = thread_records.row(connection, thread_id)
        thread = thread_records.one(connection, thread_id)
        spec = revisions.resolve(connection, f"#{row.spec_id}")
        current = revisions.revision_row(connection, spec)
    if thread.kind != "suggestion" or thread.suggestion is None or not thread.quote:
        raise Conflict(f"thread {thread_id} is a {thread.kind}, not a suggestion")
    if thread.status != "open":
        raise Conflict(f"thread {thread_id} is resolved: reopen it to apply its suggestion")
    if base is not None and base != current.number:
        raise Conflict(
            f"spec '{spec.slug}' is at revision {current.number} but the suggestion was "
            f"applied to revision {base}: reload it and look again"
        )
    region = anchors.regions(current.text).get(thread.section)
    text = None
    if region is not None:
        text = anchors.replace(current.text, region, thread.quote, thread.suggestion)
    if text is None:
        raise Conflict(
            f"suggestion {thread_id} is stale: its quote is no longer in section "
            f"'{thread.section}' of revision {current.number} of spec '{spec.slug}'"
        )

    def resolve_it(connection: Connection, number: int) -> None:
        _mark_applied(connection, thread_id, spec.id, number, actor)

    saved = revisions.save(
        store,
        f"#{spec.id}",
        text,
        base=current.number,
        author=actor,
        message=f"Applied suggestion #{thread_id} by {thread.author}",
        during=resolve_it,
    )
    return saved, get(store, thread_id)


def _mark_applied(
    connection: Connection, thread_id: int, spec_id: int, number: int, actor: User
) -> None:
    row = thread_records.row(connection, thread_id, lock=True)
    if row.status != "open":
        raise Conflict(f"thread {thread_id} was resolved meanwhile: its suggestion is not applied")
    connection.execute(
        sa.update(threads)
        .where(threads.c.id == thread_id)
        .values(
            status="resolved", resolved_by_id=actor.id, resolved_at=now(), applied_revision=number
        )
    )
    thread = thread_records.one(connection, thread_id)
    audit.record(
        connection,
        actor=actor.name,
        action="suggestion.applied",
        spec_id=spec_id,
        revision=number,
        details={
            "thread_id": thread_id,
            "revision": number,
            "author": actor.name,
            "participants": thread.participants,
        },
    )


# -- the gate ----------------------------------------------------------------------------


def blocking_gates(connection: Connection, spec_id: int) -> list[Gate]:
    """One unmet gate of Approved per open blocking concern, worded the same for every
    front door."""
    author = users.alias("author")
    query = (
        sa.select(threads.c.id, threads.c.section, author.c.name)
        .join(author, author.c.id == threads.c.author_id)
        .where(
            threads.c.spec_id == spec_id,
            threads.c.status == "open",
            threads.c.kind == "blocking",
        )
        .order_by(threads.c.id)
    )
    return [
        Gate(
            f"blocking concern #{row.id} by {row.name} on '{row.section}' is open: "
            "it must be resolved first",
            None,
            "blocking",
        )
        for row in connection.execute(query)
    ]


def _kind(kind: str) -> Kind:
    for known in KINDS:
        if kind == known:
            return known
    raise InputError(f"invalid field 'kind': '{kind}' is not one of {', '.join(KINDS)}")
