"""Validation of a single value against what the template expects of it."""

from __future__ import annotations

import re
from datetime import date

from techspec.lint.template import ValueRule, has_placeholder

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_VERSION = re.compile(r"^v?\d+(\.\d+)*$")


def is_iso_date(value: str) -> bool:
    """An ISO calendar date that exists (``2026-02-30`` does not)."""
    if not _ISO_DATE.match(value.strip()):
        return False
    try:
        date.fromisoformat(value.strip())
    except ValueError:
        return False
    return True


def is_version(value: str) -> bool:
    return _VERSION.match(value.strip()) is not None


def version_key(value: str) -> tuple[int, ...]:
    return tuple(int(part) for part in value.strip().lstrip("v").split("."))


def unfilled(value: str) -> bool:
    """Empty, or still the template's placeholder text."""
    return not value.strip() or has_placeholder(value)


def problem(rule: ValueRule, value: str) -> tuple[str, str] | None:
    """``(rule code, message)`` when ``value`` breaks ``rule``; None when fine.

    Unfilled values and enumerations left unchanged are not judged here: they are
    placeholders, reported by TS205.
    """
    text = value.strip()
    if unfilled(text) or rule.is_unchanged(text):
        return None
    if rule.kind == "enum":
        if text.casefold() not in (v.casefold() for v in rule.values):
            return "TS202", f"'{text}' is not one of {', '.join(rule.values)}"
    elif rule.kind == "date":
        if not is_iso_date(text):
            return "TS203", f"'{text}' is not an ISO calendar date (YYYY-MM-DD)"
    elif rule.kind == "version" and not is_version(text):
        return "TS204", f"'{text}' is not a dotted version number such as 1.0"
    return None
