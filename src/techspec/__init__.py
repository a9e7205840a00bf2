"""techspec: technical specifications as living, verifiable documents.

The core API is ``parse`` (Markdown -> :class:`Spec`), :class:`Template` (a template
compiled into rules) and ``lint`` (a spec against a template -> findings).  Names are
imported lazily so that ``techspec --version`` does not pay for the Markdown parser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from techspec.document.model import Spec
    from techspec.document.parser import parse
    from techspec.errors import TechspecError
    from techspec.lint.findings import FileReport, Finding
    from techspec.lint.linter import lint, lint_text
    from techspec.lint.template import Template, builtin_template

__all__ = [
    "FileReport",
    "Finding",
    "Spec",
    "TechspecError",
    "Template",
    "builtin_template",
    "lint",
    "lint_text",
    "parse",
]

_LAZY = {
    "TechspecError": "techspec.errors",
    "FileReport": "techspec.lint.findings",
    "Finding": "techspec.lint.findings",
    "lint": "techspec.lint.linter",
    "lint_text": "techspec.lint.linter",
    "Spec": "techspec.document.model",
    "parse": "techspec.document.parser",
    "Template": "techspec.lint.template",
    "builtin_template": "techspec.lint.template",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'techspec' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(module), name)
