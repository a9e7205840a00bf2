"""``techspec render FILE --format html|pdf -o OUT``: one spec as a standalone page or PDF.

Only click is imported at module level, so registering the command costs ``techspec
--version`` nothing; the renderer (markdown-it, nh3, WeasyPrint) loads when it runs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from techspec.selection import Selection
    from techspec.template import Template

FORMATS = ("html", "pdf")


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="html", show_default=True)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    default="-",
    help="Write here (default: standard output).",
)
@click.option("--template", type=click.Path(path_type=Path), help="Template file.")
def render(file: Path, fmt: str, output: Path, template: Path | None) -> None:
    """Render FILE as one standalone HTML page (no scripts) or as an A4 PDF.

    The page shows the outline, status, metadata, checklist progress and lint findings.
    Exit status: 0 written, 2 usage or input error.
    """
    from techspec.errors import TechspecError

    try:
        _render(file, fmt, output, template)
    except TechspecError as error:
        click.echo(f"techspec: {error}", err=True)
        sys.exit(error.exit_code)


def _render(file: Path, fmt: str, output: Path, template: Path | None) -> None:
    from techspec.errors import UsageError
    from techspec.files import read_text
    from techspec.render import render_html, render_pdf

    to_stdout = str(output) == "-"
    if fmt == "pdf" and to_stdout and sys.stdout.isatty():
        raise UsageError("a PDF is not for the terminal: pass -o FILE.pdf or redirect")
    text = sys.stdin.read() if str(file) == "-" else read_text(file)
    path = None if str(file) == "-" else str(file)
    compiled, selection = _settings(file, template)
    if fmt == "pdf":
        data = render_pdf(text, path, compiled, selection=selection)
    else:
        data = render_html(text, path, compiled, selection=selection).encode("utf-8")
    if to_stdout:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as error:
        message = f"cannot write the {fmt.upper()}: {error.strerror or error}"
        raise UsageError(message, path=str(output)) from None


def _settings(file: Path, option: Path | None) -> tuple[Template | None, Selection]:
    """The template and rule selection ``techspec lint`` would use for this file."""
    from techspec.batch import load_template
    from techspec.config import find_config

    location = file if str(file) != "-" else Path.cwd() / "stdin.md"
    config = find_config(location)
    chosen = option or config.template_for(location)
    compiled = load_template(chosen) if chosen is not None else None
    return compiled, config.selection_for(location)


def register(group: click.Group) -> None:
    """Add ``render`` to the ``techspec`` command group."""
    group.add_command(render)
