"""The review queue: every spec waiting for a reviewer is counted, and the latest listed,
however many are in Review (the dashboard once looked only at the 500 most recently
updated), with approvals kept current by the database through decisions, edits,
reverts and deletion."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from store_specs import draft, edited, seen

from techspec.lint.template import builtin_template
from techspec.store import approvals, migrations, revisions, workflow
from techspec.store.engine import Store
from techspec.store.review_queue import Queue, Seat, waiting_for
from techspec.store.schema import current_approvals
from techspec.store.search import Filters, list_specs
from techspec.store.users import User, add_user

BULK = 520
"""Specs in Review beyond the full ones: more than the 500 the dashboard once scanned."""
ROLES = {"tom": "Technical Lead", "pat": "Product Owner", "sue": "Security Lead"}


@pytest.fixture
def people(store: Store) -> dict[str, User]:
    found = {name: add_user(store, name, [role]) for name, role in ROLES.items()}
    found["ada"] = add_user(store, "ada", ["author"])
    found["lead"] = add_user(store, "lead", ["Technical Lead", "Product Owner"])
    return found


def _seat(*roles: str) -> Seat:
    return Seat(builtin_template().sha256, "Review", roles)


def _submitted(store: Store, slug: str, author: User, field: str = "Ada") -> None:
    """A spec ``author`` saved, with ``field`` in its Author field, moved to Review."""
    revisions.create_spec(store, slug, draft(slug.title(), field), author=author)
    workflow.submit(store, slug, author)


def _portfolio(store: Store, people: dict[str, User], bulk: int = 20) -> None:
    """Full specs in every situation the rule separates, then ``bulk`` plain ones."""
    ada, tom = people["ada"], people["tom"]
    _submitted(store, "approved-by-tom", ada)
    workflow.approve(
        store, "approved-by-tom", tom, ROLES["tom"], seen=seen(store, "approved-by-tom")
    )
    _submitted(store, "stale", ada)
    workflow.approve(store, "stale", tom, ROLES["tom"], seen=seen(store, "stale"))
    current = revisions.get_revision(store, "stale")
    revisions.save(
        store, "stale", edited(current.text, "Narrower."), base=current.number, author=ada
    )
    _submitted(store, "written-by-tom", tom)
    _submitted(store, "naming-tom", ada, "Ada and Tom")
    _submitted(store, "naming-tomas", ada, "Tomas")
    _submitted(store, "sent-back", ada)
    workflow.request_changes(store, "sent-back", tom, ROLES["tom"], seen=seen(store, "sent-back"))
    workflow.submit(store, "sent-back", ada)
    _submitted(store, "deleted", ada)
    revisions.soft_delete(store, "deleted")
    for n in range(bulk):
        text = f"# Technical Specification: Bulk {n}\n\n**Status**: Review\n\nWords.\n"
        revisions.create_spec(store, f"bulk-{n:04d}", text, author=ada)


def _reference(store: Store, user: User) -> dict[int, list[str]]:
    """The rule spelled out spec by spec with the workflow's own functions."""
    found: dict[int, list[str]] = {}
    for item in list_specs(store, Filters(status="Review"), limit=100_000):
        with store.read() as connection:
            spec = revisions.resolve(connection, f"#{item.id}")
            if workflow.authorship(connection, spec, user) is not None:
                continue
            granted = approvals.approved_roles(connection, spec.id, spec.content_hash)
        roles = [r for r in ROLES.values() if user.has_role(r) and r.casefold() not in granted]
        if roles:
            found[item.id] = roles
    return found


def _check(queue: Queue, expected: dict[int, list[str]]) -> None:
    assert queue.total == len(expected)
    newest = list(expected)[: len(queue.items)]  # the reference lists the latest first
    assert [w.item.id for w in queue.items] == newest
    assert all(w.roles == expected[w.item.id] for w in queue.items)


