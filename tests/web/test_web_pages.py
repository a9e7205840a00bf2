"""Every page through the app in process: what it shows, who may see it, and how each
refusal is explained (404, 403, 409)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from web_client import sign_in, token
from web_support import filled, raw_draft

from techspec.store import revisions, workflow
from techspec.store.engine import Store
from techspec.store.users import add_user, find_user

LEDGER = "/specs/0001-payments-ledger"
BROKEN = "/specs/0003-broken-notifications"


def _draft(store: Store, slug: str, *, clean: bool = True, review: bool = False) -> str:
    ada = find_user(store, "ada")
    text = raw_draft(slug.replace("-", " ").title())
    revisions.create_spec(store, slug, filled(text) if clean else text, author=ada)
    if review:
        workflow.submit(store, slug, ada)
    return f"/specs/{slug}"


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/", "Dashboard"),
        ("/specs", "Specs"),
        ("/specs?q=ledger&sort=title", "Specs"),
        (LEDGER, "Payments Ledger Service"),
        (f"{LEDGER}/edit", "Payments Ledger Service"),
        (f"{LEDGER}/history", "History"),
        (f"{LEDGER}/diff?from=1&to=1", "Revision 1 → 1"),
        ("/audit", "Audit log"),
        ("/templates", "Templates"),
        ("/templates/technical-spec", "technical-spec"),
        ("/new", "New spec"),
    ],
)
def test_each_page_renders_for_an_admin(client: TestClient, path: str, heading: str) -> None:
    sign_in(client, "root")
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert heading in response.text


def test_an_unknown_spec_is_a_404_page_that_says_so(client: TestClient) -> None:
    sign_in(client, "ada")
    response = client.get("/specs/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "unknown spec &#39;nothing-here&#39;" in response.text


def test_an_unknown_page_is_html_but_an_unknown_api_path_stays_problem_json(
    client: TestClient,
) -> None:
    page = client.get("/nowhere")
    assert page.status_code == 404
    assert "no page at /nowhere" in page.text
    api = client.get("/api/v1/nowhere")
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"
    assert api.json()["detail"] == "no such endpoint: GET /api/v1/nowhere"


def test_the_audit_log_is_for_admins_only(client: TestClient) -> None:
    sign_in(client, "ada")
    response = client.get("/audit")
    assert response.status_code == 403
    assert "only an admin may read the audit log" in response.text


def test_a_user_without_a_role_may_not_read(client: TestClient, store: Store) -> None:
    from techspec.service.passwords import set_password

    add_user(store, "nobody")
    set_password(store, "nobody", "nobody-password")
    sign_in(client, "nobody", "nobody-password")
    assert client.get("/specs").status_code == 403


def test_the_list_filters_by_status_and_keeps_the_filters_in_its_links(
    client: TestClient, store: Store
) -> None:
    for number in range(27):
        _draft(store, f"draft-{number:02}")
    sign_in(client, "ada")
    response = client.get("/specs?status=Draft&sort=title")
    assert "Draft 00" in response.text
    assert "Search Reindexing Job" not in response.text
    assert "Payments Ledger Service" not in response.text
    assert 'href="/specs?status=Draft&amp;sort=title&amp;page=2"' in response.text
    second = client.get("/specs?status=Draft&sort=title&page=2")
    assert "Search Reindexing Job" in second.text
    assert 'rel="prev"' in second.text


def test_search_marks_the_words_it_found(client: TestClient) -> None:
    sign_in(client, "ada")
    response = client.get("/specs?q=ledger")
    assert "<mark>ledger</mark>" in response.text.casefold()
    empty = client.get("/specs?q=zebra-unicorn")
    assert "No spec matches these filters." in empty.text


def test_live_lint_answers_the_findings_and_the_preview_for_htmx(client: TestClient) -> None:
    sign_in(client, "root")
    text = raw_draft("Live Lint")
    response = client.post(
        f"{BROKEN}/check",
        data={"text": text},
        headers={"X-CSRF-Token": token(client, "/new"), "HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'id="findings"' in response.text
    assert 'hx-swap-oob="true"' in response.text
    assert "placeholder &#39;[2-3 sentence summary" in response.text
    assert "<html" not in response.text


def test_a_new_spec_gets_its_title_authors_and_reviewers(client: TestClient, store: Store) -> None:
    sign_in(client, "ada")
    response = client.post(
        "/new",
        data={
            "csrf": token(client, "/new"),
            "title": "Rate Limiter",
            "authors": "Ada Lovelace",
            "reviewers": "tom, pat, sue",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/specs/0004-rate-limiter"  # after the examples
    text = revisions.get_revision(store, "0004-rate-limiter").text
    assert "**Author**: Ada Lovelace\\" in text
    assert "**Reviewers**: tom, pat, sue" in text


def test_a_new_spec_needs_a_title(client: TestClient) -> None:
    sign_in(client, "ada")
    response = client.post("/new", data={"csrf": token(client, "/new"), "title": "   "})
    assert response.status_code == 400
    assert "give the spec a title" in response.text


def test_a_viewer_may_not_open_the_new_spec_form(client: TestClient) -> None:
    sign_in(client, "vic")
    assert client.get("/new").status_code == 403


def test_an_edit_of_the_status_line_is_refused_and_keeps_the_text(
    client: TestClient, store: Store
) -> None:
    path = _draft(store, "status-edit")
    sign_in(client, "ada")
    text = revisions.get_revision(store, "status-edit").text.replace(
        "**Status**: Draft", "**Status**: Approved"
    )
    response = client.post(
        f"{path}/edit", data={"csrf": token(client, "/new"), "text": text, "base": "1"}
    )
    assert response.status_code == 409
    assert "status changes go through the workflow" in response.text
    assert "**Status**: Approved" in response.text
    assert revisions.get_spec(store, "status-edit").current_revision == 1


def test_saving_the_text_unchanged_adds_no_revision_even_with_crlf_line_ends(
    client: TestClient, store: Store
) -> None:
    path = _draft(store, "same-text")
    sign_in(client, "ada")
    text = revisions.get_revision(store, "same-text").text.replace("\n", "\r\n")
    response = client.post(
        f"{path}/edit", data={"csrf": token(client, "/new"), "text": text, "base": "1"}
    )
    assert "No changes to save." in response.text
    assert revisions.get_spec(store, "same-text").current_revision == 1


def test_a_submission_with_unmet_gates_answers_409_listing_each_gate(
    client: TestClient, store: Store
) -> None:
    path = _draft(store, "not-ready", clean=False)
    sign_in(client, "ada")
    response = client.post(f"{path}/submit", data={"csrf": token(client, "/new")})
    assert response.status_code == 409
    assert "Not moved to Review:" in response.text
    assert response.text.count('<span class="line">line ') > 50


def test_a_reviewer_may_not_approve_for_a_role_they_do_not_hold(
    client: TestClient, store: Store
) -> None:
    path = _draft(store, "wrong-role", review=True)
    sign_in(client, "tom")
    read = revisions.get_revision(store, "wrong-role").number
    form = {"csrf": token(client, "/new"), "role": "Security Lead", "revision": str(read)}
    response = client.post(f"{path}/approve", data=form)
    assert response.status_code == 403
    assert "tom does not hold the role &#39;Security Lead&#39;" in response.text


def test_the_author_is_offered_no_approval_of_their_own_spec(
    client: TestClient, store: Store
) -> None:
    path = _draft(store, "own-spec", review=True)
    sign_in(client, "ada")
    page = client.get(path).text
    assert "Approve as" not in page
    assert "You wrote this spec, so you may not approve it." in page


def test_a_reviewer_can_request_changes_with_a_comment(client: TestClient, store: Store) -> None:
    path = _draft(store, "needs-work", review=True)
    sign_in(client, "pat")
    response = client.post(
        f"{path}/request-changes",
        data={
            "csrf": token(client, "/new"),
            "role": "Product Owner",
            "comment": "More detail",
            "revision": str(revisions.get_revision(store, "needs-work").number),
        },
    )
    assert "Changes requested as Product Owner by pat: More detail" in response.text
    assert revisions.get_spec(store, "needs-work").status == "Draft"


def test_markdown_html_is_sanitized_before_it_reaches_the_page(
    client: TestClient, store: Store
) -> None:
    text = filled(raw_draft("Hostile")).replace(
        "## Scope\n", '## Scope\n\n<script>alert(1)</script><img src=x onerror="alert(2)">\n', 1
    )
    revisions.create_spec(store, "hostile", text, author=find_user(store, "ada"))
    sign_in(client, "ada")
    page = client.get("/specs/hostile").text
    body = page[page.index('class="spec-body"') :]
    assert "<script>alert" not in body
    assert "onerror" not in body
