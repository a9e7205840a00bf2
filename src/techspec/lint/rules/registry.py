"""The rule registry: one table that feeds the linter, ``techspec rules`` and the docs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from techspec.lint.findings import Finding
    from techspec.lint.linter import LintContext

Check = Callable[["LintContext"], Iterator["Finding"]]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    """Stable code, e.g. ``TS101``."""
    name: str
    """Stable kebab-case name, e.g. ``missing-section``."""
    summary: str
    """One line: what the rule reports."""
    explanation: str
    """Why it matters and how the template decides what is expected."""
    failing: str
    """A Markdown excerpt that triggers the rule."""
    passing: str
    """The same excerpt, fixed."""
    severity: str
    """``error``, ``warning``, ``info`` or ``status`` (warning in Draft, error after it)."""
    fixable: bool = False

    @property
    def label(self) -> str:
        return f"{self.code}/{self.name}"


_RULES: dict[str, Rule] = {}
_CHECKS: list[tuple[Rule, Check]] = []


def rule(**fields: object) -> Callable[[Check], Check]:
    """Register a check function together with its rule's documentation."""

    def register(check: Check) -> Check:
        entry = Rule(**fields)  # type: ignore[arg-type]
        if entry.code in _RULES:
            raise ValueError(f"duplicate rule code {entry.code}")
        _RULES[entry.code] = entry
        _CHECKS.append((entry, check))
        return check

    return register


def document(**fields: object) -> Rule:
    """Register a rule that is reported by the linter itself rather than a check function."""
    entry = Rule(**fields)  # type: ignore[arg-type]
    _RULES[entry.code] = entry
    return entry


def all_rules() -> list[Rule]:
    """Every rule, ordered by code."""
    _load()
    return sorted(_RULES.values(), key=lambda r: r.code)


def get_rule(code_or_name: str) -> Rule | None:
    """Look a rule up by code (``TS101``) or name (``missing-section``), case-insensitively."""
    _load()
    wanted = code_or_name.strip().casefold()
    for entry in _RULES.values():
        if wanted in (entry.code.casefold(), entry.name.casefold(), entry.label.casefold()):
            return entry
    return None


def checks() -> list[tuple[Rule, Check]]:
    _load()
    return list(_CHECKS)


def _load() -> None:
    import techspec.lint.rules.checks  # noqa: F401  (registers every rule on import)
