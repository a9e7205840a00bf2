"""Lint report output formats.  ``render`` is the one entry point the CLI needs.

Each format lives in its own small module, imported only when that format is asked for
(and rich only for coloured text), to keep ``techspec`` quick to start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from techspec.errors import UsageError
from techspec.lint.findings import FileReport

__all__ = ["FORMATS", "render"]


@dataclass(frozen=True, slots=True)
class _Options:
    color: bool
    statistics: bool
    tool_version: str
    strict: bool = False


# Each entry imports its module on first use, so a run pays only for the format it prints.
def _text(reports: list[FileReport], options: _Options) -> str:
    from techspec.formats.text import render_text

    return render_text(reports, color=options.color, statistics=options.statistics)


def _concise(reports: list[FileReport], options: _Options) -> str:
    from techspec.formats.text import render_concise

    return render_concise(reports)


def _json(reports: list[FileReport], options: _Options) -> str:
    from techspec.formats.json_format import render_json

    return render_json(reports)


def _sarif(reports: list[FileReport], options: _Options) -> str:
    from techspec.formats.sarif import render_sarif

    return render_sarif(reports, tool_version=options.tool_version)


def _github(reports: list[FileReport], options: _Options) -> str:
    from techspec.formats.github import render_github

    return render_github(reports)


def _junit(reports: list[FileReport], options: _Options) -> str:
    from techspec.formats.junit import render_junit

    return render_junit(reports, strict=options.strict)


_RENDERERS: dict[str, Callable[[list[FileReport], _Options], str]] = {
    "text": _text,
    "concise": _concise,
    "json": _json,
    "sarif": _sarif,
    "github": _github,
    "junit": _junit,
}

FORMATS: tuple[str, ...] = tuple(_RENDERERS)


def render(
    reports: list[FileReport],
    fmt: str,
    *,
    color: bool = False,
    statistics: bool = False,
    tool_version: str = "0.1.0",
    strict: bool = False,
) -> str:
    """Render ``reports`` in ``fmt``; ``color`` and ``statistics`` only affect ``text``,
    ``strict`` (warnings fail the run) only ``junit``."""
    renderer = _RENDERERS.get(fmt)
    if renderer is None:
        raise UsageError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return renderer(reports, _Options(color, statistics, tool_version, strict))
