"""``/api/v1/docs``: Swagger UI over ``/api/v1/openapi.json``, from this server alone.

Swagger UI (swagger-ui-dist 5.36.0, Apache-2.0: ``api/static/swagger-ui.LICENSE.txt``)
is vendored in ``api/static`` and served here, so the docs work on a network without
internet.  The page's Content-Security-Policy allows scripts, styles and requests to this
server only (no CDN, no inline script: ``docs.js`` starts the UI) and images from it or
``data:`` (Swagger UI's icons).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import HTMLResponse, Response

from techspec.api.errors import problem

router = APIRouter(prefix="/api/v1", include_in_schema=False)

CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "docs.js": "text/javascript; charset=utf-8",
}
"""The files the page loads: nothing else in ``api/static`` is served."""
PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>techspec API</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script src="docs/docs.js"></script>
</body>
</html>
"""


@router.get("/docs")
def docs() -> Response:
    """The page: Swagger UI's markup and the three files it loads."""
    return HTMLResponse(PAGE, headers={**HEADERS, "Cache-Control": "no-cache"})


@router.get("/docs/{name}")
def asset(name: Annotated[str, Path(max_length=40)]) -> Response:
    """One of :data:`ASSETS`, cached by the browser for an hour."""
    media_type = ASSETS.get(name)
    if media_type is None:
        return problem(404, f"no such file: /api/v1/docs/{name}", instance=f"/api/v1/docs/{name}")
    headers = {**HEADERS, "Cache-Control": "public, max-age=3600"}
    return Response(_read(name), media_type=media_type, headers=headers)


@cache
def _read(name: str) -> bytes:
    return (resources.files("techspec.api") / "static" / name).read_bytes()
