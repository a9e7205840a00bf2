"""``techspec render SPEC|FILE --format html|pdf -o OUT``: one spec as a standalone page or PDF.

The argument is a file when it names one that exists, is ``-`` (standard input) or
holds a slash (a stored spec's name cannot); anything else is a stored spec, by slug or
``#id``, read from the store named by ``--db`` or ``$TECHSPEC_DATABASE_URL`` like every
store command.  A stored spec renders its current revision (or ``--revision N``) against
the template stored with it, and the page names it ``slug rN`` where a file names its path.

Only click is imported at module level, so registering the command costs ``techspec
--version`` nothing; the renderer (markdown-it, nh3, WeasyPrint) loads when it runs, and
the store (SQLAlchemy) only when the argument is a stored spec.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from techspec.cli.support import db_option, open_store_at, reports_errors

if TYPE_CHECKING:
    from techspec.lint.selection import Selection
    from techspec.lint.template import Template
    from techspec.store.engine import Store

FORMATS = ("html", "pdf")


@dataclass(frozen=True, slots=True)
class Source:
    """What to render: the text, the name the page gives it, and how to lint it."""

    text: str
    label: str | None
    template: Template | None
    selection: Selection | None


@click.command()
@click.argument("ref", metavar="SPEC|FILE")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="html", show_default=True)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    default="-",
    help="Write here (default: standard output).",
)
@click.option(
    "--revision",
    "-r",
    type=click.IntRange(1),
    help="With SPEC: this revision number (default: the current one).",
)
@click.option(
    "--template",
    type=click.Path(path_type=Path),
    help="Template file (default: the config's, or for SPEC the one stored with it).",
)
@db_option
@reports_errors
def render(
    ref: str,
    fmt: str,
    output: Path,
    revision: int | None,
    template: Path | None,
    db: str | None,
) -> None:
    """Render a stored SPEC (slug or #id) or a FILE (- for standard input) as one
    standalone HTML page (no scripts) or as an A4 PDF.

    An existing file, - or a path with a slash is read as a file; any other name is
    looked up in the store (--db).  The page shows the outline, status, metadata,
    checklist progress and lint findings.  Exit status: 0 written, 2 usage or input
    error (unknown spec, unreadable file or database).
    """
    from techspec.authoring.render import render_html, render_pdf
    from techspec.errors import UsageError

    to_stdout = str(output) == "-"
    if fmt == "pdf" and to_stdout and sys.stdout.isatty():
        raise UsageError("a PDF is not for the terminal: pass -o FILE.pdf or redirect")
    if is_file_argument(ref):
        if revision is not None:
            raise UsageError("--revision is for a stored spec, not a file")
        source = _from_file(ref, template)
    else:
        source = _from_store(ref, revision, template, db)
    if fmt == "pdf":
        data = render_pdf(source.text, source.label, source.template, selection=source.selection)
    else:
        page = render_html(source.text, source.label, source.template, selection=source.selection)
        data = page.encode("utf-8")
    _write(data, output, fmt)


def is_file_argument(ref: str) -> bool:
    """``-``, an existing path, or a name with a slash, which no stored spec can have."""
    if ref == "-" or "/" in ref or "\\" in ref:
        return True
    try:
        return Path(ref).exists()
    except (OSError, ValueError):  # a name too long for a path, or with a NUL byte
        return False


def _from_file(name: str, option: Path | None) -> Source:
    from techspec.document.files import read_stdin, read_text

    text = read_stdin() if name == "-" else read_text(Path(name))
    compiled, selection = _settings(Path(name), option)
    return Source(text, None if name == "-" else name, compiled, selection)


def _from_store(ref: str, number: int | None, option: Path | None, db: str | None) -> Source:
    """A revision of a stored spec, linted as the store lints it: against the template
    stored with the spec (unless ``--template``), with every rule (no file, no config)."""
    from techspec.lint.batch import load_template
    from techspec.store.errors import NotFound
    from techspec.store.revisions import resolve, revision_row, template_of

    store = _open_existing(ref, db)
    try:
        with store.read() as connection:
            try:
                spec = resolve(connection, ref)
            except NotFound:
                raise NotFound(f"no file or stored spec named '{ref}'") from None
            revision = revision_row(connection, spec, number)
            stored = template_of(connection, spec)
    finally:
        store.close()
    compiled = load_template(option) if option is not None else stored
    return Source(revision.text, f"{spec.slug} r{revision.number}", compiled, None)


def _open_existing(ref: str, db: str | None) -> Store:
    """The store, without creating an SQLite file for a mistyped file name."""
    from techspec.store.engine import database_url, normalize_url, redact
    from techspec.store.errors import NotFound

    url = database_url(db)
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").exists():
        raise NotFound(f"no file or stored spec named '{ref}' (no database at {redact(url)})")
    return open_store_at(url)


def _settings(file: Path, option: Path | None) -> tuple[Template | None, Selection]:
    """The template and rule selection ``techspec lint`` would use for this file."""
    from techspec.lint.batch import load_template
    from techspec.lint.config import find_config

    location = file if str(file) != "-" else Path.cwd() / "stdin.md"
    config = find_config(location)
    chosen = option or config.template_for(location)
    compiled = load_template(chosen) if chosen is not None else None
    return compiled, config.selection_for(location)


def _write(data: bytes, output: Path, fmt: str) -> None:
    from techspec.errors import UsageError

    if str(output) == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as error:
        message = f"cannot write the {fmt.upper()}: {error.strerror or error}"
        raise UsageError(message, path=str(output)) from None


def register(group: click.Group) -> None:
    """Add ``render`` to the ``techspec`` command group."""
    group.add_command(render)
