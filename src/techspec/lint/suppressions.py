"""Inline suppression comments.

``<!-- techspec-disable TS101 -->`` ... ``<!-- techspec-enable TS101 -->`` silences a
range, ``<!-- techspec-disable-next-line TS205 -->`` the next line and
``<!-- techspec-disable-file TS105 -->`` the whole file.  Codes may be rule codes or
names, separated by spaces or commas; none means every rule.  A suppression that
silenced nothing is itself reported, so stale ones do not pile up.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import accumulate
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
    last = max(1, spec.line_count)
    open_ranges = _OpenRanges(last)
    for comment in spec.comments:
        match = _DIRECTIVE.match(comment.text)
        if match is None:
            continue
        kind = match["kind"]
        codes, unknown = _codes(match["codes"])
        if kind == "enable":
            open_ranges.close(codes, comment.line)
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
            open_ranges.add(directive)
    return found


class _OpenRanges:
    """The ``disable`` directives that no ``enable`` has closed yet, filed under each code
    they name, so that an enable visits only those it may close (checking every open one
    at each enable was quadratic in a file of many).  A closed one, still filed under its
    other codes, is skipped when met there."""

    def __init__(self, end: int) -> None:
        self.end = end
        self.since: list[Suppression] = []
        """Every directive since the last enable for every rule, open or not."""
        self.every_rule: list[Suppression] = []
        self.by_code: dict[str, list[Suppression]] = {}

    def add(self, directive: Suppression) -> None:
        self.since.append(directive)
        if directive.codes is None:
            self.every_rule.append(directive)
            return
        for code in directive.codes:
            self.by_code.setdefault(code, []).append(directive)

    def close(self, codes: frozenset[str] | None, line: int) -> None:
        """An enable on ``line`` closes the directives for every rule and those sharing a
        code with it (all, when it names none)."""
        if codes is None:
            closing, self.since, self.every_rule, self.by_code = self.since, [], [], {}
        else:
            closing, self.every_rule = self.every_rule, []
            for code in codes:
                closing += self.by_code.pop(code, [])
        for directive in closing:
            if directive.last == self.end:  # still open
                directive.last = line


def apply_suppressions(spec: Spec, findings: list[Finding], context: LintContext) -> list[Finding]:
    directives = parse_suppressions(spec)
    if not directives:
        return findings
    cover = _Cover(directives)
    kept = [finding for finding in findings if not cover.silences(finding)]
    cover.mark_used(findings)
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


class _Cover:
    """The lines each rule's directives cover, found by bisection: asking every directive
    about every finding was quadratic in a file of many of both.  Says what
    :meth:`Suppression.covers` says."""

    def __init__(self, directives: list[Suppression]) -> None:
        self.directives = directives
        spans: dict[str | None, list[tuple[int, int]]] = {}
        for directive in directives:
            for code in _channels(directive):
                spans.setdefault(code, []).append((directive.first, directive.last))
        self.ranges = {code: _Ranges(found) for code, found in spans.items()}

    def silences(self, finding: Finding) -> bool:
        if finding.rule in _SUPPRESSION_RULES:
            return False
        every, own = self.ranges.get(None), self.ranges.get(finding.rule)
        return bool(every and every.holds(finding.line)) or bool(own and own.holds(finding.line))

    def mark_used(self, findings: list[Finding]) -> None:
        """Mark each directive that covers a finding."""
        lines: dict[str | None, list[int]] = {None: []}
        for finding in findings:
            if finding.rule not in _SUPPRESSION_RULES:
                lines[None].append(finding.line)
                lines.setdefault(finding.rule, []).append(finding.line)
        for found in lines.values():
            found.sort()
        for directive in self.directives:
            if any(
                _any_within(lines.get(code, []), directive.first, directive.last)
                for code in _channels(directive)
            ):
                directive.used = True


class _Ranges:
    """Line ranges, for asking whether any holds a line."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans.sort()
        self.firsts = [first for first, _ in spans]
        self.reach = list(accumulate((last for _, last in spans), max))

    def holds(self, line: int) -> bool:
        index = bisect_right(self.firsts, line)  # the ranges that begin by ``line``
        return index > 0 and self.reach[index - 1] >= line


def _channels(directive: Suppression) -> list[str | None]:
    """The codes a directive silences; None stands for every rule."""
    return [None] if directive.codes is None else list(directive.codes)


def _any_within(lines: list[int], first: int, last: int) -> bool:
    index = bisect_left(lines, first)
    return index < len(lines) and lines[index] <= last


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
