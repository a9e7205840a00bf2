"""The web UI as a newcomer meets it, through the app in process: a decision that is
done says so, messages one at a time, step addresses that lead back to the spec, a
diff page with a useful default, links in the text, and new specs named and numbered
as everywhere else, with a word before a second spec of one title."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from web_client import sign_in, token
from web_support import filled, raw_draft

from html_dom import dom
from techspec.store import revisions, workflow
from techspec.store.engine import Store
from techspec.store.users import find_user


def _in_review(store: Store, slug: str, words: str = "") -> str:
    ada = find_user(store, "ada")
    text = filled(raw_draft(slug.replace("-", " ").title()))
    if words:
        text = text.replace("## Executive Summary\n\n", f"## Executive Summary\n\n{words}\n\n", 1)
    revisions.create_spec(store, slug, text, author=ada)
    workflow.submit(store, slug, ada)
    return f"/specs/{slug}"


def _approve(client: TestClient, store: Store, path: str, slug: str, role: str) -> str:
    form = {
        "csrf": token(client, path),
        "role": role,
        "revision": str(revisions.get_revision(store, slug).number),
    }
    return client.post(f"{path}/approve", data=form).text


def test_after_approving_the_button_gives_way_to_a_note(client: TestClient, store: Store) -> None:
    path = _in_review(store, "approve-once")
    sign_in(client, "tom")
    assert "Approve as Technical Lead" in client.get(path).text
    page = _approve(client, store, path, "approve-once", "Technical Lead")
    assert "Approve as Technical Lead" not in page
    assert "You approved this revision as Technical Lead." in page
    assert "Request changes as Technical Lead" in page  # changing one's mind stays possible


def test_flash_messages_are_separate_messages(client: TestClient, store: Store) -> None:
    path = _in_review(store, "two-messages")
    sign_in(client, "tom")
    page = _approve(client, store, path, "two-messages", "Technical Lead")
    flashes = [p.text for p in dom(page).find_all("p", "flash")]
    assert flashes == ["Approved as Technical Lead by tom.", "Status: Review."]


def test_a_step_address_opened_as_a_page_leads_to_the_spec(
    client: TestClient, store: Store
) -> None:
    path = _in_review(store, "step-address")
    sign_in(client, "ada")
    for step in ("submit", "implement", "approve", "request-changes"):
        response = client.get(f"{path}/{step}", follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, path)


def test_head_answers_as_get_does(client: TestClient) -> None:
    assert client.head("/", follow_redirects=False).status_code == 303  # sign in first
    sign_in(client, "ada")
    got, head = client.get("/"), client.head("/")
    assert (got.status_code, head.status_code) == (200, 200)
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]


def test_the_diff_page_without_revisions_shows_the_latest_change(
    client: TestClient, store: Store
) -> None:
    sign_in(client, "ada")
    path = _in_review(store, "latest-change")  # r1 Draft, r2 Review
    page = client.get(f"{path}/diff")
    assert page.status_code == 200, page.text
    assert "Revision 1 → 2" in page.text
    only = client.get("/specs/0001-payments-ledger/diff?to=1")
    assert only.status_code == 200
    assert "Revision 1 → 1" in only.text


def test_bare_urls_become_links_and_file_names_stay_text(client: TestClient, store: Store) -> None:
    words = (
        "The runbook is at https://wiki.example.com/ledger/runbook and the contact is "
        "ops@example.com. See README.md; javascript:alert(1) is no link."
    )
    path = _in_review(store, "with-links", words)
    sign_in(client, "ada")
    body = dom(client.get(path).text).find("article")
    links = {a.attrs["href"]: a.text for a in body.find_all("a")}
    assert links["https://wiki.example.com/ledger/runbook"].replace(" ", "") == (
        "https://wiki.example.com/ledger/runbook"
    )
    assert links["mailto:ops@example.com"] == "ops@example.com"
    assert not [href for href in links if "README" in href or "javascript" in href]


def test_a_new_spec_is_numbered_and_its_slug_transliterated(client: TestClient) -> None:
    sign_in(client, "ada")
    form = {"csrf": token(client, "/new"), "title": "Ünïcödé Straße"}
    response = client.post("/new", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/specs/0004-unicode-strasse"  # after 0001-0003


def test_a_title_that_exists_is_said_with_a_link_before_another_is_made(
    client: TestClient, store: Store
) -> None:
    sign_in(client, "ada")
    form = {"csrf": token(client, "/new"), "title": "payments ledger service"}
    asked = client.post("/new", data=form, follow_redirects=False)
    assert asked.status_code == 409
    notice = dom(asked.text).find("div", "same-title")
    assert "A spec with this title already exists" in notice.text
    assert [a.attrs["href"] for a in notice.find_all("a")] == ["/specs/0001-payments-ledger"]
    assert 'name="another" value="1"' in asked.text
    assert len(revisions.current_specs(store)) == 3  # nothing made yet

    again = client.post("/new", data={**form, "another": "1"}, follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"] == "/specs/0004-payments-ledger-service"


def test_error_pages_speak_to_the_person_reading_them(client: TestClient) -> None:
    sign_in(client, "vic")
    missing = client.get("/specs/nothing-here")
    assert missing.status_code == 404
    assert "techspec list" not in missing.text
    refused = client.get("/new")
    assert refused.status_code == 403
    message = dom(refused.text).find("p", "error-message").text
    assert (
        message == "only an author or an admin may create specs; you (vic) hold the role 'viewer'"
    )
    assert not re.search(r"holds roles", refused.text)
