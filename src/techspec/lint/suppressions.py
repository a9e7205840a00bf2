"""Inline suppression comments.

``<!-- techspec-disable TS101 -->`` ... ``<!-- techspec-enable TS101 -->`` silences a
range, ``<!-- techspec-disable-next-line TS205 -->`` the next line and
``<!-- techspec-disable-file TS105 -->`` the whole file.  Codes may be rule codes or
names, separated by spaces or commas; none means every rule.  A suppression that
silenced nothing is itself reported, so stale ones do not pile up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from techspec.document.model import Spec
from techspec.lint.findings import Finding
from techspec.lint.rules.registry import get_rule

if TYPE_CHECKING:
    from techspec.lint.rules.context import LintContext

_DIRECTIVE = re.compile(
    r"^techspec-(?P<kind>disable-next-line|disable-file|disable|enable)\b(?P<codes>.*)$",
    re.DOTALL,
)
_SUPPRESSION_RULES = ("TS601", "TS602")


@dataclass(slots=True)
class Suppression:
    kind: str
    codes: frozenset[str] | None
    """Rule codes; None means every rule."""
    line: int
    column: int
    first: int
    last: int
    used: bool = False
    unknown: list[str] = field(default_factory=list)

    def covers(self, finding: Finding) -> bool:
        if finding.rule in _SUPPRESSION_RULES:
            return False
        in_range = self.first <= finding.line <= self.last
        return in_range and (self.codes is None or finding.rule in self.codes)


def parse_suppressions(spec: Spec) -> list[Suppression]:
    """Read the directives from the spec's HTML comments (never from code blocks)."""
    found: list[Suppression] = []
    open_ranges: list[Suppression] = []
    last = max(1, spec.line_count)
    for comment in spec.comments:
        match = _DIRECTIVE.match(comment.text)
        if match is None:
            continue
        kind = match["kind"]
        codes, unknown = _codes(match["codes"])
        if kind == "enable":
            for directive in open_ranges:
                if codes is None or directive.codes is None or directive.codes & codes:
                    directive.last = comment.line
            open_ranges = [d for d in open_ranges if d.last == last]
            continue
        if kind == "disable-next-line":
            first, end = comment.end_line + 1, comment.end_line + 1
        elif kind == "disable-file":
            first, end = 1, last
        else:
            first, end = comment.line, last
        directive = Suppression(kind, codes, comment.line, comment.column, first, end)
        directive.unknown = unknown
        found.append(directive)
        if kind == "disable":
            open_ranges.append(directive)
    return found


def apply_suppressions(spec: Spec, findings: list[Finding], context: LintContext) -> list[Finding]:
    directives = parse_suppressions(spec)
    if not directives:
        return findings
    kept: list[Finding] = []
    for finding in findings:
        silenced = False
        for directive in directives:
            if directive.covers(finding):
                directive.used = True
                silenced = True
        if not silenced:
            kept.append(finding)
    for directive in directives:
        for code in directive.unknown:
            kept.append(
                context.finding(
                    "TS602",
                    f"techspec-{directive.kind} names unknown rule '{code}'",
                    directive.line,
                    directive.column,
                )
            )
        if not directive.used:
            what = "any rule" if directive.codes is None else ", ".join(sorted(directive.codes))
            kept.append(
                context.finding(
                    "TS601",
                    f"techspec-{directive.kind} for {what} suppressed nothing; remove it",
                    directive.line,
                    directive.column,
                )
            )
    return kept


def _codes(text: str) -> tuple[frozenset[str] | None, list[str]]:
    names = [part for part in re.split(r"[\s,]+", text.strip()) if part]
    if not names:
        return None, []
    codes: set[str] = set()
    unknown: list[str] = []
    for name in names:
        rule = get_rule(name)
        if rule is None:
            unknown.append(name)
        else:
            codes.add(rule.code)
    return frozenset(codes), unknown
