"""Lint rules.  Each rule is a small check function registered with its documentation."""

from techspec.lint.rules.registry import Rule, all_rules, get_rule

__all__ = ["Rule", "all_rules", "get_rule"]
