"""A new spec from a template: title, authors and reviewers filled in, stored as
revision 1 under a name derived from the title (``-2``, ``-3`` ... when taken)."""

from __future__ import annotations

from datetime import date

from techspec.authoring.scaffold import scaffold
from techspec.document.parser import parse
from techspec.errors import UsageError
from techspec.lint.template import Template
from techspec.service.specs import create
from techspec.store.engine import Store
from techspec.store.records import Saved
from techspec.store.users import User

MAX_TITLE = 200


def draft_text(template: Template, title: str, authors: str, reviewers: str) -> str:
    """The template scaffolded with ``title`` and ``authors``, and ``reviewers`` when given."""
    title, authors, reviewers = _line(title), _line(authors), _line(reviewers)
    if not title:
        raise UsageError("give the spec a title")
    if len(title) > MAX_TITLE:
        raise UsageError(f"a title may have at most {MAX_TITLE} characters")
    text = scaffold(template, title, authors, date.today())
    return set_field(text, "Reviewers", reviewers) if reviewers else text


def set_field(text: str, key: str, value: str) -> str:
    """Replace the value of the metadata field ``key``; the text is unchanged without it."""
    found = parse(text).field(key)
    if found is None:
        return text
    lines = text.splitlines(keepends=True)
    line = lines[found.line - 1]
    start = found.value_column - 1
    end = line.find(found.value, start)
    if end != start:
        return text
    lines[found.line - 1] = line[:start] + value + line[start + len(found.value) :]
    return "".join(lines)


def create_from_template(
    store: Store, author: User, template: Template, title: str, authors: str, reviewers: str
) -> Saved:
    text = draft_text(template, title, authors or author.name, reviewers)
    message = f"new from template {template.name}"
    return create(store, author, text, template=template, message=message)


def _line(value: str) -> str:
    return " ".join(value.split())
