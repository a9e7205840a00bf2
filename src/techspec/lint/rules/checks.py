"""Imports every rule module so that each registers its rules."""

from techspec.lint.rules import (  # noqa: F401
    checklists,
    document,
    gates,
    history,
    metadata,
    placeholders,
    sections,
    tables,
)
