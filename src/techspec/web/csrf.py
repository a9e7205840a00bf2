"""Cross-site request forgery: every state-changing request must prove it came from
one of our pages.

The proof is the session's CSRF token (a synchronizer token): every form carries it in
the hidden field ``csrf`` and htmx sends it in the ``X-CSRF-Token`` header (set once on
``<body hx-headers>``).  The token lives in the signed session cookie, which another
site can neither read nor, thanks to ``SameSite=Lax``, send along with a cross-site
POST.  A request whose ``Origin`` names another site is refused as well.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from starlette.requests import Request

from techspec.errors import TechspecError

FIELD = "csrf"
HEADER = "x-csrf-token"


class CsrfRefused(TechspecError):
    """A form without the session's CSRF token, or posted from another site."""

    http_status = 403


def matches(expected: str, given: str | None) -> bool:
    """Constant-time comparison of the session's token and the submitted one."""
    if not given or not expected:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


def same_origin(request: Request) -> bool:
    """True unless the browser says the request came from another origin.  The host is
    the ``Host`` header, which :class:`techspec.api.proxies.ForwardedHeaders` has set to
    ``X-Forwarded-Host`` when a trusted proxy sent one (anyone else's is dropped)."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    host = request.headers.get("host", "").strip().casefold()
    return bool(host) and urlsplit(origin).netloc.casefold() == host


async def submitted(request: Request) -> str | None:
    """The token the request carries: the header, else the form field."""
    header = request.headers.get(HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    form = await request.form()
    value = form.get(FIELD)
    return value if isinstance(value, str) else None


async def check(request: Request, expected: str) -> None:
    """Raise :class:`CsrfRefused` unless the request proves it came from our page."""
    if not same_origin(request):
        raise CsrfRefused(
            "this form was posted from another site: open techspec and submit it there"
        )
    if not matches(expected, await submitted(request)):
        raise CsrfRefused(
            "the form's security token is missing or out of date (you may have signed in "
            "again in another tab): go back, reload the page and submit it again"
        )
