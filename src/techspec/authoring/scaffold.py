"""Start a new spec from a template (``techspec new``), editing only placeholder spans."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from techspec.document.parser import parse
from techspec.errors import InputError, UsageError
from techspec.lint.template import Template

NUMBERED = re.compile(r"^(\d{4})-")
"""A numbered spec file or slug: ``0007-payments-ledger``."""


def scaffold(
    template: Template, title: str, author: str, today: date, *, reviewers: str | None = None
) -> str:
    """The template's text with the title, Author, Date, Status (first state), the
    Reviewers when given and the first Document History row filled in; every other byte
    is the template's."""
    spec = parse(template.text)
    lines = template.text.splitlines(keepends=True)
    edits: list[tuple[int, int, int, str]] = []  # (line, first column, end column, text)

    for placeholder in spec.placeholders:
        if placeholder.line == spec.title_line:
            edits.append((placeholder.line, placeholder.column, placeholder.end_column, title))
            break
    values = {"author": author, "date": today.isoformat()}
    if template.statuses:
        values["status"] = template.statuses[0]
    if reviewers:
        values["reviewers"] = reviewers
    for found in spec.metadata:
        value = values.get(found.key.casefold())
        if value is not None:
            edits.append(
                (found.line, found.value_column, found.value_column + len(found.value), value)
            )
    for table in spec.tables:
        if table.label is None or not table.rows:
            continue
        first_row = table.rows[0]
        for name, value in (("date", today.isoformat()), ("author", author)):
            index = table.column_index(name)
            if index is not None and index < len(first_row):
                cell = first_row[index]
                edits.append((cell.line, cell.column, cell.column + len(cell.text), value))
    for line, first, end, text in sorted(edits, reverse=True):
        current = lines[line - 1]
        lines[line - 1] = current[: first - 1] + text + current[end - 1 :]
    return "".join(lines)


def slugify(title: str) -> str:
    """``Ünïcödé Plan`` -> ``unicode-plan``: letters of any script are transliterated to
    ASCII first (anyascii: ``Straße`` -> ``strasse``, ``Привет`` -> ``privet``), so a
    title never loses its words to the ``[a-z0-9]`` a slug keeps."""
    from anyascii import anyascii  # its tables load per script block, on first use

    slug = re.sub(r"[^a-z0-9]+", "-", anyascii(title).casefold()).strip("-")
    return slug[:60].rstrip("-") or "spec"


def next_path(directory: Path, title: str) -> Path:
    """``NNNN-slug.md`` with the next free number in ``directory``."""
    numbers = (
        [
            int(match.group(1))
            for child in directory.iterdir()
            if (match := NUMBERED.match(child.name))
        ]
        if directory.is_dir()
        else []
    )
    return directory / f"{max(numbers, default=0) + 1:04d}-{slugify(title)}.md"


def write_new(directory: Path, template: Template, title: str, author: str, today: date) -> Path:
    """Write a new spec; never overwrites an existing file."""
    if not title.strip():
        raise UsageError("the title must not be empty")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError("is not a directory", path=str(directory)) from None
    except OSError as error:
        message = f"cannot create directory: {error.strerror or error}"
        raise InputError(message, path=str(directory)) from None
    path = next_path(directory, title)
    try:
        with path.open("x", encoding="utf-8", newline="") as handle:
            handle.write(scaffold(template, title.strip(), author, today))
    except FileExistsError:
        raise InputError("already exists; not overwriting", path=str(path)) from None
    return path
