"""Lint report output formats.  ``render`` is the one entry point the CLI needs.

Each format lives in its own small module so adding one touches nothing else; rich is
imported only when coloured text is asked for, to keep ``techspec`` quick to start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from techspec.errors import UsageError
from techspec.findings import FileReport
from techspec.formats.github import render_github
from techspec.formats.json_format import render_json
from techspec.formats.junit import render_junit
from techspec.formats.sarif import render_sarif
from techspec.formats.text import render_concise, render_text

__all__ = ["FORMATS", "render"]


@dataclass(frozen=True, slots=True)
class _Options:
    color: bool
    statistics: bool
    tool_version: str


_RENDERERS: dict[str, Callable[[list[FileReport], _Options], str]] = {
    "text": lambda r, o: render_text(r, color=o.color, statistics=o.statistics),
    "concise": lambda r, o: render_concise(r),
    "json": lambda r, o: render_json(r),
    "sarif": lambda r, o: render_sarif(r, tool_version=o.tool_version),
    "github": lambda r, o: render_github(r),
    "junit": lambda r, o: render_junit(r),
}

FORMATS: tuple[str, ...] = tuple(_RENDERERS)


def render(
    reports: list[FileReport],
    fmt: str,
    *,
    color: bool = False,
    statistics: bool = False,
    tool_version: str = "0.1.0",
) -> str:
    """Render ``reports`` in ``fmt``; ``color`` and ``statistics`` only affect ``text``."""
    renderer = _RENDERERS.get(fmt)
    if renderer is None:
        raise UsageError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return renderer(reports, _Options(color, statistics, tool_version))
