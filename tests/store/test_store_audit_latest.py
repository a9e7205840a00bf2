"""Checking the latest events of the audit log (what the audit page does on every view,
at any size): they follow one another up to the head, and an edit, a deletion or a cut
end among them is found as the whole walk finds it."""

from __future__ import annotations

from test_store_audit import _history, _tamper

from techspec.store import audit
from techspec.store.engine import Store


def test_the_latest_events_verify_and_say_they_are_only_the_latest(store: Store) -> None:
    _history(store)
    found = audit.verify_latest(store, 3)
    assert (found.ok, found.checked, found.latest) == (True, 3, True)
    assert "the latest 3 events" in str(found)
    assert audit.verify_latest(store, 1000).checked == audit.verify(store).checked


def test_an_edited_event_among_the_latest_is_found(store: Store) -> None:
    _history(store)
    newest = audit.events(store)[-1].seq
    _tamper(store, f"UPDATE audit_events SET actor = 'mallory' WHERE seq = {newest - 1}")
    found = audit.verify_latest(store, 3)
    assert (found.ok, found.broken_seq) == (False, newest - 1)


def test_a_deleted_or_cut_off_latest_event_is_found(store: Store) -> None:
    _history(store)
    newest = audit.events(store)[-1].seq
    _tamper(store, f"DELETE FROM audit_events WHERE seq = {newest}")
    found = audit.verify_latest(store, 3)
    assert not found.ok
    assert "deleted" in found.reason