def test_every_spec_waiting_for_a_reviewer_is_counted_however_many_are_in_review(
    store: Store, people: dict[str, User]
) -> None:
    _portfolio(store, people, BULK)
    queue = waiting_for(store, people["tom"], [_seat(ROLES["tom"])], limit=8)
    expected = _reference(store, people["tom"])
    assert len(expected) == BULK + 3  # and the stale approval, sent-back and Tomas's
    _check(queue, expected)
    everything = waiting_for(store, people["tom"], [_seat(ROLES["tom"])], limit=1000)
    slugs = {w.item.slug for w in everything.items}
    assert {"stale", "sent-back", "naming-tomas"} <= slugs
    assert not {"approved-by-tom", "written-by-tom", "naming-tom", "deleted"} & slugs


def test_a_reviewer_with_several_roles_waits_while_any_of_them_has_no_current_approval(
    store: Store, people: dict[str, User]
) -> None:
    _portfolio(store, people)
    lead = people["lead"]
    queue = waiting_for(store, lead, [_seat(ROLES["tom"], ROLES["pat"])], limit=1000)
    _check(queue, _reference(store, lead))
    roles = {w.item.slug: w.roles for w in queue.items}
    assert roles["approved-by-tom"] == [ROLES["pat"]]
    assert roles["stale"] == [ROLES["tom"], ROLES["pat"]]


def test_no_seat_means_nothing_waits(store: Store, people: dict[str, User]) -> None:
    _submitted(store, "ledger", people["ada"])
    assert waiting_for(store, people["ada"], [], limit=8) == Queue([], 0)


def _current_rows(store: Store) -> set[tuple[int, str]]:
    with store.read() as connection:
        rows = connection.execute(sa.select(current_approvals.c.spec_id, current_approvals.c.role))
        return {(row.spec_id, row.role) for row in rows}


def _expected_rows(store: Store) -> set[tuple[int, str]]:
    found: set[tuple[int, str]] = set()
    for item in list_specs(store, limit=100_000):
        with store.read() as connection:
            spec = revisions.resolve(connection, f"#{item.id}")
            granted = approvals.approved_roles(connection, spec.id, spec.content_hash)
        found |= {(spec.id, approval.role) for approval in granted.values()}
    return found


def test_current_approvals_follow_decisions_edits_reverts_and_deletion(
    store: Store, people: dict[str, User]
) -> None:
    ada, tom, pat = people["ada"], people["tom"], people["pat"]
    _submitted(store, "ledger", ada)
    workflow.approve(store, "ledger", tom, ROLES["tom"], seen=seen(store, "ledger"))
    workflow.approve(store, "ledger", pat, ROLES["pat"], seen=seen(store, "ledger"))
    spec_id = revisions.get_spec(store, "ledger").id
    assert _current_rows(store) == {(spec_id, ROLES["tom"]), (spec_id, ROLES["pat"])}
    before = revisions.get_revision(store, "ledger")
    revisions.save(
        store, "ledger", edited(before.text, "Narrower."), base=before.number, author=ada
    )
    assert _current_rows(store) == set()
    after = revisions.get_revision(store, "ledger")
    reverted = after.text.replace("Narrower.\n\n", "", 1)  # the content approved, again
    revisions.save(store, "ledger", reverted, base=after.number, author=ada)
    assert (
        _current_rows(store)
        == _expected_rows(store)
        == {
            (spec_id, ROLES["tom"]),
            (spec_id, ROLES["pat"]),
        }
    )
    workflow.request_changes(store, "ledger", tom, ROLES["tom"], seen=seen(store, "ledger"))
    assert _current_rows(store) == _expected_rows(store) == {(spec_id, ROLES["pat"])}
    revisions.soft_delete(store, "ledger")
    assert _current_rows(store) == set()


def test_the_migration_fills_current_approvals_from_the_decisions_already_made(
    store: Store, people: dict[str, User]
) -> None:
    _portfolio(store, people)
    made = _current_rows(store)
    assert made == _expected_rows(store) and made
    with store.engine.begin() as connection:
        config = migrations.alembic_config(connection)
        command.downgrade(config, "web_0002")  # type: ignore[arg-type]
        command.upgrade(config, migrations.HEAD)  # type: ignore[arg-type]
    assert _current_rows(store) == made
    queue = waiting_for(store, people["pat"], [_seat(ROLES["pat"])], limit=8)
    _check(queue, _reference(store, people["pat"]))
