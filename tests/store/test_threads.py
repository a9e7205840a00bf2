"""Review threads through the application layer, on SQLite and PostgreSQL: anchored to a
section and a quote, re-anchored on every revision, suggestions applied as revisions,
blocking concerns as a gate of Approved, and who may do which."""

from __future__ import annotations

import pytest
from store_specs import draft, seen

from techspec.errors import InputError, UsageError
from techspec.service import specs, threads, workflow
from techspec.service.permissions import CONSOLE
from techspec.store import audit, revisions
from techspec.store.engine import Store
from techspec.store.errors import Conflict, Forbidden, GateRefused
from techspec.store.thread_text import MAX_BODY
from techspec.store.threads import Thread
from techspec.store.users import User, add_user

LIMIT = "The API allows **100 requests** per second per client."
SUMMARY = "Executive Summary"
ROLES = {"tom": "Technical Lead", "pat": "Product Owner", "sue": "Security Lead"}


@pytest.fixture
def people(store: Store) -> dict[str, User]:
    found = {name: add_user(store, name, [role]) for name, role in ROLES.items()}
    found["ada"] = add_user(store, "ada", ["author"])
    found["bob"] = add_user(store, "bob", ["author"])
    found["vic"] = add_user(store, "vic", ["viewer"])
    return found


@pytest.fixture
def ledger(store: Store, people: dict[str, User]) -> str:
    """A Draft by ada whose Executive Summary states a rate limit."""
    specs.create(store, people["ada"], draft(author="ada", words=LIMIT), slug="ledger")
    return "ledger"


def _save(store: Store, user: User, change: tuple[str, str]) -> int:
    current = revisions.get_revision(store, "ledger")
    assert change[0] in current.text
    text = current.text.replace(change[0], change[1], 1)
    return specs.save(store, user, "ledger", text, base=current.number).revision


def _thread(store: Store, user: User, **fields: str) -> Thread:
    body = fields.pop("body", "Is this enough?")
    section = fields.pop("section", SUMMARY)
    return threads.open_thread(store, user, "ledger", section=section, body=body, **fields).thread


# -- opening -----------------------------------------------------------------------------


def test_a_thread_is_anchored_to_a_section_and_a_quote_of_the_current_revision(
    store: Store, people: dict[str, User], ledger: str
) -> None:
    posted = threads.open_thread(
        store, people["tom"], ledger, section=SUMMARY, quote="per second", body="Too low?"
    )
    thread = posted.thread
    assert (thread.section, thread.quote, thread.kind, thread.status) == (
        SUMMARY,
        "per second",
        "comment",
        "open",
    )
    assert thread.revision == 1 and not thread.outdated
    assert [(c.author, c.body) for c in thread.comments] == [("tom", "Too low?")]
    event = audit.events(store)[-1]
    assert event.action == "thread.opened"
    assert event.details == {
        "thread_id": thread.id,
        "kind": "comment",
        "section": SUMMARY,
        "quote": "per second",
        "author": "tom",
        "mentions": [],
        "participants": ["tom"],
    }


def test_text_selected_on_the_rendered_page_is_stored_as_the_markdown_it_came_from(
    store: Store, people: dict[str, User], ledger: str
) -> None:
    """The page shows ``100 requests per second``; the source has ``**100 requests**``."""
    thread = _thread(store, people["tom"], quote="allows 100 requests per\n second")
    assert thread.quote == "allows **100 requests** per second"


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"section": "Nowhere"}, "section", "has no section 'Nowhere'"),
        ({"quote": "1000 requests"}, "quote", "not in section 'Executive Summary'"),
        ({"body": " \n "}, "body", "needs some text"),
        ({"body": "x" * (MAX_BODY + 1)}, "body", "over the limit"),
        ({"kind": "rant"}, "kind", "not one of comment, suggestion, blocking"),
        ({"kind": "suggestion", "suggestion": "x"}, "quote", "replaces a quote"),
        ({"kind": "suggestion", "quote": "per second"}, "suggestion", "needs replacement"),
        ({"suggestion": "x"}, "suggestion", "only a suggestion"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    store: Store,
    people: dict[str, User],
    ledger: str,
    fields: dict[str, str],
    field: str,
    says: str,
) -> None:
    with pytest.raises(InputError, match=f"invalid field '{field}'.*{says}"):
        _thread(store, people["tom"], **fields)
    assert threads.threads_of(store, people["tom"], ledger) == []


def test_mentions_name_known_users_and_report_unknown_names(
    store: Store, people: dict[str, User], ledger: str
) -> None:
    posted = threads.open_thread(
        store,
        people["tom"],
        ledger,
        section=SUMMARY,
        body="@Ada, @pat. and @ghost: see mail@example.com and @@sue",
    )
    assert posted.mentions == ["ada", "pat"]
    assert posted.unknown == ["ghost"]
    assert audit.events(store)[-1].details["mentions"] == ["ada", "pat"]


