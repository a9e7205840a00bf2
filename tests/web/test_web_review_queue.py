"""The dashboard's "Waiting for your approval" counts every spec that waits, beyond the
500 most recently updated specs in Review it once looked at."""

from __future__ import annotations

from fastapi.testclient import TestClient
from web_client import sign_in

from techspec.lint.template import builtin_template
from techspec.store import approvals, revisions, workflow
from techspec.store.engine import Store
from techspec.store.search import Filters, list_specs
from techspec.store.users import User, find_user
from techspec.web import dashboard

BULK = 505


def _many_in_review(store: Store) -> None:
    for n in range(BULK):
        text = f"# Technical Specification: Queued {n}\n\n**Status**: Review\n\nWords.\n"
        revisions.create_spec(store, f"queued-{n:04d}", text)


def _waiting(store: Store, user: User) -> int:
    """The rule spelled out over every spec in Review, with the workflow's functions."""
    count = 0
    for item in list_specs(store, Filters(status="Review"), limit=100_000):
        with store.read() as connection:
            spec = revisions.resolve(connection, f"#{item.id}")
            wrote = workflow.authorship(connection, spec, user) is not None
            granted = approvals.approved_roles(connection, spec.id, spec.content_hash)
        count += not wrote and "technical lead" not in granted
    return count


def test_the_dashboard_counts_every_spec_waiting_for_the_reviewer(
    client: TestClient, store: Store
) -> None:
    _many_in_review(store)
    tom = find_user(store, "tom")
    expected = _waiting(store, tom)
    assert expected >= BULK
    board = dashboard.build(store, tom, lambda _spec: builtin_template())
    assert board.waiting_total == expected
    assert len(board.waiting) == dashboard.SHOWN
    assert sign_in(client, "tom") == 303
    page = client.get("/").text
    assert f"{expected:,} specs wait for you" in page


def test_the_dashboard_shows_no_count_to_someone_nothing_waits_for(
    client: TestClient, store: Store
) -> None:
    _many_in_review(store)
    board = dashboard.build(store, find_user(store, "ada"), lambda _spec: builtin_template())
    assert (board.waiting, board.waiting_total) == ([], 0)
    assert sign_in(client, "ada") == 303
    assert "Nothing waits for you." in client.get("/").text
