"""The spec page's discussion: its review threads grouped by section in document order,
each with what the person looking may do with it.

Comment bodies are Markdown rendered through the same sanitizer as specs
(:func:`techspec.authoring.render.body.render_fragment`, nh3), kept per text.  The whole
card is kept too (:class:`DiscussionCache`), per spec state and viewer: a spec with
hundreds of threads costs one indexed query per page view until something about the spec
changes (every thread write, revision and decision is an audit event of the spec, and
the newest event's number is part of the key), or the minute turns (the "5 minutes ago"
labels).  The session's CSRF token is written in after the cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup

from techspec.authoring.render.body import render_fragment
from techspec.service import threads as service
from techspec.service.permissions import Actor, may_own
from techspec.store.clock import now
from techspec.store.engine import Store
from techspec.store.records import SpecRecord
from techspec.store.threads import Comment, Thread
from techspec.web.specview import OutlineEntry


@dataclass(frozen=True, slots=True)
class CommentView:
    author: str
    html: Markup
    at: datetime


@dataclass(frozen=True, slots=True)
class ThreadCard:
    thread: Thread
    comments: list[CommentView]
    suggestion_diff: str
    """``-quote`` / ``+suggestion`` lines as a unified diff, for a suggestion."""
    diff: str
    """For an outdated thread, its section's diff since the text it was made on."""
    can_settle: bool
    can_apply: bool


@dataclass(frozen=True, slots=True)
class SectionThreads:
    path: str
    anchor: str | None
    cards: list[ThreadCard]


@dataclass(frozen=True, slots=True)
class Discussion:
    sections: list[SectionThreads]
    open_count: int
    resolved_count: int
    can_write: bool
    paths: list[OutlineEntry]
    """The sections a new thread may be opened on (the form's choices)."""


def discussion(
    store: Store, actor: Actor, spec: SpecRecord, outline: list[OutlineEntry]
) -> Discussion:
    found = service.threads_on(store, actor, spec)
    changed = service.diffs(store, actor, found)
    owner = may_own(store, actor, spec)
    name = getattr(actor, "name", None)
    anchors = {entry.path: entry.anchor for entry in outline}
    order = {entry.path: index for index, entry in enumerate(outline)}
    groups: dict[str, list[ThreadCard]] = {}
    for thread in found:
        card = ThreadCard(
            thread,
            [_comment(c) for c in thread.comments],
            _suggestion_diff(thread),
            changed.get(thread.id, ""),
            owner or thread.author == name,
            owner and thread.kind == "suggestion" and thread.status == "open",
        )
        groups.setdefault(thread.section, []).append(card)
    sections = [
        SectionThreads(path, anchors.get(path), cards)
        for path, cards in sorted(groups.items(), key=lambda item: order.get(item[0], len(order)))
    ]
    opened = sum(1 for t in found if t.status == "open")
    return Discussion(sections, opened, len(found) - opened, service.may_write(actor), outline)


def _comment(comment: Comment) -> CommentView:
    return CommentView(comment.author, Markup(render_fragment(comment.body)), comment.created_at)


def _suggestion_diff(thread: Thread) -> str:
    if thread.kind != "suggestion" or thread.suggestion is None or thread.quote is None:
        return ""
    removed = [f"-{line}" for line in thread.quote.splitlines() or [""]]
    added = [f"+{line}" for line in thread.suggestion.splitlines() or [""]]
    return "\n".join(["@@ suggested change @@", *removed, *added]) + "\n"


CSRF = "__techspec_csrf__"
"""Where the rendered card holds the session's CSRF token until it is written in."""


@dataclass
class DiscussionCache:
    """Rendered Discussion cards by (database, spec, revision, newest event, viewer,
    minute); the ``size`` most recently used are kept."""

    size: int = 64
    _found: OrderedDict[tuple[object, ...], str] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def card(
        self,
        store: Store,
        actor: Actor,
        spec: SpecRecord,
        outline: list[OutlineEntry],
        render: Callable[[Discussion], str],
        csrf: str,
    ) -> Markup:
        """The card for ``actor``, rendered by ``render`` (with :data:`CSRF` for the
        token) when not kept."""
        roles = getattr(actor, "roles", ())
        minute = now().replace(second=0, microsecond=0)
        key = (
            store.url,
            spec.id,
            spec.current_revision,
            service.version(store, actor, spec.id),
            getattr(actor, "name", None),
            roles,
            minute,
        )
        with self._lock:
            html = self._found.get(key)
            if html is not None:
                self._found.move_to_end(key)
        if html is None:
            html = render(discussion(store, actor, spec, outline))
            with self._lock:
                self._found[key] = html
                while len(self._found) > self.size:
                    self._found.popitem(last=False)
        return Markup(html.replace(CSRF, csrf))
