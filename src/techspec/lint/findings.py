"""Lint findings and the per-file report that output formats consume."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


@dataclass(slots=True)
class Finding:
    """One problem in one file, at a 1-based line and character column."""

    rule: str
    """The rule code, e.g. ``TS101``."""
    name: str
    """The rule name, e.g. ``missing-section``."""
    severity: Severity
    message: str
    line: int
    column: int = 1
    end_line: int = 0
    """0 means the same as ``line``."""
    end_column: int = 0
    """0 means the same as ``column``."""
    section: str | None = None
    fixable: bool = False

    def __post_init__(self) -> None:
        if not self.end_line:
            self.end_line = self.line
        if not self.end_column:
            self.end_column = self.column

    @property
    def code(self) -> str:
        """``TS101/missing-section``: the code and name reported together."""
        return f"{self.rule}/{self.name}"

    def sort_key(self) -> tuple[int, int, str]:
        return (self.line, self.column, self.rule)


@dataclass(slots=True)
class FileReport:
    """The findings for one file, plus the spec's Status (None when it has none)."""

    path: str
    status: str | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")
