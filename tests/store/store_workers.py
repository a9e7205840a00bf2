"""Work done in child processes by the concurrency test (importable under spawn)."""

from __future__ import annotations

from techspec.store import revisions
from techspec.store.engine import open_store
from techspec.store.errors import Conflict


def save_many(url: str, worker: int, saves: int) -> list[tuple[str, int | None, str]]:
    """Each attempt reads the current revision, adds a unique line, and saves based on it.

    Returns ``(outcome, revision, marker)`` per attempt: ``landed`` or ``conflict``.
    """
    store = open_store(url)
    outcomes: list[tuple[str, int | None, str]] = []
    try:
        for attempt in range(saves):
            current = revisions.get_revision(store, "ledger")
            marker = f"Marker w{worker}-a{attempt}."
            text = current.text.replace(
                "## Executive Summary\n\n", f"## Executive Summary\n\n{marker}\n", 1
            )
            try:
                saved = revisions.save(store, "ledger", text, base=current.number)
            except Conflict:
                outcomes.append(("conflict", None, marker))
            else:
                outcomes.append(("landed", saved.revision, marker))
    finally:
        store.close()
    return outcomes
