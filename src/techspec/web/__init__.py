"""The web UI: server-rendered pages (Jinja2) with htmx, on the API's app and store.

:func:`mount` adds the pages to the app that :func:`techspec.asgi.create_app` builds.
Pages are readable without JavaScript; htmx (vendored in ``static/``, no CDN) adds the
editor's live lint.  Routes stay thin: each page's data is built by a module named after
it (:mod:`~techspec.web.dashboard`, :mod:`~techspec.web.listing`,
:mod:`~techspec.web.specview`, :mod:`~techspec.web.review`, :mod:`~techspec.web.editing`)
from the store and the core.
"""

from __future__ import annotations

from techspec.web.site import mount

__all__ = ["mount"]
