"""Render a spec as one standalone, script-free HTML page or as a PDF of the same page.

The page is built from the Markdown source (the source of truth) plus what techspec
knows about it: the outline, the status, the metadata, checklist progress and the lint
findings.  Callers that hold text (the CLI today, the store and API later) call
:func:`render_html` or :func:`render_pdf`; callers that already parsed and linted call
:func:`~techspec.authoring.render.html.page`.
"""

from __future__ import annotations

from techspec.authoring.render.errors import RenderError
from techspec.authoring.render.html import page, render_html
from techspec.authoring.render.pdf import html_to_pdf, render_pdf

__all__ = ["RenderError", "html_to_pdf", "page", "render_html", "render_pdf"]
