"""The templates shipped inside the package, by name.

``technical-spec`` is the default; ``adr`` (an architecture decision record in the MADR
style) and ``rfc`` (a lightweight request for comments in the Rust RFC style) are there to
be chosen: ``techspec new --template adr``, ``--template rfc`` on any command that takes a
template file, or ``"docs/adr/" = "adr"`` under ``[templates]`` in the configuration.
A name is looked up only when no file of that name exists, so a team's own file always
wins over a built-in of the same name.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

from techspec.lint.template import Template, builtin_template

DEFAULT = "technical-spec"
NAMES = (DEFAULT, "adr", "rfc")
"""Every built-in template, the default first."""


def builtin_names() -> tuple[str, ...]:
    return NAMES


@cache
def builtin_named(name: str) -> Template | None:
    """The built-in template called ``name`` (None: there is none)."""
    if name == DEFAULT:
        return builtin_template()
    if name not in NAMES:
        return None
    text = files("techspec").joinpath(f"templates/{name}.md").read_text("utf-8")
    return Template.from_markdown(text, name)


def builtin_templates() -> list[Template]:
    """Every built-in template, the default first."""
    found = [builtin_named(name) for name in NAMES]
    return [template for template in found if template is not None]


def builtin_for_path(path: Path) -> Template | None:
    """The built-in template a template path names when no such file exists: ``adr``
    given as a path (or ``DIR/adr`` from a configuration file's directory)."""
    if path.suffix or path.exists():
        return None
    return builtin_named(path.name)
