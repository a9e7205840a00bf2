"""Workflow: every gate refused and then met; approvals bound to content, written back
into the document, kept current by their own write-back and made stale by an edit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from store_specs import draft, edited, raw_draft, seen, with_tasks_done

from techspec.authoring.content_hash import content_hash
from techspec.document.parser import parse
from techspec.errors import UsageError
from techspec.lint.linter import lint_text
from techspec.proofs.keys import KeyRing
from techspec.proofs.signoff import verify_text
from techspec.store import approvals, revisions, workflow
from techspec.store.engine import Store
from techspec.store.errors import ChangedSinceSeen, Forbidden, GateRefused, InvalidTransition
from techspec.store.seen import Seen
from techspec.store.users import User, add_user

ROLES = {"tom": "Technical Lead", "pat": "Product Owner", "sue": "Security Lead"}


@pytest.fixture
def people(store: Store) -> dict[str, User]:
    found = {name: add_user(store, name, [role]) for name, role in ROLES.items()}
    found["ada"] = add_user(store, "ada", ["Technical Lead"])
    return found


def _in_review(store: Store, people: dict[str, User], text: str | None = None) -> None:
    revisions.create_spec(store, "ledger", text or draft(), author=people["ada"])
    workflow.submit(store, "ledger", people["ada"])


def _approve_all(store: Store, people: dict[str, User]) -> workflow.Outcome:
    outcome = None
    for name, role in ROLES.items():
        outcome = workflow.approve(store, "ledger", people[name], role, seen=seen(store, "ledger"))
    assert outcome is not None
    return outcome


def _current(store: Store) -> str:
    return revisions.get_revision(store, "ledger").text


def test_submitting_a_spec_with_errors_is_refused_with_every_gate_and_its_line(
    store: Store, people: dict[str, User]
) -> None:
    revisions.create_spec(store, "ledger", raw_draft(), author=people["ada"])
    with pytest.raises(GateRefused) as refused:
        workflow.submit(store, "ledger", people["ada"])
    gates = refused.value.gates
    assert refused.value.target == "Review"
    assert len(gates) > 10
    assert all(gate.line is not None and gate.reason for gate in gates)
    assert any("placeholder" in gate.reason and gate.line == 11 for gate in gates)
    assert revisions.get_spec(store, "ledger").status == "Draft"


def test_submitting_a_clean_spec_moves_it_to_review_with_a_history_row(
    store: Store, people: dict[str, User]
) -> None:
    revisions.create_spec(store, "ledger", draft(), author=people["ada"])
    outcome = workflow.submit(store, "ledger", people["ada"])
    assert (outcome.status, outcome.revision, outcome.changed) == ("Review", 2, True)
    text = _current(store)
    assert parse(text).status == "Review"
    assert re.search(r"\| 1\.0 \| \d{4}-\d\d-\d\d \| ada \| Submitted for review by ada \|", text)
    assert content_hash(text) == content_hash(draft())


def test_a_draft_cannot_be_approved(store: Store, people: dict[str, User]) -> None:
    revisions.create_spec(store, "ledger", draft(), author=people["ada"])
    with pytest.raises(InvalidTransition, match="only a spec in Review"):
        workflow.approve(
            store, "ledger", people["tom"], "Technical Lead", seen=seen(store, "ledger")
        )


def test_approving_for_a_role_the_user_does_not_hold_is_forbidden(
    store: Store, people: dict[str, User]
) -> None:
    _in_review(store, people)
    with pytest.raises(Forbidden, match="does not hold the role 'Security Lead'"):
        workflow.approve(
            store, "ledger", people["tom"], "Security Lead", seen=seen(store, "ledger")
        )


def test_an_author_may_not_approve_their_own_spec(store: Store, people: dict[str, User]) -> None:
    _in_review(store, people)
    with pytest.raises(Forbidden, match="ada wrote spec 'ledger' and may not approve it"):
        workflow.approve(
            store, "ledger", people["ada"], "Technical Lead", seen=seen(store, "ledger")
        )


def test_an_unknown_role_is_a_usage_error(store: Store, people: dict[str, User]) -> None:
    _in_review(store, people)
    with pytest.raises(UsageError, match="unknown role 'Janitor'"):
        workflow.approve(store, "ledger", people["tom"], "Janitor", seen=seen(store, "ledger"))


def test_approving_twice_for_the_same_role_and_content_is_idempotent(
    store: Store, people: dict[str, User]
) -> None:
    _in_review(store, people)
    first = workflow.approve(
        store, "ledger", people["tom"], "technical lead", seen=seen(store, "ledger")
    )
    second = workflow.approve(
        store, "ledger", people["tom"], "Technical Lead", seen=seen(store, "ledger")
    )
    assert first.changed and not second.changed
    assert second.revision == first.revision
    spec = revisions.get_spec(store, "ledger")
    assert len(approvals.for_spec(store, spec.id, spec.content_hash)) == 1


def test_approval_is_refused_until_every_role_has_approved_then_the_spec_is_approved(
    store: Store, people: dict[str, User]
) -> None:
    _in_review(store, people)
    missing = workflow.check(store, "ledger", "Approved")
    assert [g.reason for g in missing if g.rule == "approval"] == [
        f"no current approval for the role '{role}'" for role in ROLES.values()
    ]
    assert all(g.line is not None for g in missing)
    first = workflow.approve(
        store, "ledger", people["tom"], "Technical Lead", seen=seen(store, "ledger")
    )
    assert first.status == "Review"
    assert first.pending_roles == ["Product Owner", "Security Lead"]
    last = _approve_all(store, people)
    assert last.status == "Approved"
    assert workflow.check(store, "ledger", "Approved") == []


def test_the_approved_document_records_every_decision_and_lints_clean(
    store: Store, people: dict[str, User], tmp_path: Path
) -> None:
    ring = KeyRing.load_or_create(tmp_path / "server.keys")
    store.use_keyring(ring)
    _in_review(store, people)
    _approve_all(store, people)
    text = _current(store)
    spec = parse(text)
    assert spec.status == "Approved"
    signoff = next(t for t in spec.tables if t.columns[:2] == ["Role", "Name"])
    hash_ = content_hash(text)
    for row in signoff.rows:
        assert row[1].text == {v: k for k, v in ROLES.items()}[row[0].text]
        assert row[3].text.startswith(f"approved sha256:{hash_} spec:ledger sig:")
    assert [(c.role, c.verdict) for c in verify_text(text, ring)] == [
        (role, "signed") for role in ROLES.values()
    ]
    review = spec.section("Review & Approval")
    assert review is not None
    assert all(item.checked for sub in review.children for item in sub.checklist)
    errors = [f for f in lint_text(text) if f.severity == "error"]
    assert errors == []


def test_write_back_keeps_approvals_current(store: Store, people: dict[str, User]) -> None:
    _in_review(store, people)
    _approve_all(store, people)
    spec = revisions.get_spec(store, "ledger")
    found = approvals.for_spec(store, spec.id, spec.content_hash)
    assert len(found) == 3
    assert all(a.current for a in found)
    assert len({r.content_hash for r in revisions.history(store, "ledger")}) == 1


def test_a_content_edit_makes_approvals_stale_and_moves_the_spec_back_to_review(
    store: Store, people: dict[str, User]
) -> None:
    _in_review(store, people)
    _approve_all(store, people)
    current = revisions.get_spec(store, "ledger")
    saved = revisions.save(
        store,
        "ledger",
        edited(_current(store), "Scope grew."),
        base=current.current_revision,
        author=people["ada"],
    )
    assert "approvals are stale" in saved.note
    spec = revisions.get_spec(store, "ledger")
    assert spec.status == "Review"
    assert not any(a.current for a in approvals.for_spec(store, spec.id, spec.content_hash))
    assert "approved sha256" not in _current(store)
    missing = workflow.check(store, "ledger", "Approved")
    assert len([g for g in missing if g.rule == "approval"]) == 3


def test_requesting_changes_sends_the_spec_back_to_draft_and_clears_that_sign_off(
    store: Store, people: dict[str, User]
) -> None:
    _in_review(store, people)
    workflow.approve(store, "ledger", people["sue"], "Security Lead", seen=seen(store, "ledger"))
    outcome = workflow.request_changes(
        store,
        "ledger",
        people["sue"],
        "Security Lead",
        "threat model is thin",
        seen=seen(store, "ledger"),
    )
    assert outcome.status == "Draft"
    text = _current(store)
    assert "approved sha256" not in text
    assert "Changes requested as Security Lead by sue: threat model is thin" in text
    workflow.submit(store, "ledger", people["ada"])
    missing = workflow.check(store, "ledger", "Approved")
    assert "no current approval for the role 'Security Lead'" in [g.reason for g in missing]


def test_implementing_with_open_tasks_is_refused_then_allowed_once_they_are_done(
    store: Store, people: dict[str, User]
) -> None:
    _in_review(store, people)
    _approve_all(store, people)
    with pytest.raises(GateRefused) as refused:
        workflow.implement(store, "ledger", people["ada"])
    assert refused.value.target == "Implemented"
    assert {g.rule for g in refused.value.gates} == {"TS403"}
    assert all(g.line for g in refused.value.gates)
    spec = revisions.get_spec(store, "ledger")
    revisions.save(
        store,
        "ledger",
        with_tasks_done(_current(store)),
        base=spec.current_revision,
        author=people["ada"],
    )
    # Ticking off tasks is progress, not a change to the approved content.
    assert revisions.get_spec(store, "ledger").status == "Approved"
    outcome = workflow.implement(store, "ledger", people["ada"])
    assert outcome.status == "Implemented"
    assert parse(_current(store)).status == "Implemented"


def test_only_a_spec_in_approved_can_be_implemented(store: Store, people: dict[str, User]) -> None:
    revisions.create_spec(store, "ledger", with_tasks_done(draft()), author=people["ada"])
    with pytest.raises(InvalidTransition, match="only a spec in Approved"):
        workflow.implement(store, "ledger", people["ada"])


def test_a_reviewer_can_see_what_changed_since_their_approval(
    store: Store, people: dict[str, User]
) -> None:
    _in_review(store, people)
    workflow.approve(store, "ledger", people["sue"], "Security Lead", seen=seen(store, "ledger"))
    spec = revisions.get_spec(store, "ledger")
    revisions.save(
        store,
        "ledger",
        edited(_current(store), "New encryption scheme."),
        base=spec.current_revision,
        author=people["ada"],
    )
    old, new = workflow.approved_text(store, "ledger", people["sue"])
    assert "New encryption scheme." not in old.text
    assert "New encryption scheme." in new.text
    with pytest.raises(UsageError, match="has not approved"):
        workflow.approved_text(store, "ledger", people["tom"])


def test_a_decision_on_a_revision_whose_content_changed_since_is_refused(
    store: Store, people: dict[str, User]
) -> None:
    _in_review(store, people)
    read = revisions.get_revision(store, "ledger")
    revisions.save(
        store, "ledger", edited(read.text, "A late edit."), base=read.number, author=people["ada"]
    )
    for decide in (workflow.approve, workflow.request_changes):
        with pytest.raises(ChangedSinceSeen) as refused:
            decide(store, "ledger", people["tom"], "Technical Lead", seen=Seen(read.number))
        assert (refused.value.seen, refused.value.etag) == (
            read.number,
            revisions.get_revision(store, "ledger").sha256,
        )
    spec = revisions.get_spec(store, "ledger")
    assert approvals.for_spec(store, spec.id, spec.content_hash) == []


def test_a_write_back_since_the_revision_read_is_no_reason_to_refuse(
    store: Store, people: dict[str, User]
) -> None:
    _in_review(store, people)
    read = revisions.get_revision(store, "ledger")
    workflow.approve(store, "ledger", people["pat"], "Product Owner", seen=Seen(read.number))
    outcome = workflow.approve(
        store, "ledger", people["tom"], "Technical Lead", seen=Seen(read.number)
    )
    assert outcome.changed
    assert outcome.revision == read.number + 2


def test_an_etag_of_no_revision_of_the_spec_is_refused(
    store: Store, people: dict[str, User]
) -> None:
    _in_review(store, people)
    with pytest.raises(ChangedSinceSeen, match="since the revision you read"):
        workflow.approve(
            store, "ledger", people["tom"], "Technical Lead", seen=Seen(sha256s=("0" * 64,))
        )
