"""The ``github`` format: workflow commands that GitHub Actions turns into PR annotations."""

from __future__ import annotations

from techspec.formats._common import each_finding, span
from techspec.lint.findings import FileReport

COMMANDS: dict[str, str] = {"error": "error", "warning": "warning", "info": "notice"}


def render_github(reports: list[FileReport]) -> str:
    """``::error file=..,line=..,col=..,endLine=..,endColumn=..,title=CODE/name::message``."""
    lines = []
    for report, finding in each_finding(reports):
        where = span(finding, clamp=True)
        properties = {
            "file": report.path,
            "line": str(where.line),
            "col": str(where.column),
            "endLine": str(where.end_line),
            "endColumn": str(where.end_column),
            "title": finding.code,
        }
        joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
        command = COMMANDS.get(finding.severity, "warning")
        lines.append(f"::{command} {joined}::{escape_data(finding.message)}")
    return "".join(line + "\n" for line in lines)


def escape_data(value: str) -> str:
    """Escape a message as the Actions runner expects, or a newline would end the command."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a property value: also ``:`` and ``,``, which delimit properties."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")
