"""The check functions of the rules, in the order they were registered."""

from __future__ import annotations

from collections.abc import Callable

from techspec.lint.rules.context import Check
from techspec.lint.rules.registry import Rule, register

_CHECKS: list[tuple[Rule, Check]] = []


def rule(**fields: object) -> Callable[[Check], Check]:
    """Register a check function together with its rule's documentation."""

    def register_check(check: Check) -> Check:
        _CHECKS.append((register(**fields), check))
        return check

    return register_check


def all_checks() -> list[tuple[Rule, Check]]:
    """Every rule that has a check, with its check."""
    return list(_CHECKS)
