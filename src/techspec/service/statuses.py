"""Which Status values a filter may name: those of the store's templates.

A filter on a status no template has (``?status=Bogus``) finds nothing, and an empty
list reads as "no spec is in that state" rather than "there is no such state": it is
refused instead, naming the values there are.
"""

from __future__ import annotations

from techspec.errors import InputError
from techspec.lint.template import builtin_template
from techspec.service import catalog
from techspec.store.engine import Store


def require_known(store: Store, status: str) -> None:
    """Raise :class:`InputError` (422, exit 2) unless ``status`` is a Status value of
    the built-in template or of a template stored with the specs (any case)."""
    wanted = status.strip().casefold()
    if any(known.casefold() == wanted for known in builtin_template().statuses):
        return  # the common case, without reading the stored templates
    known: list[str] = []
    for entry in catalog.entries(store):
        known.extend(s for s in entry.template.statuses if s not in known)
    if not any(value.casefold() == wanted for value in known):
        raise InputError(f"status: '{status}' is not a Status (one of: {', '.join(known)})")
