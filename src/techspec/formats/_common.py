"""Helpers shared by the output formats, so every format orders and counts findings alike."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from techspec.lint.findings import FileReport, Finding


def ordered(reports: list[FileReport]) -> list[tuple[FileReport, list[Finding]]]:
    """Reports by path, each with its findings by line, column and rule.

    Sorting here rather than trusting the caller keeps every format's output stable
    whatever order the linter visited the files in.
    """
    return [
        (report, sorted(report.findings, key=Finding.sort_key))
        for report in sorted(reports, key=lambda r: r.path)
    ]


def each_finding(reports: list[FileReport]) -> Iterator[tuple[FileReport, Finding]]:
    """Every finding with its report, in output order."""
    for report, findings in ordered(reports):
        for finding in findings:
            yield report, finding


@dataclass(frozen=True, slots=True)
class Span:
    """A finding's 1-based region with the end filled in, so formats never see None."""

    line: int
    column: int
    end_line: int
    end_column: int


def span(finding: Finding, *, clamp: bool = False) -> Span:
    """The finding's region with the end filled in.

    ``clamp`` raises every number to at least 1 and keeps the end after the start, for
    formats whose consumers reject anything else (SARIF, GitHub annotations).
    """
    line, column = finding.line, finding.column
    end_line = finding.end_line if finding.end_line is not None else line
    end_column = finding.end_column if finding.end_column is not None else column
    if clamp:
        line, column = max(1, line), max(1, column)
        end_line, end_column = max(line, end_line), max(1, end_column)
        if end_line == line:
            end_column = max(column, end_column)
    return Span(line, column, end_line, end_column)


@dataclass(frozen=True, slots=True)
class Totals:
    """Counts for a summary line."""

    files: int
    files_with_findings: int
    errors: int
    warnings: int
    infos: int
    fixable: int

    @property
    def clean(self) -> int:
        return self.files - self.files_with_findings


def totals(reports: list[FileReport]) -> Totals:
    """Count files, severities and fixable findings across all reports."""
    findings = [f for r in reports for f in r.findings]
    return Totals(
        files=len(reports),
        files_with_findings=sum(1 for r in reports if r.findings),
        errors=sum(1 for f in findings if f.severity == "error"),
        warnings=sum(1 for f in findings if f.severity == "warning"),
        infos=sum(1 for f in findings if f.severity == "info"),
        fixable=sum(1 for f in findings if f.fixable),
    )


def plural(count: int, noun: str) -> str:
    """``1 file``, ``2 files``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
