"""No lost work, in a real browser: two people editing one spec get their edits of
different sections merged (shown before saving) and are asked about the sections both
changed, the second click on that page included; leaving the editor with unsaved text
asks first, and the text comes back as a draft; an Approved spec's editor names the
approvals a save makes stale.  Screenshots go to a temporary directory."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Dialog, expect
from web_support import PHONE, REVIEWERS, Tab, Tabs, filled, raw_draft, sign_in

from techspec.store import revisions, workflow
from techspec.store.engine import Store
from techspec.store.seen import Seen
from techspec.store.users import find_user


def _spec(store: Store, slug: str) -> str:
    text = filled(raw_draft(slug.replace("-", " ").title()))
    revisions.create_spec(store, slug, text, author=find_user(store, "ada"))
    return f"/specs/{slug}/edit"


def _type_under(tab: Tab, heading: str, words: str) -> None:
    """Type ``words`` as a paragraph right after ``heading``, as a person would."""
    area = tab.page.locator("#text")
    text = area.input_value()
    offset = text.index(heading + "\n") + len(heading)
    area.evaluate("(el, at) => el.setSelectionRange(at, at)", offset)
    area.focus()
    area.press_sequentially(f"\n\n{words}")


def _shot(tab: Tab, folder: Path, name: str, *, full_page: bool = True) -> None:
    tab.page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page)


def test_edits_of_different_sections_merge_and_edits_of_one_ask_even_on_a_second_click(
    tabs: Tabs, served_store: Store, tmp_path: Path
) -> None:
    path = _spec(served_store, "two-editors")
    ada, root = tabs.signed_in("ada"), tabs.signed_in("root")
    ada.go(path)
    root.go(path)
    _type_under(root, "## Background & Context", "Root's background.")
    root.page.get_by_role("button", name="Save", exact=True).click()
    expect(root.page.locator(".flash")).to_contain_text("Saved revision 2")

    _type_under(ada, "## Scope", "Ada's scope.")
    ada.page.get_by_role("button", name="Save", exact=True).click()
    merged = ada.page.locator(".alert.merged")
    expect(merged).to_contain_text("Merged with revision 2: review, then save")
    expect(merged).to_contain_text("your changes to Scope")
    text = ada.page.locator("#text").input_value()
    assert "Ada's scope." in text and "Root's background." in text
    assert revisions.get_spec(served_store, "two-editors").current_revision == 2
    _shot(ada, tmp_path, "merged")
    ada.page.get_by_role("button", name="Save", exact=True).click()
    expect(ada.page.locator(".flash")).to_contain_text("Saved revision 3")
    saved = revisions.get_revision(served_store, "two-editors").text
    assert "Ada's scope." in saved and "Root's background." in saved

    ada.go(path)
    root.go(path)
    _type_under(root, "## Scope", "Root's scope.")
    root.page.get_by_role("button", name="Save", exact=True).click()
    expect(root.page.locator(".flash")).to_contain_text("Saved revision 4")
    _type_under(ada, "## Scope", "Ada's second scope.")
    ada.page.get_by_role("button", name="Save", exact=True).click()
    conflict = ada.page.locator(".alert.conflict")
    expect(conflict).to_contain_text("Revision 4 was saved while you edited")
    clash = conflict.locator("fieldset.clash")
    expect(clash.locator(".clash-side.mine pre")).to_contain_text("Ada's second scope.")
    expect(clash.locator(".clash-side.theirs pre")).to_contain_text("Root's scope.")
    _shot(ada, tmp_path, "conflict")
    ada.page.get_by_role("button", name="Save", exact=True).click()  # the second click
    expect(ada.page.locator(".alert.conflict .alert.error")).to_contain_text("Choose yours")
    assert revisions.get_spec(served_store, "two-editors").current_revision == 4
    clash.get_by_label("Write it yourself").check()
    own = clash.get_by_label("Your text for Scope")
    expect(own).to_be_visible()
    own.fill(
        own.input_value().replace("Ada's second scope.", "Ada's second scope.\n\nRoot's scope.")
    )
    ada.page.get_by_role("button", name="Combine and review").click()
    expect(ada.page.locator(".alert.merged")).to_contain_text("Merged with revision 4")
    ada.page.get_by_role("button", name="Save", exact=True).click()
    expect(ada.page.locator(".flash")).to_contain_text("Saved revision 5")
    saved = revisions.get_revision(served_store, "two-editors").text
    assert "Ada's second scope.\n\nRoot's scope." in saved

    phone = tabs.signed_in("ada", viewport=PHONE)
    phone.go(path)
    root.go(path)
    _type_under(root, "## Scope", "Root again.")
    root.page.get_by_role("button", name="Save", exact=True).click()
    expect(root.page.locator(".flash")).to_contain_text("Saved revision 6")
    _type_under(phone, "## Scope", "Ada on the phone.")
    phone.page.get_by_role("button", name="Save", exact=True).click()
    expect(phone.page.locator(".alert.conflict")).to_be_visible()
    _shot(phone, tmp_path, "conflict-phone", full_page=False)
    phone.page.locator(".alert.conflict").screenshot(
        path=str(tmp_path / "conflict-phone-panel.png")
    )


def test_leaving_unsaved_text_asks_first_and_the_draft_comes_back_until_it_is_saved(
    tabs: Tabs, served_store: Store, tmp_path: Path
) -> None:
    path = _spec(served_store, "drafted")
    tab = tabs.signed_in("ada")
    dialogs: list[str] = []
    answer = {"leave": False}

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.type)
        if answer["leave"]:
            dialog.accept()
        else:
            dialog.dismiss()

    tab.page.on("dialog", on_dialog)
    tab.go(path)
    tab.page.get_by_role("link", name="Cancel").click()  # nothing typed: no question
    tab.page.wait_for_url(f"{tab.base}/specs/drafted")
    assert dialogs == []
    tab.go(path)
    _type_under(tab, "## Scope", "Typed, not saved.")
    tab.page.get_by_role("link", name="Cancel").click()
    expect(tab.page.locator("#text")).to_have_value(re.compile("Typed, not saved"))
    assert dialogs == ["beforeunload"]
    assert tab.page.url.endswith("/edit")
    answer["leave"] = True
    tab.page.get_by_role("link", name="Cancel").click()
    tab.page.wait_for_url(f"{tab.base}/specs/drafted")
    assert dialogs == ["beforeunload", "beforeunload"]

    tab.go(path)
    note = tab.page.locator("#draft-note")
    expect(note).to_contain_text("Restored your unsaved draft from")
    expect(note.locator("#draft-older")).to_be_hidden()
    assert "Typed, not saved." in tab.page.locator("#text").input_value()
    _shot(tab, tmp_path, "draft-restored")

    answer["leave"] = True
    tab.page.get_by_role("button", name="Sign out").click()
    sign_in(tab, "root")  # another person in this browser does not get Ada's draft
    tab.go(path)
    expect(tab.page.locator("#text")).not_to_have_value(re.compile("Typed, not saved"))
    expect(note).to_be_hidden()
    tab.page.get_by_role("button", name="Sign out").click()
    sign_in(tab, "ada")

    current = revisions.get_revision(served_store, "drafted")
    later = current.text.replace(
        "## Background & Context\n", "## Background & Context\n\nLater.\n", 1
    )
    revisions.save(served_store, "drafted", later, base=1, author=find_user(served_store, "root"))
    tab.go(path)
    expect(note).to_contain_text("It was based on revision 1")
    assert tab.page.locator("#base").input_value() == "1"
    tab.page.get_by_role("button", name="Save", exact=True).click()
    expect(tab.page.locator(".alert.merged")).to_contain_text("Merged with revision 2")
    tab.page.get_by_role("button", name="Save", exact=True).click()
    expect(tab.page.locator(".flash")).to_contain_text("Saved revision 3")
    saved = revisions.get_revision(served_store, "drafted").text
    assert "Typed, not saved." in saved and "Later." in saved
    tab.go(path)
    expect(tab.page.locator("#text")).to_be_visible()
    expect(note).to_be_hidden()


def test_the_editor_of_an_approved_spec_names_each_approval_a_save_makes_stale(
    tabs: Tabs, served_store: Store, tmp_path: Path
) -> None:
    path = _spec(served_store, "signed-off")
    workflow.submit(served_store, "signed-off", find_user(served_store, "ada"))
    for name, role in REVIEWERS.items():
        number = revisions.get_spec(served_store, "signed-off").current_revision
        workflow.approve(
            served_store, "signed-off", find_user(served_store, name), role, seen=Seen(number)
        )
    tab = tabs.signed_in("ada")
    tab.go(path)
    stake = tab.page.locator(".alert.stake")
    expect(stake).to_contain_text("sends it back to Review")
    for name, role in REVIEWERS.items():
        expect(stake).to_contain_text(f"{role}: {name}, approved")
    _shot(tab, tmp_path, "approved-editor")
    phone = tabs.signed_in("ada", viewport=PHONE)
    phone.go(path)
    expect(phone.page.locator(".alert.stake")).to_be_visible()
    _shot(phone, tmp_path, "approved-editor-phone", full_page=False)
