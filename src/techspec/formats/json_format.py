"""The ``json`` format: a small, versioned document for scripts and other tools."""

from __future__ import annotations

import json
from typing import Any

from techspec.formats._common import ordered, span, totals
from techspec.lint.findings import FileReport, Finding

JSON_VERSION = 1
"""Bumped whenever a key is renamed or removed, so consumers can refuse what they don't know."""


def render_json(reports: list[FileReport]) -> str:
    """The documented shape exactly: ``{"version", "files": [...], "summary": {...}}``."""
    counts = totals(reports)
    document = {
        "version": JSON_VERSION,
        "files": [
            {
                "path": report.path,
                "status": report.status,
                "findings": [_finding(f) for f in findings],
            }
            for report, findings in ordered(reports)
        ],
        "summary": {"files": counts.files, "errors": counts.errors, "warnings": counts.warnings},
    }
    return json.dumps(document, indent=2) + "\n"


def _finding(finding: Finding) -> dict[str, Any]:
    where = span(finding)
    return {
        "rule": finding.code,
        "severity": finding.severity,
        "line": where.line,
        "column": where.column,
        "end_line": where.end_line,
        "end_column": where.end_column,
        "message": finding.message,
        "section": finding.section,
    }
