"""The rule registry: one table that feeds the linter, ``techspec rules`` and the docs.

Importing :mod:`techspec.lint.rules` fills it: each rule module registers its rules, with
their check functions (:func:`techspec.lint.rules.checks.rule`) or, for a rule the linter
reports itself, with :func:`document`.  The table knows nothing of checks or contexts, so
everything else in the linter can look a rule up here.
"""

from __future__ import annotations

from dataclasses import dataclass


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


def register(**fields: object) -> Rule:
    """Register a rule that has a check function: its code must be new."""
    entry = Rule(**fields)  # type: ignore[arg-type]
    if entry.code in _RULES:
        raise ValueError(f"duplicate rule code {entry.code}")
    _RULES[entry.code] = entry
    return entry


def document(**fields: object) -> Rule:
    """Register a rule that is reported by the linter itself rather than a check function."""
    entry = Rule(**fields)  # type: ignore[arg-type]
    _RULES[entry.code] = entry
    return entry


def all_rules() -> list[Rule]:
    """Every rule, ordered by code."""
    return sorted(_RULES.values(), key=lambda r: r.code)


def get_rule(code_or_name: str) -> Rule | None:
    """Look a rule up by code (``TS101``) or name (``missing-section``), case-insensitively."""
    wanted = code_or_name.strip().casefold()
    for entry in _RULES.values():
        if wanted in (entry.code.casefold(), entry.name.casefold(), entry.label.casefold()):
            return entry
    return None


_BY_CODE: dict[str, Rule] = {}


def rule_of(code: str) -> Rule:
    """The rule of a code a check reports, remembered: every finding asks for its rule."""
    rule = _BY_CODE.get(code)
    if rule is None:
        found = get_rule(code)
        assert found is not None, code
        rule = _BY_CODE[code] = found
    return rule
