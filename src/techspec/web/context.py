"""What every page shares: the API's context (settings and store), the Jinja templates,
the session codec and timeouts, the sign-in throttle and password-check gate, and the
visit (session and user) of one request.

One :class:`WebContext` lives on ``app.state.web``.  Handlers take a :class:`Visit` through
the dependencies at the bottom: :data:`Anyone` (signed in or not), :data:`Reader` (signed
in and holding a role) and :data:`Poster` (a reader whose request carries its CSRF token).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from starlette.templating import Jinja2Templates

from techspec.api.context import ApiContext
from techspec.errors import TechspecError
from techspec.lint.template import Template
from techspec.service.permissions import ADMIN, AUTHOR, require_reader
from techspec.service.sessions import Timeouts, resume
from techspec.store import revisions
from techspec.store.clock import now
from techspec.store.engine import Store
from techspec.store.records import SpecRecord
from techspec.store.users import User
from techspec.web import csrf
from techspec.web.hash_gate import HashGate
from techspec.web.sessions import Session, SessionCodec
from techspec.web.throttle import SignInThrottle

ENDED = "Your session has ended: sign in again."


class SignInRequired(TechspecError):
    """A page that needs a signed-in user; answered with a redirect to the sign-in form."""

    http_status = 401

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url
        super().__init__("sign in to see this page")

    @property
    def location(self) -> str:
        return "/login?next=" + quote(self.next_url, safe="/")


@dataclass
class WebContext:
    api: ApiContext
    templates: Jinja2Templates
    sessions: SessionCodec
    throttle: SignInThrottle
    hashes: HashGate
    timeouts: Timeouts = field(default_factory=Timeouts)
    clock: Callable[[], datetime] = now
    """The time sessions are judged by (tests move it)."""
    https_only: bool = False
    """Mark cookies Secure even when the request looks like HTTP (a TLS proxy in front)."""
    _templates: dict[str, Template] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def store(self) -> Store:
        return self.api.store

    def template_of(self, spec: SpecRecord) -> Template:
        """The spec's template, compiled once per process (templates never change)."""
        found = self._templates.get(spec.template_sha256)
        if found is None:
            with self.store.read() as connection:
                found = revisions.template_of(connection, spec)
            with self._lock:
                self._templates[spec.template_sha256] = found
        return found


@dataclass
class Visit:
    """One request's session and user; the session is written back when ``dirty``."""

    web: WebContext
    session: Session
    user: User | None
    dirty: bool = False

    @property
    def store(self) -> Store:
        return self.web.store

    @property
    def name(self) -> str:
        return self.user.name if self.user is not None else ""

    def has(self, role: str) -> bool:
        return self.user is not None and self.user.has_role(role)

    @property
    def is_admin(self) -> bool:
        return self.has(ADMIN)

    @property
    def is_author(self) -> bool:
        return self.has(AUTHOR) or self.is_admin

    def flash(self, message: str) -> None:
        self.session = self.session.with_flash(message)
        self.dirty = True

    def take_flash(self) -> tuple[str, ...]:
        messages = self.session.flash
        if messages:
            self.session = self.session.without_flash()
            self.dirty = True
        return messages

    def require_user(self) -> User:
        if self.user is None:
            raise SignInRequired("/")
        return self.user


def web_context(request: Request) -> WebContext:
    found: WebContext = request.app.state.web
    return found


def visitor(request: Request, web: Annotated[WebContext, Depends(web_context)]) -> Visit:
    """The request's visit; a new anonymous session when there is none or it ended."""
    session = web.sessions.load(request)
    visit = Visit(web, session or Session.anonymous(), None, dirty=session is None)
    if session is not None and session.sid:
        visit.user = resume(web.store, session.sid, web.timeouts, at=web.clock())
        if visit.user is None:
            visit.session, visit.dirty = Session.anonymous().with_flash(ENDED), True
    request.state.visit = visit
    return visit


def reader(request: Request, visit: Annotated[Visit, Depends(visitor)]) -> Visit:
    """A signed-in visit of a user who may read (any role)."""
    if visit.user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target)
    require_reader(visit.user)
    return visit


async def poster(request: Request, visit: Annotated[Visit, Depends(reader)]) -> Visit:
    """A reader whose request carries the session's CSRF token."""
    await csrf.check(request, visit.session.csrf)
    return visit


Anyone = Annotated[Visit, Depends(visitor)]
Reader = Annotated[Visit, Depends(reader)]
Poster = Annotated[Visit, Depends(poster)]
