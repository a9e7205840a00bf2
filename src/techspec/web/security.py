"""Security headers on every page of the web UI.

The Content-Security-Policy allows scripts only from our own ``/static`` files (no
inline script, no ``eval``), so even markup that slipped past the sanitizer could not
run.  Inline ``style`` attributes are allowed (``style-src-attr``) because the sanitizer
keeps ``text-align`` on table cells; ``<style>`` elements are not.  ``frame-ancestors
'none'`` stops click-jacking.  The API (``/api/``) answers JSON and keeps its own headers.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' https:",
        "connect-src 'self'",
        "font-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode("ascii")),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)


class SecurityHeaders:
    """Add :data:`HEADERS` to every response outside ``skip`` prefixes; pages that are
    not static files are also marked ``Cache-Control: no-store`` (they show private data)."""

    def __init__(self, app: ASGIApp, skip: tuple[str, ...] = ("/api/",)) -> None:
        self.app = app
        self.skip = skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or path.startswith(self.skip):
            await self.app(scope, receive, send)
            return
        static = path.startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() not in {h for h, _ in HEADERS}
                ]
                headers.extend(HEADERS)
                if not static and not any(n.lower() == b"cache-control" for n, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
