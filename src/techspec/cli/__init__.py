"""The ``techspec`` command line: one module per command group, each a thin adapter that
parses options, calls the library or one :mod:`techspec.service` operation and prints.

Only click is imported at module level, so ``techspec --version`` starts fast.
"""

from __future__ import annotations

from techspec.cli.main import cli, main

__all__ = ["cli", "main"]
