"""A person's latest drafts (``store/drafts.py``), the dashboard's "my drafts": exact
whichever way they are found (each spec looked up, or the drafts walked newest first and
the walk given up for the look-ups), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from store_specs import draft

from techspec.store import drafts, revisions, workflow
from techspec.store.engine import Store
from techspec.store.schema import specs
from techspec.store.users import User, add_user


@pytest.fixture
def portfolio(store: Store) -> dict[str, User]:
    """Twelve specs: drafts by Ada, by Tom, by both (named in the Author field or created
    by the other), one of Ada's submitted to Review and one deleted."""
    people = {"ada": add_user(store, "ada", ["author"]), "tom": add_user(store, "tom", ["author"])}
    plan = [
        ("ada", "Ada"),
        ("tom", "Tom"),
        ("ada", "Tom and Ada"),
        ("tom", "Ada"),
        ("ada", "Ada"),
        ("tom", "Tom"),
        ("ada", "Ada"),
        ("tom", "Grace"),
        ("ada", "Ada"),
        ("ada", "Ada"),
        ("tom", "Tom"),
        ("ada", "Ada"),
    ]
    for number, (creator, named) in enumerate(plan, start=1):
        text = draft(f"Spec {number}", named)
        revisions.create_spec(store, f"spec-{number}", text, author=people[creator])
    workflow.submit(store, "spec-9", people["ada"])
    revisions.soft_delete(store, "spec-10", actor=people["ada"])
    return people


def _expected(store: Store, user: User, limit: int) -> list[int]:
    """The slow way: every live draft, the person's kept, newest first."""
    with store.read() as connection:
        rows = connection.execute(
            sa.select(specs.c.id, specs.c.updated_at).where(
                specs.c.deleted == sa.false(), specs.c.status == "Draft"
            )
        ).all()
        own = drafts.own_spec_ids(connection, user.id, user.name)
    newest = sorted(((r.updated_at, r.id) for r in rows if r.id in own), reverse=True)
    return [spec_id for _at, spec_id in newest[:limit]]


@pytest.mark.parametrize(
    ("few", "window", "walked"),
    [
        (500, 500, 10_000),  # few specs of their own: each looked up
        (0, 2, 10_000),  # the walk, two drafts a step
        (0, 2, 4),  # the walk gives up after four drafts: the look-ups
    ],
)
@pytest.mark.parametrize("limit", [1, 3, 8])
def test_the_latest_drafts_are_exact_whichever_way_they_are_found(
    store: Store,
    portfolio: dict[str, User],
    monkeypatch: pytest.MonkeyPatch,
    few: int,
    window: int,
    walked: int,
    limit: int,
) -> None:
    monkeypatch.setattr(drafts, "FEW", few)
    monkeypatch.setattr(drafts, "WINDOW", window)
    monkeypatch.setattr(drafts, "WALKED", walked)
    for user in portfolio.values():
        with store.read() as connection:
            found = drafts.latest_drafts(connection, user.id, user.name, "Draft", limit)
        assert found == _expected(store, user, limit)
        assert found


def test_a_person_named_in_no_spec_has_no_drafts(store: Store, portfolio: dict[str, User]) -> None:
    vic = add_user(store, "vic", ["viewer"])
    with store.read() as connection:
        assert drafts.latest_drafts(connection, vic.id, vic.name, "Draft", 8) == []


def test_submitted_and_deleted_specs_are_not_drafts(
    store: Store, portfolio: dict[str, User]
) -> None:
    ada = portfolio["ada"]
    with store.read() as connection:
        found = drafts.latest_drafts(connection, ada.id, ada.name, "Draft", 20)
        slugs = dict(connection.execute(sa.select(specs.c.id, specs.c.slug)).all())
    names = {slugs[spec_id] for spec_id in found}
    assert "spec-9" not in names and "spec-10" not in names
    assert names == {"spec-1", "spec-3", "spec-4", "spec-5", "spec-7", "spec-12"}
