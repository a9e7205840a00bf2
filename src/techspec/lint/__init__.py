"""The lint layer: a template compiled into rules, and the linter that checks a spec
against them (rules, suppressions, selections, configuration, findings).

It stands on :mod:`techspec.document` only.
"""
