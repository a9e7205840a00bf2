"""The portfolio's counts are kept by the database as specs change, so the dashboard and
the review queue read a handful of rows however many specs there are; and the names in
each Author field are kept as rows, so "specs naming this reviewer" is an index probe.
Each count is checked against the same number counted the slow way, over the specs."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa
from alembic import command
from store_specs import draft, edited, seen

from techspec.store import counts, migrations, revisions, workflow
from techspec.store.authors import named_authors
from techspec.store.engine import Store
from techspec.store.schema import approval_counts, current_approvals, spec_authors, specs
from techspec.store.users import User, add_user


@pytest.fixture
def people(store: Store) -> dict[str, User]:
    return {
        "ada": add_user(store, "ada", ["author"]),
        "tom": add_user(store, "tom", ["Technical Lead"]),
        "pat": add_user(store, "pat", ["Product Owner"]),
    }


def _statuses_counted_slowly(store: Store) -> dict[str, int]:
    query = sa.select(specs.c.status).where(specs.c.deleted == sa.false())
    with store.read() as connection:
        return dict(Counter(status or "" for status in connection.execute(query).scalars()))


def _approvals_counted_slowly(store: Store) -> dict[tuple[str, str, str], int]:
    columns = (current_approvals.c.template_sha256, current_approvals.c.status)
    with store.read() as connection:
        rows = connection.execute(sa.select(*columns, current_approvals.c.role))
        return dict(Counter((t, s or "", r) for t, s, r in rows))


def _approvals_counted(store: Store) -> dict[tuple[str, str, str], int]:
    columns = (approval_counts.c.template_sha256, approval_counts.c.status)
    query = sa.select(*columns, approval_counts.c.role, approval_counts.c.n)
    with store.read() as connection:
        return {(t, s, r): int(n) for t, s, r, n in connection.execute(query) if n}


def _authors_kept(store: Store) -> set[tuple[str, int]]:
    with store.read() as connection:
        rows = connection.execute(sa.select(spec_authors.c.name, spec_authors.c.spec_id))
        return {(name, spec_id) for name, spec_id in rows}


def _authors_read_slowly(store: Store) -> set[tuple[str, int]]:
    query = sa.select(specs.c.id, specs.c.author)
    with store.read() as connection:
        rows = connection.execute(query).all()
    return {(name, spec_id) for spec_id, field in rows for name in named_authors(field)}


def _agree(store: Store) -> None:
    assert counts.by_status(store) == _statuses_counted_slowly(store)
    assert _approvals_counted(store) == _approvals_counted_slowly(store)
    assert _authors_kept(store) == _authors_read_slowly(store)


def _life(store: Store, people: dict[str, User]) -> None:
    """Specs created, submitted, approved, edited (approvals go stale), sent back,
    renamed authors, and deleted; the counts are checked after every step."""
    ada, tom, pat = people["ada"], people["tom"], people["pat"]
    for slug, field in (("ledger", "Ada"), ("search", "Ada and Tom"), ("mail", "Pat; Ada")):
        revisions.create_spec(store, slug, draft(slug.title(), field), author=ada)
        _agree(store)
    workflow.submit(store, "ledger", ada)
    workflow.submit(store, "search", ada)
    _agree(store)
    workflow.approve(store, "ledger", tom, "Technical Lead", seen=seen(store, "ledger"))
    workflow.approve(store, "ledger", pat, "Product Owner", seen=seen(store, "ledger"))
    _agree(store)
    current = revisions.get_revision(store, "ledger")
    changed = edited(current.text, "Narrower.").replace("**Author**: Ada", "**Author**: Grace")
    revisions.save(store, "ledger", changed, base=current.number, author=ada)
    _agree(store)  # the approvals went stale with the content; Grace is the author now
    workflow.request_changes(store, "search", tom, "Technical Lead", seen=seen(store, "search"))
    _agree(store)
    revisions.soft_delete(store, "mail")
    _agree(store)


def test_counts_and_author_names_follow_every_change_of_a_spec(
    store: Store, people: dict[str, User]
) -> None:
    _life(store, people)
    assert counts.by_status(store) == {"Review": 1, "Draft": 1}
    assert ("grace", revisions.get_spec(store, "ledger").id) in _authors_kept(store)


def test_one_role_is_counted_from_its_row_and_several_roles_are_not_summed(
    store: Store, people: dict[str, User]
) -> None:
    _life(store, people)
    template = revisions.get_spec(store, "search").template_sha256
    with store.read() as connection:
        assert counts.in_status(connection, template, "Review") == 1
        assert counts.in_status(connection, template, "Approved") == 0
        assert counts.approved(connection, template, "Review", ["Technical Lead"]) == 0
        assert counts.approved(connection, template, "Review", ["A", "B"]) is None


def test_the_migration_fills_the_counts_and_author_names_of_an_existing_store(
    store: Store, people: dict[str, User]
) -> None:
    _life(store, people)
    with store.engine.begin() as connection:
        config = migrations.alembic_config(connection)
        command.downgrade(config, "store_0001")  # type: ignore[arg-type]
        command.upgrade(config, migrations.HEAD)  # type: ignore[arg-type]
    _agree(store)
    assert counts.by_status(store)


def test_an_author_field_longer_than_a_column_saves_and_its_names_still_agree(
    store: Store, people: dict[str, User]
) -> None:
    text = draft("Wide", "Ada, " + "x" * 5000)
    revisions.create_spec(store, "wide", text, author=people["ada"])
    _agree(store)
    assert ("ada", revisions.get_spec(store, "wide").id) in _authors_kept(store)
