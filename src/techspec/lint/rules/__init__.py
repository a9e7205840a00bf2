"""Lint rules.  Each rule is a small check function registered with its documentation.

Importing this package imports every rule module, so each registers its rules in
:mod:`techspec.lint.rules.registry` before anything looks one up.
"""

from techspec.lint.rules import (  # noqa: F401  (registers every rule on import)
    checklists,
    document,
    gates,
    helptext,
    history,
    metadata,
    placeholders,
    sections,
    signatures,
    tables,
)
from techspec.lint.rules.registry import Rule, all_rules, get_rule

__all__ = ["Rule", "all_rules", "get_rule"]
