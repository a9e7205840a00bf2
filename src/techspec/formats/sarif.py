"""The ``sarif`` format (SARIF 2.1.0), for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path, PurePath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from techspec.formats._common import each_finding, span
from techspec.lint.findings import FileReport, Finding
from techspec.lint.rules.registry import Rule, get_rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
LEVELS: dict[str, str] = {"error": "error", "warning": "warning", "info": "note"}
RuleLookup = Callable[[str], Rule | None]


def render_sarif(
    reports: list[FileReport],
    *,
    tool_version: str = "0.1.0",
    rule_lookup: RuleLookup | None = None,
) -> str:
    """One run whose ``rules`` describe every rule that fired, so viewers can show the docs.

    ``rule_lookup`` defaults to the registry; a rule it does not know is described from
    the finding itself rather than dropped.
    """
    lookup = rule_lookup if rule_lookup is not None else get_rule
    pairs = list(each_finding(reports))
    first: dict[str, Finding] = {}
    for _, finding in pairs:
        first.setdefault(finding.rule, finding)
    codes = sorted(first)
    index = {code: i for i, code in enumerate(codes)}
    run = {
        "tool": {
            "driver": {
                "name": "techspec",
                "version": tool_version,
                "rules": [_descriptor(lookup(code), first[code]) for code in codes],
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": [_result(report.path, f, index[f.rule]) for report, f in pairs],
    }
    log = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(log, indent=2) + "\n"


def artifact_uri(path: str) -> str:
    """A relative, forward-slash, percent-encoded URI, as code scanning expects.

    An absolute path inside the working directory is made relative; one outside it
    becomes a ``file://`` URI, which is still valid SARIF.
    """
    pure: PurePath = PureWindowsPath(path) if "\\" in path else PurePath(path)
    if pure.is_absolute():
        try:
            pure = pure.relative_to(Path.cwd())
        except (ValueError, TypeError):
            return pure.as_uri()
    posix = pure.as_posix()
    while posix.startswith("./"):
        posix = posix[2:]
    return quote(posix, safe="/")


def _level(severity: str) -> str:
    # "status" rules are warnings while a spec is a Draft, so warning is their default.
    return LEVELS.get(severity, "warning")


def _descriptor(rule: Rule | None, finding: Finding) -> dict[str, Any]:
    if rule is None:
        return {
            "id": finding.rule,
            "name": finding.name,
            "shortDescription": {"text": finding.name},
            "defaultConfiguration": {"level": _level(finding.severity)},
        }
    summary = rule.summary or rule.name
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": rule.explanation or summary},
        "help": {"text": _help_text(rule), "markdown": _help_markdown(rule)},
        "defaultConfiguration": {"level": _level(rule.severity)},
        "properties": {"fixable": rule.fixable},
    }


def _help_text(rule: Rule) -> str:
    return (
        f"{rule.summary}\n\n{rule.explanation}\n\n"
        f"Fails:\n\n{rule.failing}\n\nPasses:\n\n{rule.passing}\n"
    )


def _help_markdown(rule: Rule) -> str:
    return (
        f"{rule.summary}\n\n{rule.explanation}\n\n"
        f"**Fails:**\n\n{_fenced(rule.failing)}\n\n**Passes:**\n\n{_fenced(rule.passing)}\n"
    )


def _fenced(example: str) -> str:
    """A fence longer than any backtick run inside, so examples with fences stay intact."""
    longest = max((len(run) for run in re.findall(r"`+", example)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}markdown\n{example.rstrip()}\n{fence}"


def _result(path: str, finding: Finding, rule_index: int) -> dict[str, Any]:
    where = span(finding, clamp=True)
    return {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": _level(finding.severity),
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(path)},
                    "region": {
                        "startLine": where.line,
                        "startColumn": where.column,
                        "endLine": where.end_line,
                        "endColumn": where.end_column,
                    },
                }
            }
        ],
    }
