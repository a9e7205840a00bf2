"""techspec: technical specifications as living, verifiable documents.

The core API is ``parse`` (Markdown -> :class:`Spec`), :class:`Template` (a template
compiled into rules) and ``lint`` (a spec against a template -> findings).  Names are
imported lazily so that ``techspec --version`` does not pay for the Markdown parser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from techspec.errors import TechspecError
    from techspec.findings import FileReport, Finding
    from techspec.linter import lint, lint_text
    from techspec.model import Spec
    from techspec.parser import parse
    from techspec.template import Template, builtin_template

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
    "FileReport": "techspec.findings",
    "Finding": "techspec.findings",
    "lint": "techspec.linter",
    "lint_text": "techspec.linter",
    "Spec": "techspec.model",
    "parse": "techspec.parser",
    "Template": "techspec.template",
    "builtin_template": "techspec.template",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'techspec' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(module), name)
