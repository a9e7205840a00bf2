"""Sorted pages of the spec list come from the database: the most recently updated
window, in title, lifecycle, error or task order, a page at a time."""

from __future__ import annotations

from techspec.store import revisions
from techspec.store.engine import Store
from techspec.store.search import Filters, Listed, list_sorted, list_specs

LIFECYCLE = ["Draft", "Review", "Approved", "Implemented"]


def _spec(store: Store, slug: str, title: str, status: str, tasks: int) -> None:
    boxes = "\n".join(f"- [ ] Task {n}" for n in range(tasks))
    head = f"# Technical Specification: {title}\n\n**Status**: {status}\n\n"
    text = f"{head}## Scope\n\n### Success Criteria\n\n{boxes}\n"
    revisions.create_spec(store, slug, text)


def _in_python(items: list[Listed], key: str) -> list[str]:
    orders = {
        "title": lambda i: ((i.title or i.slug).casefold(), i.id),
        "status": lambda i: (
            [s.casefold() for s in LIFECYCLE].index(i.status.casefold())
            if i.status and i.status.casefold() in [s.casefold() for s in LIFECYCLE]
            else len(LIFECYCLE),
            -i.updated_at.timestamp(),
        ),
        "errors": lambda i: (-i.errors, -i.warnings, i.id),
        "tasks": lambda i: (-i.open_tasks, i.id),
    }
    return [i.slug for i in sorted(items, key=orders[key])]


def test_a_sorted_page_is_the_windows_order_read_by_the_database(store: Store) -> None:
    for n, (title, status) in enumerate(
        [("beta", "Review"), ("Alpha", "Approved"), ("gamma", "Draft"), ("delta", "Odd")] * 3
    ):
        _spec(store, f"s-{n:02d}", f"{title} {n % 5}", status, n % 4)
    window = list_specs(store, limit=9)
    for key in ("title", "status", "errors", "tasks"):
        expected = _in_python(window, key)
        first = list_sorted(store, Filters(), key, lifecycle=LIFECYCLE, window=9, limit=5)
        rest = list_sorted(store, Filters(), key, lifecycle=LIFECYCLE, window=9, limit=5, offset=5)
        assert [i.slug for i in first + rest] == expected, key
