"""Review threads on the spec page, through the app in process: the Discussion card, its
forms, who sees which button, and hostile text rendered inert."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from web_client import sign_in, token
from web_support import filled, raw_draft

from html_dom import Element, dom
from techspec.service import specs, threads, workflow
from techspec.store import revisions
from techspec.store.engine import Store
from techspec.store.users import find_user

LIMIT = "The API allows **100 requests** per second per client."
XSS = '<script>alert(1)</script><img src=x onerror="alert(2)"> [x](javascript:alert(3))'


@pytest.fixture
def ledger(store: Store) -> str:
    text = filled(raw_draft("Rate Limits", "ada")).replace(
        "## Executive Summary\n\n", f"## Executive Summary\n\n{LIMIT}\n\n", 1
    )
    return specs.create(store, find_user(store, "ada"), text, slug="rate-limits").spec.slug


def _as(client: TestClient, name: str) -> TestClient:
    assert sign_in(client, name) == 303
    return client


def _post(client: TestClient, path: str, slug: str, **form: str) -> Any:
    data = {"csrf": token(client, f"/specs/{slug}"), **form}
    return client.post(path, data=data, follow_redirects=False)


def _cards(page: str) -> list[Element]:
    return dom(page).find_all("article", "thread")


def test_a_reviewer_starts_a_thread_from_the_form_and_lands_on_it(
    client: TestClient, store: Store, ledger: str
) -> None:
    _as(client, "tom")
    response = client.post(
        f"/specs/{ledger}/threads",
        data={
            "csrf": token(client, f"/specs/{ledger}"),
            "section": "Executive Summary",
            "quote": "100 requests per second",  # as the page reads it
            "kind": "suggestion",
            "suggestion": "1000 requests per second",
            "body": "Raise it, @ada",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    [thread] = threads.threads_of(store, find_user(store, "tom"), ledger)
    assert response.headers["location"] == f"/specs/{ledger}#thread-{thread.id}"
    assert thread.quote == "**100 requests** per second"
    page = client.get(f"/specs/{ledger}").text
    assert "Thread #1 opened." in page
    [card] = _cards(page)
    assert card.attrs["id"] == f"thread-{thread.id}"
    assert "Suggestion" in card.find("span", "tag").text
    diff = card.find("pre", "diff").text
    assert "**100 requests** per second" in diff and "1000 requests per second" in diff
    assert card.find("div", "comment-body").text == "Raise it, @ada"
    assert "Apply suggestion" not in card.text  # only the spec's owner applies it


def test_the_owner_applies_a_suggestion_in_one_click(
    client: TestClient, store: Store, ledger: str
) -> None:
    tom = find_user(store, "tom")
    posted = threads.open_thread(
        store,
        tom,
        ledger,
        section="Executive Summary",
        quote="100 requests",
        kind="suggestion",
        suggestion="1000 requests",
        body="Raise it",
    )
    _as(client, "ada")
    page = client.get(f"/specs/{ledger}").text
    assert "Apply suggestion" in _cards(page)[0].text
    response = _post(client, f"/threads/{posted.thread.id}/apply", ledger, revision="1")
    assert response.status_code == 303
    assert "**1000 requests** per second" in revisions.get_revision(store, ledger).text
    after = client.get(f"/specs/{ledger}").text
    assert f"Suggestion #{posted.thread.id} applied as revision 2." in after
    assert "Resolved · applied in r2" in _cards(after)[0].text
    folded = _cards(after)[0].find("details", "resolved-body")  # a resolved thread is folded
    assert folded.find("div", "comment-body").text == "Raise it"
    again = _post(client, f"/threads/{posted.thread.id}/apply", ledger, revision="1")
    assert again.status_code == 409


def test_an_outdated_thread_shows_the_text_it_was_made_on_and_the_section_diff(
    client: TestClient, store: Store, ledger: str
) -> None:
    threads.open_thread(
        store,
        find_user(store, "tom"),
        ledger,
        section="Executive Summary",
        quote="per second per client",
        body="Per client or per token?",
    )
    current = revisions.get_revision(store, ledger)
    text = current.text.replace("per second per client", "per second per token")
    specs.save(store, find_user(store, "ada"), ledger, text, base=current.number)
    [card] = _cards(_as(client, "vic").get(f"/specs/{ledger}").text)
    assert "Outdated" in card.text
    assert "Written on revision 1; its quote is not in this section since revision 2." in card.text
    assert card.find("blockquote", "quote").text == "per second per client"
    diff = card.find("pre", "diff")
    removed = [line.text for line in diff.find_all("span", "del")]
    added = [line.text for line in diff.find_all("span", "add")]
    assert any("per client" in line for line in removed)
    assert any("per token" in line for line in added)


def test_a_viewer_reads_threads_without_any_form_and_is_refused_a_post(
    client: TestClient, store: Store, ledger: str
) -> None:
    threads.open_thread(
        store, find_user(store, "tom"), ledger, section="Executive Summary", body="Hello"
    )
    _as(client, "vic")
    page = client.get(f"/specs/{ledger}").text
    assert len(_cards(page)) == 1
    assert 'id="new-thread"' not in page and "Reply" not in _cards(page)[0].text
    assert "Resolve" not in _cards(page)[0].text
    refused = _post(client, f"/specs/{ledger}/threads", ledger, section="Scope", body="x")
    assert refused.status_code == 403
    assert "a viewer may read threads but not open a thread" in refused.text


def test_bad_input_is_an_error_page_naming_the_field(client: TestClient, ledger: str) -> None:
    _as(client, "tom")
    response = _post(
        client,
        f"/specs/{ledger}/threads",
        ledger,
        section="Executive Summary",
        quote="nope",
        body="x",
    )
    assert response.status_code == 422
    message = dom(response.text).find("p", "error-message").text
    assert message.startswith("invalid field 'quote': the quote is not in section")


def test_hostile_comments_render_inert(client: TestClient, store: Store, ledger: str) -> None:
    posted = threads.open_thread(
        store, find_user(store, "tom"), ledger, section="Executive Summary", body=XSS
    )
    threads.comment(store, find_user(store, "ada"), posted.thread.id, f"**bold** {XSS}")
    page = _as(client, "vic").get(f"/specs/{ledger}").text
    [card] = _cards(page)
    for element in card.iter():
        assert element.tag not in ("script", "iframe")
        assert not any(name.startswith("on") for name in element.attrs), element
        assert not element.attrs.get("href", "").lower().startswith("javascript")
    bodies = card.find_all("div", "comment-body")
    assert bodies[1].find("strong").text == "bold"
    assert not re.search(r"<script>alert", page)


def test_approving_with_a_comment_on_the_page_opens_a_thread(
    client: TestClient, store: Store, ledger: str
) -> None:
    workflow.submit(store, find_user(store, "ada"), ledger)
    _as(client, "tom")
    number = str(revisions.get_revision(store, ledger).number)
    response = _post(
        client,
        f"/specs/{ledger}/approve",
        ledger,
        role="Technical Lead",
        revision=number,
        comment="Looks right",
    )
    assert response.status_code == 303
    [card] = _cards(client.get(f"/specs/{ledger}").text)
    assert card.find("div", "comment-body").text == "Approved as Technical Lead: Looks right"
