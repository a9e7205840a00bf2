"""The document never claims more than the store holds: on both engines, an edit may not
write the workflow's parts, an import that did gets the store's record written back over
them, an edit that makes approvals stale leaves no signature of them in the Markdown or
its export, and the demo's Approved spec shows exactly the approvals the store holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_specs import draft, edited, held, seen, signed_rows, with_tasks_done

from techspec.document.parser import parse
from techspec.lint.linter import lint_text
from techspec.service.demo import seed
from techspec.store import importer, revisions, workflow
from techspec.store.engine import Store
from techspec.store.errors import ManagedPartEdited
from techspec.store.users import User, add_user

ROLES = {"tom": "Technical Lead", "pat": "Product Owner", "sue": "Security Lead"}


@pytest.fixture
def people(store: Store) -> dict[str, User]:
    found = {name: add_user(store, name, [role]) for name, role in ROLES.items()}
    found["ada"] = add_user(store, "ada", ["author"])
    return found


def _in_review(store: Store, people: dict[str, User], text: str | None = None) -> None:
    revisions.create_spec(store, "ledger", text or draft(), author=people["ada"])
    workflow.submit(store, "ledger", people["ada"])


def _approve(store: Store, people: dict[str, User], *names: str) -> workflow.Outcome:
    outcome = None
    for name in names:
        outcome = workflow.approve(
            store, "ledger", people[name], ROLES[name], seen=seen(store, "ledger")
        )
    assert outcome is not None
    return outcome


def _text(store: Store) -> str:
    return revisions.get_revision(store, "ledger").text


def _save(store: Store, people: dict[str, User], text: str) -> str:
    base = revisions.get_spec(store, "ledger").current_revision
    return revisions.save(store, "ledger", text, base=base, author=people["ada"]).note


@pytest.mark.parametrize(
    ("old", "new", "part"),
    [
        ("| Technical Lead | tom |", "| Technical Lead | The CTO |", "the Name of the sign-off"),
        ("| Security Lead  |  |", "| Security Lead  | sue |", "the Name of the sign-off row"),
        ("- [ ] Security review completed", "- [x] Security review completed", "review item"),
        ("Approved as Technical Lead by tom", "Approved as CTO by tom", "Document History row"),
    ],
)
def test_an_edit_of_a_managed_part_is_refused_naming_it_and_nothing_is_stored(
    store: Store, people: dict[str, User], old: str, new: str, part: str
) -> None:
    _in_review(store, people)
    _approve(store, people, "tom")
    before = revisions.get_spec(store, "ledger").current_revision
    text = _text(store)
    assert old in text
    with pytest.raises(ManagedPartEdited, match=part) as refused:
        _save(store, people, text.replace(old, new, 1))
    assert (refused.value.exit_code, refused.value.http_status) == (3, 409)
    assert revisions.get_spec(store, "ledger").current_revision == before


def test_a_new_review_item_must_be_written_unticked_and_a_new_sign_off_row_blank(
    store: Store, people: dict[str, User]
) -> None:
    _in_review(store, people)
    text = _text(store)
    anchor = "- [ ] Security review completed\n"
    with pytest.raises(ManagedPartEdited, match="'Legal review completed'"):
        _save(store, people, text.replace(anchor, anchor + "- [x] Legal review completed\n"))
    signed_row = "| Security Lead  |  |  |  |\n| CTO | Grace | 2026-12-01 | approved |\n"
    with pytest.raises(ManagedPartEdited, match="sign-off row 'CTO'"):
        _save(store, people, text.replace("| Security Lead  |  |  |  |\n", signed_row))
    _save(store, people, text.replace(anchor, anchor + "- [ ] Legal review completed\n"))
    assert "- [ ] Legal review completed" in _text(store)


def test_a_stale_approval_leaves_no_signature_in_the_markdown_or_the_export(
    store: Store, people: dict[str, User], tmp_path: Path
) -> None:
    _in_review(store, people)
    _approve(store, people, "tom", "sue")
    assert set(signed_rows(_text(store))) == {"Technical Lead", "Security Lead"}
    note = _save(store, people, edited(_text(store), "Scope grew."))
    assert note == (
        "content changed: approvals stale, sign-offs cleared (Technical Lead, Security Lead)"
    )
    current = revisions.get_revision(store, "ledger")
    assert (current.kind, current.status) == ("workflow", "Review")
    assert current.message.startswith("Workflow update after r5: content changed, approvals")
    assert signed_rows(current.text) == {} == held(store)
    exported = importer.export_dir(store, tmp_path / "out")
    text = exported[0].read_text("utf-8")
    assert "Scope grew." in text and "approved sha256" not in text
    assert [f for f in lint_text(text) if f.severity != "info"] == []


def test_an_edit_of_an_approved_spec_unticks_the_review_and_goes_back_to_review(
    store: Store, people: dict[str, User]
) -> None:
    _in_review(store, people)
    assert _approve(store, people, *ROLES).status == "Approved"
    _save(store, people, edited(_text(store), "Later."))
    text = _text(store)
    review = text[text.index("## Review & Approval") : text.index("### Sign-off")]
    assert "- [x]" not in review and "- [ ]" in review
    assert parse(text).status == "Review"
    assert signed_rows(text) == {} == held(store)


def test_an_edit_of_an_implemented_spec_goes_back_to_review_too(
    store: Store, people: dict[str, User]
) -> None:
    _in_review(store, people, with_tasks_done(draft()))
    _approve(store, people, *ROLES)
    assert workflow.implement(store, "ledger", people["ada"]).status == "Implemented"
    note = _save(store, people, edited(_text(store), "Later."))
    assert note == "content changed after approval: approvals are stale, back to Review"
    assert revisions.get_spec(store, "ledger").status == "Review"
    assert [f for f in lint_text(_text(store)) if f.severity == "error"] == []


def test_content_brought_back_to_what_was_approved_is_signed_again_and_can_be_approved(
    store: Store, people: dict[str, User]
) -> None:
    _in_review(store, people)
    _approve(store, people, *ROLES)
    approved_text = _text(store)
    _save(store, people, edited(approved_text, "A detour."))
    assert held(store) == {}
    _save(store, people, _text(store).replace("A detour.\n\n", "", 1))
    text = _text(store)
    assert signed_rows(text) == held(store)
    assert set(held(store)) == set(ROLES.values())
    assert parse(text).status == "Review"  # the workflow moves status only by its steps
    outcome = _approve(store, people, "tom")
    assert outcome.status == "Approved"
    assert [f for f in lint_text(_text(store)) if f.severity == "error"] == []


def test_an_import_that_changed_managed_parts_gets_the_store_record_written_back(
    store: Store, people: dict[str, User]
) -> None:
    _in_review(store, people)
    _approve(store, people, "tom")
    text = _text(store)
    forged = text.replace("| Technical Lead | tom |", "| Technical Lead | The CTO |")
    forged = forged.replace(
        "| Security Lead  |  |  |  |", "| Security Lead  | Eve | 2026-12-01 | ok |"
    )
    forged += "| 1.0 | 2026-12-01 | eve | Approved as Security Lead by eve |\n"
    forged = forged.replace("**Status**: Review", "**Status**: Approved")
    base = revisions.get_spec(store, "ledger").current_revision
    saved = revisions.save(store, "ledger", forged, base=base, kind="import")
    assert saved.note.startswith("the file changed parts only the workflow writes (the Status")
    assert "the Name of the sign-off row 'Technical Lead'" in saved.note
    assert saved.revision == base + 2
    assert revisions.get_revision(store, "ledger", base + 1).text == forged  # the file, kept
    restored = _text(store)
    assert (
        signed_rows(restored)
        == held(store)
        == {"Technical Lead": ("tom", held(store)["Technical Lead"][1])}
    )
    assert "by eve" not in restored and parse(restored).status == "Review"
    assert [f for f in lint_text(restored) if f.severity != "info"] == []


def test_an_import_of_an_approved_file_edited_outside_makes_its_signatures_go(
    store: Store, people: dict[str, User], tmp_path: Path
) -> None:
    _in_review(store, people)
    _approve(store, people, *ROLES)
    path = tmp_path / "ledger.md"
    path.write_text(edited(_text(store), "Edited in git."), "utf-8")
    imported = importer.import_file(store, path)
    assert imported.reason == "content changed after approval: approvals are stale, back to Review"
    assert signed_rows(_text(store)) == {} == held(store)


def test_the_demo_approved_spec_shows_exactly_the_approvals_the_store_holds(store: Store) -> None:
    assert seed(store) is not None
    for slug in ("0001-payments-ledger", "0002-search-reindexing", "0003-broken-notifications"):
        text = revisions.get_revision(store, slug).text
        assert signed_rows(text) == held(store, slug)
        assert not [f for f in lint_text(text) if f.rule in ("TS404", "TS501", "TS502")]
    approved = revisions.get_spec(store, "0001-payments-ledger")
    assert approved.status == "Approved"
    assert set(held(store, "0001-payments-ledger")) == {
        "Technical Lead",
        "Product Owner",
        "Security Lead",
    }
    notifications = revisions.get_revision(store, "0003-broken-notifications").text
    assert "- [x] Architecture review completed" not in notifications
