"""The same page as a PDF, through WeasyPrint.

WeasyPrint is imported only when a PDF is asked for: it is slow to import and needs
Pango, HarfBuzz and fontconfig from the system.  It fetches nothing while rendering: the
page is self-contained, and a spec's remote or local image URLs must not make a server
that renders PDFs read files or call other hosts, so only ``data:`` URLs are allowed.
"""

from __future__ import annotations

from typing import Any

from techspec.authoring.render.errors import RenderError
from techspec.authoring.render.html import render_html
from techspec.lint.selection import Selection
from techspec.lint.template import Template


def render_pdf(
    text: str,
    path: str | None = None,
    template: Template | None = None,
    *,
    selection: Selection | None = None,
) -> bytes:
    """Parse and lint ``text``, and return the page as PDF bytes (A4, numbered pages)."""
    return html_to_pdf(render_html(text, path, template, selection=selection))


def html_to_pdf(page: str) -> bytes:
    """A PDF of a page from :func:`~techspec.authoring.render.html.page`.

    Whatever WeasyPrint raises (a font, image or layout failure deep in its libraries)
    becomes a :class:`RenderError` naming the cause, so callers see one clear error.
    """
    weasyprint = _weasyprint()
    try:
        fetcher = weasyprint.URLFetcher(allowed_protocols=("data",))
        document = weasyprint.HTML(string=page, url_fetcher=fetcher, media_type="print")
        pdf: bytes = document.write_pdf()
    except Exception as error:  # WeasyPrint raises whatever its libraries raise
        raise RenderError(f"cannot write the PDF: {type(error).__name__}: {error}") from None
    return pdf


def _weasyprint() -> Any:
    try:
        import weasyprint  # type: ignore[import-untyped]
    except (ImportError, OSError) as error:  # OSError: Pango or HarfBuzz is missing
        raise RenderError(
            f"PDF output needs WeasyPrint and its system libraries (Pango, HarfBuzz): {error}"
        ) from None
    return weasyprint
