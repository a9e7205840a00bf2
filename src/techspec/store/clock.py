"""Time as the store records it: timezone-aware UTC, microsecond precision."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """A stored time in UTC (SQLite hands back naive values, which are UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def iso(value: datetime) -> str:
    """``2026-01-02T03:04:05.000006Z``: one spelling per instant, for hashing and output."""
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
