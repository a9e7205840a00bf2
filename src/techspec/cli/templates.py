"""``techspec template explain``: how techspec read a template, before anything is linted.

Only click is imported at module level; the library loads when the command runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from techspec.cli.support import reports_errors


@click.group("template")
def template_group() -> None:
    """Inspect templates (files or the built-in ones: technical-spec, adr, rfc)."""


@template_group.command("explain")
@click.argument("template")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@reports_errors
def explain_command(template: str, fmt: str) -> None:
    """Print what the compiler inferred from TEMPLATE (a path, a built-in name or - for
    standard input): sections, repeatable patterns, fields, enumerations, tables,
    checklists and placeholders.  Exit 2 when TEMPLATE cannot be read or is not a
    template."""
    from techspec.document.files import read_stdin
    from techspec.lint.batch import load_template
    from techspec.lint.explain import as_text, explain
    from techspec.lint.template import Template

    if template == "-":
        compiled = Template.from_markdown(read_stdin(), "-")
    else:
        compiled = load_template(Path(template))
    explanation = explain(compiled)
    if fmt == "json":
        click.echo(json.dumps(explanation.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(as_text(explanation), nl=False)


def register(group: click.Group) -> None:
    """Add ``template`` to the ``techspec`` command group."""
    group.add_command(template_group)
