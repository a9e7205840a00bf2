"""Revisions: immutable, numbered without gaps, new only when the bytes differ, and a
save based on a stale revision is a conflict, never a lost update."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from store_specs import draft, edited, raw_draft

from techspec.authoring.content_hash import revision_sha256
from techspec.errors import InputError
from techspec.store import revisions
from techspec.store.engine import Store
from techspec.store.errors import Conflict, InvalidTransition, NotFound
from techspec.store.users import add_user


def test_creating_a_spec_stores_revision_one_with_its_facts(store: Store) -> None:
    text = draft(words="A ledger for payments.")
    saved = revisions.create_spec(store, "ledger", text)
    assert (saved.outcome, saved.revision) == ("created", 1)
    revision = revisions.get_revision(store, "ledger")
    assert revision.text == text
    assert revision.sha256 == revision_sha256(text)
    assert (revision.title, revision.status, revision.version) == (
        "Technical Specification: Payments Ledger",
        "Draft",
        "1.0",
    )
    assert revision.author is None
    assert revision.open_tasks > 0
    assert saved.spec.open_tasks == revision.open_tasks


def test_saving_identical_bytes_adds_no_revision(store: Store) -> None:
    text = draft()
    revisions.create_spec(store, "ledger", text)
    again = revisions.save(store, "ledger", text, base=1)
    assert again.outcome == "unchanged"
    assert [r.number for r in revisions.history(store, "ledger")] == [1]


def test_saving_changed_bytes_adds_the_next_revision_with_its_author(store: Store) -> None:
    ada = add_user(store, "ada")
    text = draft()
    revisions.create_spec(store, "ledger", text, author=ada)
    saved = revisions.save(
        store, "ledger", edited(text, "More detail."), base=1, author=ada, message="detail"
    )
    assert (saved.outcome, saved.revision) == ("revised", 2)
    listed = revisions.history(store, "ledger")
    assert [(r.number, r.author, r.message) for r in listed] == [
        (1, "ada", ""),
        (2, "ada", "detail"),
    ]


def test_a_save_based_on_a_stale_revision_is_a_conflict(store: Store) -> None:
    text = draft()
    revisions.create_spec(store, "ledger", text)
    revisions.save(store, "ledger", edited(text, "First."), base=1)
    with pytest.raises(Conflict, match="is at revision 2 but the save was based on revision 1"):
        revisions.save(store, "ledger", edited(text, "Second."), base=1)
    assert revisions.get_spec(store, "ledger").current_revision == 2
    assert "Second." not in revisions.get_revision(store, "ledger").text


def test_the_same_name_twice_is_a_conflict(store: Store) -> None:
    revisions.create_spec(store, "ledger", draft())
    with pytest.raises(Conflict, match="already exists"):
        revisions.create_spec(store, "ledger", draft("Other"))


def test_a_file_that_is_not_a_spec_is_refused_and_nothing_is_written(store: Store) -> None:
    with pytest.raises(InputError, match="not a spec"):
        revisions.create_spec(store, "notes", "# Shopping list\n\n- eggs\n")
    with pytest.raises(NotFound):
        revisions.get_spec(store, "notes")


def test_an_unknown_spec_or_revision_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound, match="unknown spec 'nope'"):
        revisions.get_spec(store, "nope")
    revisions.create_spec(store, "ledger", draft())
    with pytest.raises(NotFound, match="has no revision 7"):
        revisions.get_revision(store, "ledger", 7)


def test_a_spec_is_found_by_its_id(store: Store) -> None:
    created = revisions.create_spec(store, "ledger", draft())
    assert revisions.get_spec(store, f"#{created.spec.id}").slug == "ledger"


def test_an_edit_may_not_change_the_status_line(store: Store) -> None:
    text = draft()
    revisions.create_spec(store, "ledger", text)
    with pytest.raises(InvalidTransition, match="from Draft to Approved"):
        revisions.save(
            store, "ledger", text.replace("**Status**: Draft", "**Status**: Approved"), base=1
        )


def test_revisions_cannot_be_updated_in_the_database(store: Store) -> None:
    revisions.create_spec(store, "ledger", raw_draft())
    with pytest.raises(sa.exc.DatabaseError), store.write() as connection:
        connection.execute(sa.text("UPDATE revisions SET text = 'x'"))
    assert revisions.get_revision(store, "ledger").text == raw_draft()


def test_a_soft_deleted_spec_disappears_but_its_name_stays_taken(store: Store) -> None:
    revisions.create_spec(store, "ledger", draft())
    revisions.soft_delete(store, "ledger")
    with pytest.raises(NotFound):
        revisions.get_spec(store, "ledger")
    with pytest.raises(Conflict):
        revisions.create_spec(store, "ledger", draft())
