"""Diagnostics: the CLI's findings, with the same codes and severities, for one document.

An :class:`Analysis` is one lint of one version of a document, with the template and rule
selection its path's configuration gives (the built-in template for unsaved documents).
A Markdown file that is not a spec at all gets no diagnostics: the editor runs the server
on every Markdown file, and TS001 on each README would be noise.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from lsprotocol import types

from techspec import __version__
from techspec.document.model import Spec
from techspec.document.parser import parse
from techspec.lint.findings import Finding
from techspec.lint.linter import LintContext, lint
from techspec.lint.selection import Selection
from techspec.lint.template import Template, builtin_template
from techspec.lsp.positions import Positions

SOURCE = "techspec"
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
_UNNECESSARY = {"TS601"}


@dataclass
class Analysis:
    """One lint of one version of a document."""

    text: str
    version: int | None
    spec: Spec
    template: Template
    findings: list[Finding]
    encoding: str = "utf-16"
    problem: str | None = None
    """A configuration or template error, shown instead of findings."""
    _positions: Positions | None = field(default=None, repr=False)

    @cached_property
    def context(self) -> LintContext:
        return LintContext(self.spec, self.template)

    @property
    def is_spec(self) -> bool:
        return self.context.is_spec

    @property
    def positions(self) -> Positions:
        if self._positions is None:
            self._positions = Positions(self.text, self.encoding)
        return self._positions


def analyze(
    text: str, path: str | None, version: int | None = None, encoding: str = "utf-16"
) -> Analysis:
    """Lint ``text`` as the file at ``path`` would be linted by ``techspec lint``."""
    from techspec.errors import TechspecError

    template, selection, problem = builtin_template(), Selection(), None
    if path is not None:
        try:
            template, selection = _settings(Path(path))
        except TechspecError as error:
            problem = str(error)
    spec = parse(text, path)
    found = [f for f in lint(spec, template, selection=selection) if f.rule != "TS001"]
    return Analysis(text, version, spec, template, found, str(encoding), problem)


def _settings(path: Path) -> tuple[Template, Selection]:
    from techspec.lint.batch import load_template
    from techspec.lint.config import find_config

    config = find_config(path)
    chosen = config.template_for(path)
    return (load_template(chosen) if chosen else builtin_template()), config.selection_for(path)


def diagnostics(analysis: Analysis) -> list[types.Diagnostic]:
    if analysis.problem is not None:
        where = types.Range(types.Position(0, 0), types.Position(0, 0))
        error = types.DiagnosticSeverity.Error
        return [types.Diagnostic(where, analysis.problem, error, source=SOURCE)]
    return [to_diagnostic(finding, analysis.positions) for finding in analysis.findings]


def to_diagnostic(finding: Finding, positions: Positions) -> types.Diagnostic:
    """One finding as a diagnostic: code ``TS101``, linked to the rule's documentation."""
    where = positions.range(finding.line, finding.column, finding.end_line, finding.end_column)
    if where.start == where.end:  # a point: underline the rest of the line
        where = types.Range(where.start, positions.end_of_line(finding.line))
    href = rule_doc(finding.rule)
    return types.Diagnostic(
        range=where,
        message=finding.message,
        severity=_SEVERITY[finding.severity],
        code=finding.rule,
        code_description=types.CodeDescription(href) if href else None,
        source=SOURCE,
        tags=[types.DiagnosticTag.Unnecessary] if finding.rule in _UNNECESSARY else None,
        data={"name": finding.name, "fixable": finding.fixable},
    )


_DOCS: dict[str, str | None] = {}


def rule_doc(code: str) -> str | None:
    """A ``file://`` URI of the rule's documentation, written from the rule registry (the
    text ``techspec rules CODE`` prints) into the user's cache directory on first use;
    None when that directory cannot be written."""
    if code not in _DOCS:
        _DOCS[code] = _write_doc(code)
    return _DOCS[code]


def _write_doc(code: str) -> str | None:
    from techspec.lint.rules import get_rule

    entry = get_rule(code)
    if entry is None:
        return None
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(cache) / "techspec" / __version__ / "rules" / f"{code}.md"
    severity = (
        "warning in Draft, error from Review on" if entry.severity == "status" else entry.severity
    )
    fix = (
        "\n\nFixable: `techspec fix` (or the editor's quick fix) repairs it."
        if entry.fixable
        else ""
    )
    text = (
        f"# {entry.label}\n\n**Severity**: {severity}\n\n{entry.summary}\n\n{entry.explanation}"
        f"{fix}\n\n## Fails\n\n```markdown\n{entry.failing}\n```\n\n"
        f"## Passes\n\n```markdown\n{entry.passing}\n```\n"
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text("utf-8") != text:
            scratch = path.with_suffix(f".{os.getpid()}.tmp")
            scratch.write_text(text, encoding="utf-8")
            scratch.replace(path)
    except OSError:
        return None
    return path.as_uri()