def test_replies_record_their_mentions_and_the_participants(
    store: Store, people: dict[str, User], ledger: str
) -> None:
    thread = _thread(store, people["tom"])
    threads.comment(store, people["ada"], thread.id, "Good point @sue")
    posted = threads.comment(store, people["pat"], thread.id, "Agreed")
    assert [c.author for c in posted.thread.comments] == ["tom", "ada", "pat"]
    events = [e for e in audit.events(store) if e.action == "thread.commented"]
    assert events[0].details["mentions"] == ["sue"]
    assert events[1].details == {
        "thread_id": thread.id,
        "comment_id": posted.thread.comments[-1].id,
        "author": "pat",
        "mentions": [],
        "participants": ["tom", "ada", "pat"],
    }


# -- re-anchoring ------------------------------------------------------------------------


def test_a_thread_stays_attached_when_its_section_and_quote_survive_an_edit(
    store: Store, people: dict[str, User], ledger: str
) -> None:
    thread = _thread(store, people["tom"], quote="per second")
    _save(store, people["ada"], (LIMIT, "Some context first.\n\n" + LIMIT))
    again = threads.thread(store, people["tom"], thread.id)
    assert not again.outdated and again.anchored_text is None


@pytest.mark.parametrize(
    "change",
    [
        ("**100 requests** per second", "**1000 requests** per second"),  # quote changed
        (LIMIT, "No limit."),  # quote gone
    ],
)
def test_a_thread_whose_quote_changed_or_went_is_outdated_with_the_text_it_was_made_on(
    store: Store, people: dict[str, User], ledger: str, change: tuple[str, str]
) -> None:
    thread = _thread(store, people["tom"], quote="100 requests** per second")
    number = _save(store, people["ada"], change)
    again = threads.thread(store, people["tom"], thread.id)
    assert again.outdated_revision == number
    assert again.anchored_revision == number - 1
    assert again.anchored_text is not None and LIMIT in again.anchored_text
    assert again.anchored_text.startswith("## Executive Summary")
    diff = threads.diffs(store, people["vic"], [again])[thread.id]
    assert f"-{LIMIT}\n+{LIMIT.replace(*change)}\n" in diff
    event = audit.events(store, spec_id=again.spec_id)[-2]
    assert (event.action, event.actor) == ("thread.outdated", "ada")
    assert event.details == {"thread_id": thread.id, "participants": ["tom"]}


def test_a_thread_on_a_section_that_was_renamed_is_outdated(
    store: Store, people: dict[str, User], ledger: str
) -> None:
    thread = _thread(store, people["tom"], section="Background & Context/Problem Statement")
    untouched = _thread(store, people["tom"])  # no quote: attached while its section is there
    _save(store, people["ada"], ("### Problem Statement", "### The Problem"))
    assert threads.thread(store, people["tom"], thread.id).outdated
    assert not threads.thread(store, people["tom"], untouched.id).outdated


def test_resolved_threads_are_not_re_anchored_but_reopening_checks_the_anchor(
    store: Store, people: dict[str, User], ledger: str
) -> None:
    thread = _thread(store, people["tom"], quote="per second")
    threads.resolve(store, people["tom"], thread.id)
    _save(store, people["ada"], ("per second", "per minute"))
    assert not threads.thread(store, people["tom"], thread.id).outdated
    reopened = threads.reopen(store, people["tom"], thread.id)
    assert reopened.status == "open" and reopened.outdated
    assert (reopened.outdated_revision, reopened.anchored_revision) == (2, 1)
    assert reopened.anchored_text is not None and "per second" in reopened.anchored_text
    actions = [e.action for e in audit.events(store)[-2:]]
    assert actions == ["thread.reopened", "thread.outdated"]


# -- suggestions -------------------------------------------------------------------------


def test_applying_a_suggestion_saves_a_revision_and_resolves_the_thread(
    store: Store, people: dict[str, User], ledger: str
) -> None:
    thread = _thread(
        store, people["tom"], kind="suggestion", quote="100 requests", suggestion="1000 requests"
    )
    saved, applied = threads.apply(store, people["ada"], thread.id)
    text = revisions.get_revision(store, ledger).text
    assert saved.revision == 2
    assert "The API allows **1000 requests** per second" in text
    assert (applied.status, applied.applied_revision, applied.resolved_by) == ("resolved", 2, "ada")
    assert not applied.outdated  # resolved before the save re-anchored open threads
    history = revisions.history(store, ledger)
    assert history[-1].author == "ada"
    assert history[-1].message == f"Applied suggestion #{thread.id} by tom"
    event = next(e for e in audit.events(store) if e.action == "suggestion.applied")
    assert event.details == {
        "thread_id": thread.id,
        "revision": 2,
        "author": "ada",
        "participants": ["tom"],
    }


def test_a_stale_suggestion_is_refused_and_nothing_is_saved(
    store: Store, people: dict[str, User], ledger: str
) -> None:
    thread = _thread(
        store, people["tom"], kind="suggestion", quote="100 requests", suggestion="1000 requests"
    )
    _save(store, people["ada"], ("**100 requests**", "**200 requests**"))
    with pytest.raises(Conflict, match="is stale: its quote is no longer in section") as refused:
        threads.apply(store, people["ada"], thread.id)
    assert refused.value.http_status == 409 and refused.value.exit_code == 3
    assert revisions.get_spec(store, ledger).current_revision == 2


