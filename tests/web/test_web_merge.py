"""The editor never saves over a change its author has not seen: a save of an older
revision comes back merged (to review, based on the current revision) or with the
sections changed on both sides, each to be chosen; and an edit of an Approved spec says
which approvals it will make stale.  Through the app in process, posting each form as
the page gives it."""

from __future__ import annotations

import html
from html.parser import HTMLParser

from fastapi.testclient import TestClient
from web_client import sign_in
from web_support import REVIEWERS, filled, raw_draft

from techspec.store import revisions, workflow
from techspec.store.engine import Store
from techspec.store.seen import Seen
from techspec.store.users import create_token, find_user


class _Form(HTMLParser):
    """The fields ``form#editor`` would post: hidden inputs, textareas, checked radios."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.inside = False
        self.area: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form" and found.get("id") == "editor":
            self.inside = True
        if not self.inside:
            return
        kind = found.get("type", "")
        if tag == "input" and (kind == "hidden" or (kind == "radio" and "checked" in found)):
            self.fields[found["name"]] = found.get("value", "")
        elif tag == "textarea":
            self.area = found["name"]
            self.fields[self.area] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self.area = None
        elif tag == "form":
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.area is not None:
            self.fields[self.area] += data


def form_of(page: str) -> dict[str, str]:
    parser = _Form()
    parser.feed(page)
    fields = parser.fields
    for name, value in fields.items():
        if name == "text" or name.startswith("edit-"):
            fields[name] = value.removeprefix("\n")  # as a browser drops it
    return fields


def add(text: str, heading: str, line: str) -> str:
    return text.replace(f"{heading}\n", f"{heading}\n\n{line}\n", 1)


def spec(store: Store, slug: str) -> str:
    revisions.create_spec(
        store, slug, filled(raw_draft(slug.title())), author=find_user(store, "ada")
    )
    return f"/specs/{slug}"


def edited_meanwhile(client: TestClient, store: Store, slug: str, theirs: str, mine: str) -> str:
    """Ada opens the editor; meanwhile revision 2 adds 'Theirs.' under ``theirs``; she
    saves 'Mine.' under ``mine``.  Returns the page her save gets."""
    path = spec(store, slug)
    sign_in(client, "ada")
    fields = form_of(client.get(f"{path}/edit").text)
    first = revisions.get_revision(store, slug)
    revisions.save(
        store, slug, add(first.text, theirs, "Theirs."), base=1, author=find_user(store, "bob")
    )
    fields["text"] = add(fields["text"], mine, "Mine.")
    response = client.post(f"{path}/edit", data=fields)
    assert response.status_code == 409
    return response.text


def test_a_save_of_another_section_comes_back_merged_based_on_the_current_revision(
    client: TestClient, store: Store
) -> None:
    page = edited_meanwhile(client, store, "merged", "## Background & Context", "## Scope")
    assert "Merged with revision 2: review, then save" in page
    assert "your changes to <strong>Scope</strong>" in page
    assert "the changes to <strong>Background &amp; Context</strong>" in page
    assert revisions.get_spec(store, "merged").current_revision == 2
    fields = form_of(page)
    assert fields["base"] == "2"
    assert "Mine." in fields["text"] and "Theirs." in fields["text"]
    response = client.post("/specs/merged/edit", data=fields, follow_redirects=False)
    assert response.status_code == 303
    saved = revisions.get_revision(store, "merged")
    assert saved.number == 3
    assert "Mine." in saved.text and "Theirs." in saved.text


def test_saving_again_on_the_conflict_page_keeps_the_other_change(
    client: TestClient, store: Store
) -> None:
    page = edited_meanwhile(client, store, "clash", "## Scope", "## Scope")
    again = client.post("/specs/clash/edit", data=form_of(page))  # the second click
    assert revisions.get_spec(store, "clash").current_revision == 2
    assert again.status_code == 409
    assert "Choose yours, theirs or your own text for every section below." in again.text
    assert "Revision 2 was saved while you edited" in page
    assert "changed on both sides" in page
    fields = form_of(page)
    assert (fields["base"], fields["against"], fields["conflict-0"]) == ("1", "2", "Scope")


def test_a_choice_per_section_gives_the_combined_text_to_review_before_saving(
    client: TestClient, store: Store
) -> None:
    page = edited_meanwhile(client, store, "chosen", "## Scope", "## Scope")
    fields = {**form_of(page), "pick-0": "edit", "edit-0": "## Scope\r\n\r\nBoth of us.\r\n"}
    merged = client.post("/specs/chosen/edit", data=fields)
    assert merged.status_code == 409
    assert "Merged with revision 2" in merged.text
    combined = form_of(merged.text)
    assert combined["base"] == "2"
    assert "## Scope\n\nBoth of us.\n\n### In Scope" in html.unescape(combined["text"])
    assert revisions.get_spec(store, "chosen").current_revision == 2
    client.post("/specs/chosen/edit", data=combined)
    assert "Both of us." in revisions.get_revision(store, "chosen", 3).text


def test_choices_made_against_a_revision_that_is_no_longer_current_are_asked_again(
    client: TestClient, store: Store
) -> None:
    page = edited_meanwhile(client, store, "moved-on", "## Scope", "## Scope")
    current = revisions.get_revision(store, "moved-on")
    revisions.save(store, "moved-on", add(current.text, "## Scope", "Later."), base=2)
    fields = {**form_of(page), "pick-0": "mine"}
    again = client.post("/specs/moved-on/edit", data=fields)
    assert again.status_code == 409
    assert "Revision 3 was saved while you edited" in again.text
    assert form_of(again.text)["against"] == "3"
    assert "Choose yours" not in again.text
    assert revisions.get_spec(store, "moved-on").current_revision == 3


def test_the_editor_of_an_approved_spec_names_the_approvals_a_save_makes_stale(
    client: TestClient, store: Store
) -> None:
    path = spec(store, "signed")
    workflow.submit(store, "signed", find_user(store, "ada"))
    for name, role in REVIEWERS.items():
        number = revisions.get_spec(store, "signed").current_revision
        workflow.approve(store, "signed", find_user(store, name), role, seen=Seen(number))
    sign_in(client, "ada")
    page = client.get(f"{path}/edit").text
    assert "This spec is Approved: saving a change to its content sends it back to Review" in page
    assert "3 approvals of this content would become stale" in page
    for name, role in REVIEWERS.items():
        assert f"<strong>{role}</strong>: {name}, approved" in page
    assert "would become stale" not in client.get(f"{spec(store, 'unsigned')}/edit").text


def test_the_editor_marks_unsaved_text_for_the_prompt_and_a_fresh_one_for_the_draft(
    client: TestClient, store: Store
) -> None:
    path = spec(store, "marks")
    sign_in(client, "ada")
    fresh = client.get(f"{path}/edit").text
    assert 'data-restore="1"' in fresh and "data-dirty" not in fresh
    fields = {**form_of(fresh), "action": "check"}
    fields["text"] = fields["text"] + "\nMore."
    checked = client.post(f"{path}/edit", data=fields).text
    assert "data-dirty" in checked and "data-restore" not in checked


def test_the_api_and_the_web_merge_one_stale_edit_into_the_same_text(
    client: TestClient, store: Store
) -> None:
    page = edited_meanwhile(client, store, "parity", "## Background & Context", "## Scope")
    web = form_of(page)["text"]
    first = revisions.get_revision(store, "parity", 1)
    response = client.put(
        "/api/v1/specs/parity?merge=true",
        content=add(first.text, "## Scope", "Mine.").encode(),
        headers={
            "Authorization": f"Bearer {create_token(store, 'ada')}",
            "Content-Type": "text/markdown",
            "If-Match": f'"{first.sha256}"',
        },
    )
    assert response.status_code == 409
    assert response.json()["content"] == web


def test_an_unchanged_text_of_an_older_revision_comes_back_as_the_current_revision(
    client: TestClient, store: Store
) -> None:
    path = spec(store, "untouched")
    sign_in(client, "ada")
    fields = form_of(client.get(f"{path}/edit").text)
    first = revisions.get_revision(store, "untouched")
    revisions.save(store, "untouched", add(first.text, "## Scope", "Theirs."), base=1)
    page = client.post(f"{path}/edit", data=fields)
    assert page.status_code == 409
    assert "Revision 2 already holds everything your edit changed" in page.text
    assert form_of(page.text)["text"] == revisions.get_revision(store, "untouched").text
    assert "data-dirty" not in page.text
