"""The audit log: every change is an event in one hash chain; editing, deleting or
reordering rows directly in the database is detected by verify."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from store_specs import draft, edited

from techspec.store import audit, revisions, workflow
from techspec.store.engine import Store
from techspec.store.users import add_user, create_token


def _history(store: Store) -> None:
    ada = add_user(store, "ada")
    revisions.create_spec(store, "ledger", draft(), author=ada)
    revisions.save(store, "ledger", edited(draft(), "More."), base=1, author=ada)
    workflow.submit(store, "ledger", ada)
    create_token(store, "ada", "laptop")


def _tamper(store: Store, *statements: str) -> None:
    """Run SQL as someone with direct database access would: triggers switched off."""
    with store.write() as connection:
        if store.dialect == "sqlite":
            for verb in ("update", "delete"):
                connection.execute(sa.text(f"DROP TRIGGER audit_events_no_{verb}"))
        else:
            connection.execute(sa.text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        for statement in statements:
            connection.execute(sa.text(statement))


def test_every_change_is_recorded_with_who_what_and_which_revision(store: Store) -> None:
    _history(store)
    found = audit.events(store)
    assert [(e.actor, e.action, e.revision) for e in found] == [
        (None, "user.added", None),
        ("ada", "spec.created", 1),
        ("ada", "spec.revised", 2),
        ("ada", "status.changed", 3),
        ("ada", "token.created", None),
    ]
    assert found[3].details["from"] == "Draft"
    assert found[3].details["to"] == "Review"
    assert [e.prev_hash for e in found[1:]] == [e.hash for e in found[:-1]]


def test_an_intact_log_verifies(store: Store) -> None:
    _history(store)
    result = audit.verify(store)
    assert result.ok
    assert result.checked == 5
    assert str(result) == "OK: 5 events, hash chain intact"


def test_the_database_refuses_to_update_audit_events(store: Store) -> None:
    _history(store)
    with pytest.raises(sa.exc.DatabaseError), store.write() as connection:
        connection.execute(sa.text("UPDATE audit_events SET actor = 'mallory'"))
    assert audit.verify(store).ok


def test_an_edited_event_breaks_the_chain_at_that_event(store: Store) -> None:
    _history(store)
    _tamper(store, "UPDATE audit_events SET actor = 'mallory' WHERE seq = 3")
    result = audit.verify(store)
    assert (result.ok, result.broken_seq) == (False, 3)
    assert "edited" in result.reason


def test_an_edited_event_with_a_recomputed_hash_breaks_the_next_link(store: Store) -> None:
    _history(store)
    row = audit.events(store)[2]
    forged = audit.event_hash(
        row.seq,
        row.at,
        "mallory",
        row.action,
        row.spec_id,
        row.revision,
        audit.canonical(row.details),
        row.prev_hash,
    )
    _tamper(store, f"UPDATE audit_events SET actor = 'mallory', hash = '{forged}' WHERE seq = 3")
    result = audit.verify(store)
    assert (result.ok, result.broken_seq) == (False, 4)


def test_a_deleted_event_is_detected(store: Store) -> None:
    _history(store)
    _tamper(store, "DELETE FROM audit_events WHERE seq = 2")
    result = audit.verify(store)
    assert (result.ok, result.broken_seq) == (False, 2)
    assert "missing" in result.reason


def test_deleting_the_newest_events_is_detected(store: Store) -> None:
    _history(store)
    _tamper(store, "DELETE FROM audit_events WHERE seq >= 4")
    result = audit.verify(store)
    assert not result.ok
    assert "deleted from the end" in result.reason


def test_reordered_events_are_detected(store: Store) -> None:
    _history(store)
    _tamper(
        store,
        "UPDATE audit_events SET seq = 100 WHERE seq = 2",
        "UPDATE audit_events SET seq = 2 WHERE seq = 3",
        "UPDATE audit_events SET seq = 3 WHERE seq = 100",
    )
    result = audit.verify(store)
    assert (result.ok, result.broken_seq) == (False, 2)
    assert "reordered" in result.reason
