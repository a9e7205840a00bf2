"""A save based on an older revision is never applied: without ``merge`` it is a
conflict as before; with it, the edit comes back merged (nothing saved) or with the
sections both sides changed, and choices count only against the revision they saw."""

from __future__ import annotations

import re
from datetime import date

import pytest

from techspec.authoring.merge import Pick
from techspec.authoring.scaffold import scaffold
from techspec.lint.template import builtin_template
from techspec.service import specs
from techspec.service.merges import MergeConflict, MergeReady
from techspec.store import revisions, workflow
from techspec.store.engine import Store
from techspec.store.errors import Conflict, PreconditionFailed
from techspec.store.seen import Seen
from techspec.store.users import User, add_user

_SIGNOFF = re.compile(r"\| \[Name\]\s*\| \[Date\]\s*\| \[Approval\]\s*\|")
_PLACEHOLDER = re.compile(r"\[(?! \]|x\])([^\[\]\n]+)\]")
ROLES = {"tom": "Technical Lead", "pat": "Product Owner", "sue": "Security Lead"}


def clean_draft(title: str) -> str:
    """The template's scaffold with every placeholder filled: it lints clean at Review."""
    text = _SIGNOFF.sub("|  |  |  |", scaffold(builtin_template(), title, "ada", date.today()))
    text = _PLACEHOLDER.sub(lambda m: re.sub(r"[^\w -]", "", m.group(1)).strip() or "x", text)
    return text.replace("High/Medium/Low", "Medium")


def add(text: str, heading: str, line: str) -> str:
    return text.replace(f"{heading}\n", f"{heading}\n\n{line}\n", 1)


def two_edits(store: Store, ada: User, theirs_at: str, mine_at: str) -> str:
    """A spec at revision 2 (their edit under ``theirs_at``); returns my edit of
    revision 1 (under ``mine_at``)."""
    revisions.create_spec(store, "ledger", clean_draft("Ledger"), author=ada)
    first = revisions.get_revision(store, "ledger").text
    specs.save(store, ada, "ledger", add(first, theirs_at, "Theirs."), base=1)
    return add(first, mine_at, "Mine.")


def test_without_merge_a_save_of_an_older_revision_is_a_conflict(store: Store, ada: User) -> None:
    mine = two_edits(store, ada, "## Background & Context", "## Scope")
    with pytest.raises(Conflict, match="is at revision 2 but the save was based on revision 1"):
        specs.save(store, ada, "ledger", mine, base=1)
    assert revisions.get_spec(store, "ledger").current_revision == 2


def test_edits_of_different_sections_come_back_merged_and_nothing_is_saved(
    store: Store, ada: User
) -> None:
    mine = two_edits(store, ada, "## Background & Context", "## Scope")
    with pytest.raises(MergeReady, match="merged with those changes") as raised:
        specs.save(store, ada, "ledger", mine, base=1, merge=True)
    ready = raised.value
    current = revisions.get_revision(store, "ledger")
    assert (ready.base, ready.current, ready.etag) == (1, 2, current.sha256)
    assert ready.text == add(mine, "## Background & Context", "Theirs.")
    assert (ready.mine, ready.theirs) == (["Scope"], ["Background & Context"])
    assert current.number == 2
    saved = specs.save(store, ada, "ledger", ready.text, base=ready.current, merge=True)
    kept = revisions.get_revision(store, "ledger", saved.revision).text
    assert "Mine." in kept and "Theirs." in kept


def test_edits_of_one_section_are_a_merge_conflict_naming_it(store: Store, ada: User) -> None:
    mine = two_edits(store, ada, "## Scope", "## Scope")
    with pytest.raises(MergeConflict, match="both changed 'Scope'") as raised:
        specs.save(store, ada, "ledger", mine, base=1, merge=True)
    [section] = raised.value.sections
    assert section.mine is not None and "Mine." in section.mine
    assert section.theirs is not None and "Theirs." in section.theirs
    assert raised.value.current == 2
    assert revisions.get_spec(store, "ledger").current_revision == 2


def test_choices_count_only_against_the_revision_they_were_made_against(
    store: Store, ada: User
) -> None:
    mine = two_edits(store, ada, "## Scope", "## Scope")
    picks = {"Scope": Pick("mine")}
    with pytest.raises(MergeReady) as raised:
        specs.save(store, ada, "ledger", mine, base=1, merge=True, picks=picks, against=2)
    assert "Mine." in raised.value.text and "Theirs." not in raised.value.text
    later = add(revisions.get_revision(store, "ledger").text, "## Scope", "Later.")
    specs.save(store, ada, "ledger", later, base=2)
    with pytest.raises(MergeConflict) as conflict:
        specs.save(store, ada, "ledger", mine, base=1, merge=True, picks=picks, against=2)
    assert conflict.value.current == 3
    assert conflict.value.sections[0].theirs is not None
    assert "Later." in conflict.value.sections[0].theirs


def test_an_if_match_of_an_older_revision_merges_when_asked(store: Store, ada: User) -> None:
    mine = two_edits(store, ada, "## Background & Context", "## Scope")
    older = revisions.get_revision(store, "ledger", 1).sha256
    with pytest.raises(PreconditionFailed):
        specs.save_if_match(store, ada, "ledger", mine, [older])
    with pytest.raises(PreconditionFailed):
        specs.save_if_match(store, ada, "ledger", mine, ["not-a-revision"], merge=True)
    with pytest.raises(MergeReady) as raised:
        specs.save_if_match(store, ada, "ledger", mine, ["other", older], merge=True)
    assert raised.value.etag == revisions.get_revision(store, "ledger").sha256
    saved = specs.save_if_match(store, ada, "ledger", raised.value.text, [raised.value.etag])
    assert saved.revision == 3


def test_the_approvals_an_edit_would_make_stale_are_named_with_the_way_back(
    store: Store, ada: User
) -> None:
    revisions.create_spec(store, "ledger", clean_draft("Ledger"), author=ada)
    assert specs.at_stake(store, ada, "ledger") == specs.AtStake([], None)
    workflow.submit(store, "ledger", ada)
    reviewers = {name: add_user(store, name, [role]) for name, role in ROLES.items()}
    for name in ("tom", "pat"):
        number = revisions.get_spec(store, "ledger").current_revision
        workflow.approve(store, "ledger", reviewers[name], ROLES[name], seen=Seen(number))
    in_review = specs.at_stake(store, ada, "ledger")
    assert [(a.role, a.reviewer) for a in in_review.approvals] == [
        ("Technical Lead", "tom"),
        ("Product Owner", "pat"),
    ]
    assert in_review.back_to is None
    number = revisions.get_spec(store, "ledger").current_revision
    workflow.approve(store, "ledger", reviewers["sue"], ROLES["sue"], seen=Seen(number))
    approved = specs.at_stake(store, ada, "ledger")
    assert revisions.get_spec(store, "ledger").status == "Approved"
    assert [a.reviewer for a in approved.approvals] == ["tom", "pat", "sue"]
    assert approved.back_to == "Review"
