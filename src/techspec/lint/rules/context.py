"""What every rule check reads: a spec matched to its template once (a
:class:`LintContext`), and the findings it makes for a rule's code.

It sits in the rules package, below the checks that read it and beside the registry it
asks for a rule's name and severity, so that the linter, the checks and the registry
depend on it in one direction only.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from techspec.document.model import Field, Section, Spec, Table
from techspec.document.outline import Outline
from techspec.lint.findings import Finding, Severity
from techspec.lint.patterns import HeadingMatch
from techspec.lint.rules.registry import Rule, rule_of
from techspec.lint.template import SectionRule, TableRule, Template
from techspec.lint.template.headings import heading_key, stem_key


@dataclass(slots=True)
class SectionMatch:
    rule: SectionRule
    section: Section


@dataclass(slots=True)
class MissingSection:
    rule: SectionRule
    line: int
    parent: str | None


@dataclass(slots=True)
class OutOfOrder:
    section: Section
    after: str


@dataclass(slots=True)
class WrongLevel:
    """A section the template has, written at another heading level (``## Goals`` where
    the template nests ``### Goals`` under ``## Motivation``)."""

    rule: SectionRule
    section: Section
    parent: str | None
    """The path of the section the template puts it under (None: the top)."""


@dataclass(slots=True)
class TablePair:
    rule: TableRule
    table: Table | None
    section: Section | None


@dataclass
class LintContext:
    """Everything a rule check needs, computed once per spec."""

    spec: Spec
    template: Template
    matches: list[SectionMatch] = field(default_factory=list)
    missing: list[MissingSection] = field(default_factory=list)
    extra: list[Section] = field(default_factory=list)
    out_of_order: list[OutOfOrder] = field(default_factory=list)
    repeats: list[tuple[SectionRule, list[Section]]] = field(default_factory=list)
    wrong_level: list[WrongLevel] = field(default_factory=list)
    is_spec: bool = True
    cache: dict[str, object] = field(default_factory=dict)
    """Shared computations of rule modules, keyed by name (one lint run only)."""

    def __post_init__(self) -> None:
        self.rank = self.template.status_rank(self.spec.status)
        count = len(self.template.statuses)
        self.needs_signoff = count >= 3 and self.rank >= count - 2
        self.needs_done = count >= 4 and self.rank == count - 1
        self.outline: Outline = self.template.outline(self.spec)
        """The spec's title, metadata and sections in the template's shape."""
        self.is_spec = self.template.looks_like(self.spec)
        self._tables: list[TablePair] | None = None
        self._checked: dict[str, list[Finding]] = {}
        self._last_line = max(1, self.spec.line_count)
        self._numbers: dict[int, int | None] = {}
        """By section (its id): the number its repeatable rule's matcher found in its title."""
        self._reported: dict[str, tuple[str, str, Severity, bool]] = {}
        """Per code: the rule's code, name, severity here and fixability (a check may
        report a finding for every line)."""
        sections = list(self.spec.walk())
        self._section_lines = [s.line for s in sections]
        self._section_paths = [s.path for s in sections]
        if self.is_spec:
            self._match(self.template.sections, self.outline.sections, None, self._end())
            self._match_levels()

    # -- reporting -------------------------------------------------------------------

    def finding(
        self,
        code: str,
        message: str,
        line: int,
        column: int = 1,
        end_line: int | None = None,
        end_column: int | None = None,
        section: str | None = None,
    ) -> Finding:
        reported = self._reported.get(code)
        if reported is None:
            rule = rule_of(code)
            severity = self.severity(rule.severity)
            reported = self._reported[code] = (rule.code, rule.name, severity, rule.fixable)
        last = self._last_line
        line = 1 if line < 1 else last if line > last else line
        end_line = end_line or line
        end_line = line if end_line < line else last if end_line > last else end_line
        end_column = end_column or column
        return Finding(
            reported[0],
            reported[1],
            reported[2],
            message,
            line,
            column if column > 1 else 1,
            end_line,
            end_column if end_column > 1 else 1,
            section if section is not None else self.section_at(line),
            reported[3],
        )

    def severity(self, declared: str) -> Severity:
        """``status`` rules are warnings in the first lifecycle state and errors after it."""
        if declared == "status":
            return "warning" if self.rank == 0 else "error"
        assert declared in ("error", "warning", "info"), declared
        return declared  # type: ignore[return-value]

    def section_at(self, line: int) -> str | None:
        index = bisect_right(self._section_lines, line)
        return self._section_paths[index - 1] if index else None

    def checked(self, rule: Rule, check: Check) -> list[Finding]:
        """The findings of one rule's check, before suppressions; run once per context,
        so that ``techspec fix`` can lint the fixable rules first and the rest later."""
        found = self._checked.get(rule.code)
        if found is None:
            found = self._checked[rule.code] = list(check(self))
        return found

    def table_pairs(self) -> list[TablePair]:
        """Each template table with the spec table that answers it (None when absent)."""
        if self._tables is None:
            pairs: list[TablePair] = []
            for match in self.matches:
                if not match.rule.tables:
                    continue
                unlabelled = [t for t in match.section.tables if t.label is None]
                for rule in match.rule.tables:
                    table = unlabelled[rule.index] if rule.index < len(unlabelled) else None
                    pairs.append(TablePair(rule, table, match.section))
            for rule in self.template.labelled_tables:
                assert rule.label is not None
                pairs.append(TablePair(rule, self.spec.table(rule.label), None))
            self._tables = pairs
        return self._tables

    def number(self, rule: SectionRule, section: Section) -> int | None:
        """``rule.number(section.title)`` for a section matched to ``rule``: as matching
        found it, when it ran the rule's matcher (a document of many phases)."""
        if rule.pattern is not None and rule.numbered and rule.matcher is not None:
            number = self._numbers.get(id(section), -1)
            if number != -1:
                return number
        return rule.number(section.title)

    def field(self, key: str) -> Field | None:
        """The spec's metadata field ``key``, wherever the template's shape keeps it."""
        return self.template.field_of(self.outline, key)

    # -- section matching ------------------------------------------------------------

    def _end(self) -> int:
        return max(1, self.spec.line_count)

    def _match(
        self,
        rules: list[SectionRule],
        sections: list[Section],
        parent: Section | None,
        parent_end: int,
    ) -> None:
        found: dict[int, list[Section]] = {}
        furthest = -1
        known = _known(rules)
        answers = known.answers
        for section in sections:
            title = section.title
            index = answers.get(title, -1)
            if index == -1:
                index, heading = known.find(title)
                if len(answers) < 4096:
                    answers[title] = index
                if heading is not None:
                    self._numbers[id(section)] = heading.number
            if index is None:
                self.extra.append(section)
                continue
            rule = rules[index]
            group = found.get(index)
            if group is None:
                found[index] = [section]
            else:
                group.append(section)
            self.matches.append(SectionMatch(rule, section))
            if section.level != rule.level:
                self.wrong_level.append(WrongLevel(rule, section, parent.path if parent else None))
            if index < furthest:
                self.out_of_order.append(OutOfOrder(section, rules[furthest].title))
            else:
                furthest = index
            if rule.children or section.children:
                self._match(rule.children, section.children, section, section.end_line)
        for index, rule in enumerate(rules):
            group = found.get(index)
            if group is not None:
                if rule.pattern is not None:  # repeatable
                    self.repeats.append((rule, group))
                continue
            if rule.optional:
                continue
            later = [s.line for j, group in found.items() if j > index for s in group]
            line = min(later) if later else parent_end + 1
            self.missing.append(MissingSection(rule, line, parent.path if parent else None))

    def _match_levels(self) -> None:
        """A missing section written elsewhere at another level is that, not missing plus
        extra: each such pair becomes a match at the wrong level."""
        if not self.missing or not self.extra:
            return
        by_key: dict[str, list[int]] = {}
        for index, missing in enumerate(self.missing):
            if missing.rule.pattern is None:
                by_key.setdefault(missing.rule.key, []).append(index)
        if not by_key:
            return
        taken: set[int] = set()
        kept: list[Section] = []
        for section in self.extra:
            waiting = by_key.get(heading_key(section.title))
            if not waiting or section.level == self.missing[waiting[0]].rule.level:
                kept.append(section)
                continue
            missing = self.missing[waiting.pop(0)]
            taken.add(id(missing))
            self.matches.append(SectionMatch(missing.rule, section))
            self.wrong_level.append(WrongLevel(missing.rule, section, missing.parent))
            if missing.rule.children or section.children:
                self._match(missing.rule.children, section.children, section, section.end_line)
        self.extra = kept
        self.missing = [m for m in self.missing if id(m) not in taken]


class _Known:
    """What matching a title to one list of sibling rules needs, worked out once: the
    index of the first literal rule of each key, the pattern rules, and the answer for
    each title seen so far (title -> rule index, None: none).

    Remembered per rules list: every spec written from a template repeats its headings,
    and a run over many files asks again for each section."""

    __slots__ = ("answers", "literal", "patterns", "rules")

    def __init__(self, rules: list[SectionRule]) -> None:
        self.rules = rules  # held, so that its id stays its own
        self.answers: dict[str, int | None] = {}
        self.literal: dict[str, int] = {}
        for index, rule in enumerate(rules):
            if rule.pattern is None:
                self.literal.setdefault(rule.key, index)
        self.patterns = [(i, rule) for i, rule in enumerate(rules) if rule.pattern is not None]

    def find(self, title: str) -> tuple[int | None, HeadingMatch | None]:
        """A literal heading with the same key (numbering and an (Optional) mark aside),
        else a pattern, else a literal heading equal to what comes before a colon; with
        what the pattern's matcher found, when one did (its number is asked for again)."""
        index = self.literal.get(heading_key(title))  # what rule.matches(title) compares
        if index is not None:
            return index, None
        for index, rule in self.patterns:
            if rule.matcher is not None:  # what rule.matches(title) asks
                heading = rule.matcher.match(title)
                if heading is not None:
                    return index, heading
            elif rule.matches(title):
                return index, None
        stem = stem_key(title)
        return (self.literal.get(stem), None) if stem is not None else (None, None)


def _known(rules: list[SectionRule]) -> _Known:
    known = _INDEXES.get(id(rules))
    if known is None or known.rules is not rules:
        if len(_INDEXES) > 256:
            _INDEXES.clear()
        known = _INDEXES[id(rules)] = _Known(rules)
    return known


_INDEXES: dict[int, _Known] = {}
"""Per rules list (by its id)."""


Check = Callable[[LintContext], Iterator[Finding]]
"""A rule's check: the findings it reports for one context."""
