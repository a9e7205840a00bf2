"""Review requests and inboxes, made from audit events in the transaction that records
them, on SQLite and PostgreSQL: who is asked for a review when a spec is submitted, which
names match nobody, when requests close, who hears of what, and reminders (with a clock
the test sets)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from store_specs import draft, edited, seen

from techspec.store import (
    audit,
    inbox,
    mail_outbox,
    profiles,
    review_asks,
    review_requests,
    revisions,
    webhook_outbox,
    webhook_schema,
    webhooks,
    workflow,
)
from techspec.store.engine import Store
from techspec.store.errors import NotFound
from techspec.store.inbox_schema import inbox_items
from techspec.store.inbox_schema import mail_outbox as outbox_table
from techspec.store.names import names_in
from techspec.store.users import User, add_user

ROLES = {"tom": "Technical Lead", "pat": "Product Owner", "sue": "Security Lead"}


@pytest.fixture
def people(store: Store) -> dict[str, User]:
    found = {name: add_user(store, name, [role]) for name, role in ROLES.items()}
    found["zed"] = add_user(store, "zed", ["Security Lead"])
    found["ada"] = add_user(store, "ada", ["author"])
    found["tomas"] = add_user(store, "tomas", ["Technical Lead"])
    profiles.set_profile(store, "tomas", display_name="Tomás Ferreira")
    return found


def _with_reviewers(text: str, reviewers: str) -> str:
    return text.replace("**Reviewers**: List of reviewers", f"**Reviewers**: {reviewers}", 1)


def _submitted(store: Store, people: dict[str, User], reviewers: str, **kwargs: object) -> str:
    text = _with_reviewers(draft("Payments Ledger", "ada"), reviewers)
    revisions.create_spec(store, "ledger", text, author=people["ada"])
    outcome = workflow.submit(store, "ledger", people["ada"], **kwargs)  # type: ignore[arg-type]
    return " ".join(outcome.notes)


def _kinds(store: Store, user: User) -> list[tuple[str, str]]:
    return [(item.kind, item.summary) for item in inbox.items(store, user.id)]


def test_submitting_asks_the_named_reviewers_and_the_holders_of_each_uncovered_role(
    store: Store, people: dict[str, User]
) -> None:
    notes = _submitted(store, people, "Tomás Ferreira, Ghost Writer", due=date(2030, 1, 31))
    spec = revisions.get_spec(store, "ledger")
    asked = {(r.reviewer, r.role) for r in review_requests.for_spec(store, spec.id)}
    # Tomás is named (by display name) and holds Technical Lead, so tom is not asked for
    # that role; the other roles go to every holder.
    assert asked == {
        ("tomas", None),
        ("pat", "Product Owner"),
        ("sue", "Security Lead"),
        ("zed", "Security Lead"),
    }
    assert "Review requested from tomas, pat (Product Owner)" in notes
    assert "no user is called 'Ghost Writer'" in notes
    assert all(r.due == date(2030, 1, 31) for r in review_requests.for_spec(store, spec.id))
    [item] = inbox.items(store, people["pat"].id)
    assert (
        item.kind == "review"
        and "ada asks for your review of “Technical Specification: Payments Ledger”" in item.summary
    )
    assert item.link == "/specs/ledger" and "due 2030-01-31" in item.summary
    assert inbox.items(store, people["tom"].id) == []
    assert inbox.items(store, people["ada"].id) == []  # nobody hears of what they did


def test_names_in_a_field_leave_out_placeholders_handles_and_remarks() -> None:
    field = "[List of reviewers], @tom; Tomás Ferreira (Technical Lead) & pat and TOM"
    assert names_in(field) == ["tom", "Tomás Ferreira", "pat"]
    assert names_in("a" * 100_000 + "," * 100_000) == ["a" * 100_000]


def test_requests_close_on_a_decision_and_when_the_spec_leaves_review(
    store: Store, people: dict[str, User]
) -> None:
    _submitted(store, people, "tom")
    spec_id = revisions.get_spec(store, "ledger").id
    workflow.approve(store, "ledger", people["tom"], "Technical Lead", seen=seen(store, "ledger"))
    by_name = {r.reviewer: r for r in review_requests.for_spec(store, spec_id)}
    assert by_name["tom"].outcome == "approve" and not by_name["tom"].open
    assert by_name["pat"].open and by_name["sue"].open
    # zed requests changes as Security Lead: sue's request for that role closes too, and
    # the spec going back to Draft closes pat's.
    workflow.request_changes(
        store, "ledger", people["zed"], "Security Lead", "too loose", seen=seen(store, "ledger")
    )
    by_name = {r.reviewer: r for r in review_requests.for_spec(store, spec_id)}
    assert by_name["zed"].outcome == "request-changes"
    assert by_name["sue"].outcome == "request-changes"
    assert by_name["pat"].outcome == "status Draft"
    assert review_requests.outstanding(store, limit=10) == []
    kinds = _kinds(store, people["ada"])
    title = "“Technical Specification: Payments Ledger”"
    assert ("approval", f"zed requested changes on {title} as Security Lead: too loose") in kinds
    assert any(kind == "status" and "from Review to Draft" in text for kind, text in kinds)


def test_owners_and_reviewers_hear_of_new_revisions_and_the_author_of_nothing_they_did(
    store: Store, people: dict[str, User]
) -> None:
    _submitted(store, people, "tom")
    workflow.request_changes(
        store, "ledger", people["tom"], "Technical Lead", "", seen=seen(store, "ledger")
    )
    current = revisions.get_revision(store, "ledger")
    revisions.save(
        store, "ledger", edited(current.text, "More."), base=current.number, author=people["ada"]
    )
    assert _kinds(store, people["tom"])[0][0] == "revision"
    assert _kinds(store, people["pat"])[0][0] == "revision"
    assert not any(kind == "revision" for kind, _ in _kinds(store, people["ada"]))


def test_thread_events_reach_the_mentioned_and_the_other_participants(
    store: Store, people: dict[str, User]
) -> None:
    _submitted(store, people, "tom")
    spec_id = revisions.get_spec(store, "ledger").id
    with store.write() as connection:
        audit.record(
            connection,
            actor="tom",
            action="thread.opened",
            spec_id=spec_id,
            revision=2,
            details={
                "thread_id": 7,
                "kind": "blocking",
                "section": "Scope",
                "quote": "q",
                "author": "tom",
                "mentions": ["pat"],
                "participants": ["tom"],
            },
        )
        audit.record(
            connection,
            actor="sue",
            action="thread.commented",
            spec_id=spec_id,
            revision=2,
            details={
                "thread_id": 7,
                "comment_id": 2,
                "author": "sue",
                "mentions": ["tom"],
                "participants": ["tom", "sue", "ada"],
            },
        )
    pat, ada, tom = (inbox.items(store, people[n].id)[0] for n in ("pat", "ada", "tom"))
    assert pat.kind == "mention" and pat.thread_id == 7 and pat.link == "/specs/ledger#thread-7"
    assert tom.kind == "mention" and "sue mentioned you" in tom.summary  # outranks the reply
    assert ada.kind == "reply"
    assert any(
        i.kind == "thread" and "opened a blocking thread" in i.summary
        for i in inbox.items(store, people["ada"].id)
    )
    assert not any(i.kind == "reply" for i in inbox.items(store, people["sue"].id))


def test_a_user_marks_only_their_own_items_read(store: Store, people: dict[str, User]) -> None:
    _submitted(store, people, "tom")
    pat, sue = people["pat"], people["sue"]
    [item] = inbox.items(store, pat.id)
    with pytest.raises(NotFound):
        inbox.mark_read(store, sue.id, item.id)
    assert inbox.unread_count(store, pat.id) == 1
    assert inbox.mark_read(store, pat.id, item.id).read
    assert inbox.unread_count(store, pat.id) == 0
    assert inbox.items(store, pat.id, unread=True) == []
    assert inbox.unread_count(store, sue.id) == 1
    assert inbox.mark_all_read(store, sue.id) == 1
    assert inbox.unread_count(store, sue.id) == 0


def test_immediate_mail_is_queued_in_the_same_transaction_for_users_with_an_address(
    store: Store, people: dict[str, User]
) -> None:
    profiles.set_profile(store, "pat", email="pat@example.com")
    profiles.set_profile(store, "sue", email="sue@example.com", mail="digest")
    _submitted(store, people, "tom")
    with store.read() as connection:
        rows = connection.execute(sa.select(outbox_table)).all()
        item_user = {r.id: r.user_id for r in connection.execute(sa.select(inbox_items))}
    assert [(r.kind, item_user[r.inbox_item_id]) for r in rows] == [("item", people["pat"].id)]


def test_an_event_that_fails_leaves_no_inbox_item(store: Store, people: dict[str, User]) -> None:
    spec = revisions.create_spec(
        store, "ledger", draft("Payments Ledger", "ada"), author=people["ada"]
    ).spec

    def failing_change() -> None:
        with store.write() as connection:
            audit.record(
                connection,
                actor="ada",
                action="review.requested",
                spec_id=spec.id,
                details={"reviewer": "pat"},
            )
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    assert inbox.items(store, people["pat"].id) == []


def test_reminders_come_after_the_configured_age_and_at_most_once_a_day(
    store: Store, people: dict[str, User]
) -> None:
    _submitted(store, people, "tom")
    start = datetime.now(UTC)
    old = timedelta(days=3)
    assert review_asks.remind(store, at=start + timedelta(days=2), older_than=old) == 0
    later = start + timedelta(days=3, minutes=1)
    assert review_asks.remind(store, at=later, older_than=old) == 4  # tom, pat, sue, zed
    assert review_asks.remind(store, at=later + timedelta(hours=23), older_than=old) == 0
    assert review_asks.remind(store, at=later + timedelta(hours=24), older_than=old) == 4
    reminders = [i for i in inbox.items(store, people["pat"].id) if i.kind == "reminder"]
    assert len(reminders) == 2 and reminders[0].summary == "Reminder: 1 review wait for you"


def test_a_mail_is_leased_to_one_sender_and_retried_after_a_backoff(
    store: Store, people: dict[str, User]
) -> None:
    profiles.set_profile(store, "pat", email="pat@example.test")
    _submitted(store, people, "tom")
    at = datetime.now(UTC) + timedelta(seconds=1)
    [first] = mail_outbox.claim(store, lease_seconds=60, at=at)
    assert mail_outbox.claim(store, lease_seconds=60, at=at) == []  # leased: nobody else
    letter = mail_outbox.letter(store, first)
    assert letter is not None and letter.to == "pat@example.test"
    assert [item.kind for item in letter.items] == ["review"]
    outcome = mail_outbox.record(
        store, first, error="451", max_attempts=3, backoff_seconds=60, at=at
    )
    assert outcome == "retry"
    assert mail_outbox.claim(store, lease_seconds=60, at=at + timedelta(seconds=30)) == []
    [again] = mail_outbox.claim(store, lease_seconds=60, at=at + timedelta(seconds=90))
    assert again.id == first.id and again.attempts == 1
    assert mail_outbox.record(store, again, error="", max_attempts=3, backoff_seconds=60) == "sent"
    assert mail_outbox.states(store) == {"sent": 1}


def test_a_digest_is_queued_once_a_day_with_the_unread_items_since_the_last(
    store: Store, people: dict[str, User]
) -> None:
    profiles.set_profile(store, "pat", email="pat@example.test", mail="digest")
    _submitted(store, people, "tom")
    at = datetime.now(UTC) + timedelta(seconds=1)
    assert mail_outbox.queue_digests(store, at=at) == 1
    assert mail_outbox.queue_digests(store, at=at + timedelta(hours=23)) == 0
    [digest] = mail_outbox.claim(store, lease_seconds=60, at=at)
    assert digest.kind == "digest" and len(digest.item_ids) == 1
    # nothing new and unread: the next day's digest is not sent empty
    assert mail_outbox.queue_digests(store, at=at + timedelta(hours=25)) == 0


def test_review_requests_reach_webhooks_subscribed_to_review_events(
    store: Store, people: dict[str, User]
) -> None:
    webhooks.add(store, "https://hooks.example.test/x", ["review"])
    _submitted(store, people, "tom")
    assert webhook_outbox.fan_out(store) == 4  # tom, pat, sue, zed; not the status change
    with store.read() as connection:
        rows = connection.execute(sa.select(webhook_schema.webhook_outbox)).all()
    payloads = [json.loads(row.payload) for row in rows]
    assert {(p["event"], p["action"]) for p in payloads} == {("review", "review.requested")}
    assert sorted(p["details"]["reviewer"] for p in payloads) == ["pat", "sue", "tom", "zed"]