def test_a_suggestion_is_applied_to_the_revision_named_and_only_once(
    store: Store, people: dict[str, User], ledger: str
) -> None:
    thread = _thread(
        store, people["tom"], kind="suggestion", quote="per second", suggestion="per minute"
    )
    _save(store, people["ada"], ("## Executive Summary\n", "## Executive Summary\n\nHello.\n"))
    with pytest.raises(
        Conflict, match="at revision 2 but the suggestion was applied to revision 1"
    ):
        threads.apply(store, people["ada"], thread.id, base=1)
    threads.apply(store, people["ada"], thread.id, base=2)
    with pytest.raises(Conflict, match="is resolved"):
        threads.apply(store, people["ada"], thread.id)
    assert revisions.get_spec(store, ledger).current_revision == 3


# -- blocking concerns -------------------------------------------------------------------


def test_an_open_blocking_concern_keeps_the_spec_from_approved_until_resolved(
    store: Store, people: dict[str, User], ledger: str
) -> None:
    concern = _thread(store, people["sue"], kind="blocking", body="No threat model")
    workflow.submit(store, people["ada"], ledger)
    outcome = None
    for name, role in ROLES.items():
        outcome = workflow.decide(
            store, people[name], ledger, "approve", role, seen=seen(store, ledger)
        )
    assert outcome is not None and outcome.status == "Review"
    reason = (
        f"blocking concern #{concern.id} by sue on '{SUMMARY}' is open: it must be resolved first"
    )
    assert [gate.reason for gate in outcome.gates] == [reason]
    with pytest.raises(GateRefused) as refused:
        workflow.transition(store, people["ada"], ledger, "Approved")
    assert [gate.reason for gate in refused.value.gates] == [reason]
    threads.resolve(store, people["sue"], concern.id)
    again = workflow.decide(
        store, people["tom"], ledger, "approve", "Technical Lead", seen=seen(store, ledger)
    )
    assert again.status == "Approved"


def test_decision_comments_become_threads_and_a_change_request_a_blocking_concern(
    store: Store, people: dict[str, User], ledger: str
) -> None:
    workflow.submit(store, people["ada"], ledger)
    workflow.decide(
        store, people["pat"], ledger, "approve", None, "Fine by me", seen=seen(store, ledger)
    )
    workflow.decide(
        store,
        people["tom"],
        ledger,
        "request_changes",
        None,
        "The limit is too low",
        seen=seen(store, ledger),
    )
    found = threads.threads_of(store, people["vic"], ledger)
    assert [(t.kind, t.author, t.body) for t in found] == [
        ("comment", "pat", "Approved as Product Owner: Fine by me"),
        ("blocking", "tom", "Changes requested as Technical Lead: The limit is too low"),
    ]
    assert {t.section for t in found} == {"Review & Approval/Sign-off"}
    assert not any(t.outdated for t in found)


# -- permissions -------------------------------------------------------------------------


def test_a_viewer_reads_threads_but_may_not_write(
    store: Store, people: dict[str, User], ledger: str
) -> None:
    thread = _thread(store, people["tom"])
    assert [t.id for t in threads.threads_of(store, people["vic"], ledger)] == [thread.id]
    with pytest.raises(Forbidden, match="a viewer may read threads but not open a thread"):
        _thread(store, people["vic"])
    with pytest.raises(Forbidden, match="a viewer may read threads but not reply"):
        threads.comment(store, people["vic"], thread.id, "me too")


def test_only_the_specs_owner_applies_a_suggestion(
    store: Store, people: dict[str, User], ledger: str
) -> None:
    thread = _thread(
        store, people["tom"], kind="suggestion", quote="per second", suggestion="per minute"
    )
    for name in ("tom", "bob"):
        with pytest.raises(
            Forbidden, match=r"only the spec's owner .* may apply a suggestion to spec 'ledger'"
        ):
            threads.apply(store, people[name], thread.id)
    assert revisions.get_spec(store, ledger).current_revision == 1


def test_only_the_threads_author_or_the_specs_owner_resolves_or_reopens(
    store: Store, people: dict[str, User], ledger: str
) -> None:
    thread = _thread(store, people["tom"])
    for name in ("pat", "bob", "vic"):
        with pytest.raises(Forbidden, match=r"only the thread's author \(tom\) or the spec's"):
            threads.resolve(store, people[name], thread.id)
    assert threads.resolve(store, people["tom"], thread.id).resolved_by == "tom"
    assert threads.resolve(store, people["tom"], thread.id).status == "resolved"  # twice: same
    assert threads.reopen(store, people["ada"], thread.id).status == "open"
    settled = [e.action for e in audit.events(store) if e.action.startswith("thread.re")]
    assert settled == ["thread.resolved", "thread.reopened"]


def test_the_console_names_the_person_who_writes(store: Store, ledger: str) -> None:
    with pytest.raises(UsageError, match="name the user who is to open a thread"):
        threads.open_thread(store, CONSOLE, ledger, section=SUMMARY, body="hi")
