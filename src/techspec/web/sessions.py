"""The session cookie: the CSRF token, messages to show once and, after sign-in, the
random id of a session kept in the database.

Who is signed in is never read from the cookie: the id names a row of ``web_sessions``
(:mod:`techspec.service.sessions`), which signing out, a new password or an admin ends
for every copy of the cookie at once, and which also ends after an idle and an absolute
timeout.  The cookie is signed as well (itsdangerous, HMAC-SHA1 over a key derived from
the secret) and timestamped, so it cannot be forged or kept past its ``max_age``.  It is
``HttpOnly`` (no script reads it), ``SameSite=Lax`` (no other site's form posts it) and
``Secure`` when the request came over HTTPS.  Every visitor, signed in or not, gets one,
so that the sign-in form carries a CSRF token too; only signing in makes a database row.

The signing key is ``$TECHSPEC_SECRET_KEY``.  Without it, a server on a SQLite file keeps
a random key in a file beside the database (``techspec.db.secret``, readable by its owner
only), so that signing in survives a restart and every worker on that file shares it.  On
PostgreSQL, with no such file, each process makes a random one (sessions then end when the
server restarts and are not shared between workers).
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

COOKIE = "techspec_session"
MAX_AGE = 12 * 3600
"""Seconds the cookie lasts by default (the session's absolute timeout)."""
SECRET_ENV = "TECHSPEC_SECRET_KEY"
log = logging.getLogger("techspec.web")


@dataclass(frozen=True, slots=True)
class Session:
    csrf: str
    sid: str = ""
    """The id of the signed-in session in the database; empty before sign-in."""
    flash: tuple[str, ...] = field(default=())
    """Messages to show once on the next page (after a redirect)."""

    @classmethod
    def anonymous(cls) -> Session:
        return cls(csrf=secrets.token_urlsafe(32))

    def signed_in(self, sid: str) -> Session:
        """The cookie of session ``sid``: a new CSRF token, so none survives sign-in."""
        return Session(csrf=secrets.token_urlsafe(32), sid=sid)

    def with_flash(self, message: str) -> Session:
        return replace(self, flash=(*self.flash, message))

    def without_flash(self) -> Session:
        return replace(self, flash=())


def secret_key(environ: dict[str, str] | None = None, key_file: Path | None = None) -> str:
    """The signing key from the environment; else the one kept in ``key_file`` (made on
    first use); else a random one for this process."""
    source = os.environ if environ is None else environ
    found = source.get(SECRET_ENV, "").strip()
    if found:
        return found
    if key_file is not None:
        try:
            return _kept_key(key_file)
        except OSError as error:
            log.warning("cannot keep the session key in %s: %s", key_file, error.strerror or error)
    log.warning(
        "%s is not set: sessions use a random key and end when the server restarts", SECRET_ENV
    )
    return secrets.token_urlsafe(32)


def _kept_key(path: Path) -> str:
    """The key in ``path``, written first (owner-only, never overwritten) when missing.
    Two servers starting at once agree: the one that loses the race reads the winner's."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text("ascii").strip()
        if len(key) < 32:
            raise OSError(f"the key in {path} is shorter than 32 characters") from None
        return key
    key = secrets.token_urlsafe(32)
    with os.fdopen(handle, "w", encoding="ascii") as out:
        out.write(key + "\n")
    return key


def key_file_for(database_url: str) -> Path | None:
    """Where a server on ``database_url`` keeps its session key: beside a SQLite file
    (None for PostgreSQL or an in-memory database)."""
    from techspec.proofs.secret_files import beside_database

    return beside_database(database_url, ".secret")


class SessionCodec:
    """Reads and writes the session cookie."""

    def __init__(self, secret: str, max_age: int = MAX_AGE) -> None:
        self.max_age = max_age
        self._serializer = URLSafeTimedSerializer(secret, salt="techspec.web.session")

    def load(self, request: Request) -> Session | None:
        """The request's session, or None when there is none or it is forged or expired."""
        raw = request.cookies.get(COOKIE)
        if not raw:
            return None
        try:
            data: Any = self._serializer.loads(raw, max_age=self.max_age)
        except BadSignature:
            return None
        return _session(data)

    def dump(self, session: Session) -> str:
        data: dict[str, object] = {"c": session.csrf}
        if session.sid:
            data["s"] = session.sid
        if session.flash:
            data["f"] = list(session.flash)
        return self._serializer.dumps(data)

    def write(self, response: Response, session: Session, *, secure: bool) -> None:
        response.set_cookie(
            COOKIE,
            self.dump(session),
            max_age=self.max_age,
            path="/",
            httponly=True,
            samesite="lax",
            secure=secure,
        )


def is_https(request: Request) -> bool:
    """True when the browser reached us over HTTPS (uvicorn applies trusted proxy headers)."""
    return request.url.scheme == "https"


def _session(data: Any) -> Session | None:
    if not isinstance(data, dict):
        return None
    csrf, sid, flash = data.get("c"), data.get("s", ""), data.get("f", [])
    if not isinstance(csrf, str) or len(csrf) < 16 or not isinstance(sid, str):
        return None
    messages = tuple(str(item) for item in flash) if isinstance(flash, list) else ()
    return Session(csrf=csrf, sid=sid, flash=messages)
