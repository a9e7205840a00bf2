"""What the API's jobs for its worker processes (:mod:`techspec.api.cpu`) share: templates
as plain text, and the store, for the operations that save a spec (each parses, lints and
hashes the text it stores).

A job gets plain values: text, a template as its Markdown and name (compiled once per
worker), a user, and for a save the database URL, which each worker opens once (a store
is a file or a server, never memory, so every process sees the same one).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from techspec.lint.template import Template
from techspec.store.engine import Store, open_store

R = TypeVar("R")

TemplateSource = tuple[str, str]
"""A template as ``(markdown, name)``: what crosses to a worker instead of the compiled
rules, which the worker compiles once and keeps (:meth:`Template.from_markdown` caches by
content)."""

_stores: dict[str, Store] = {}


def source(template: Template) -> TemplateSource:
    return template.text, template.name


def compiled(found: TemplateSource) -> Template:
    return Template.from_markdown(*found)


def on_store(url: str, operation: Callable[..., R], *args: Any, **kwargs: Any) -> R:
    """``operation(store, *args, **kwargs)`` on this worker's connection to ``url``."""
    store = _stores.get(url)
    if store is None:
        store = _stores[url] = open_store(url, upgrade=False)
    return operation(store, *args, **kwargs)
