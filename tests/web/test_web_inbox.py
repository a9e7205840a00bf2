"""The inbox, the review panel, the outstanding reviews and the mail settings in the web
UI: a submit from the spec page asks for reviews (due date and unknown names included),
each reviewer's navigation counts their unread items, the dashboard shows what waits,
and marking read works item by item and all at once; nothing a person wrote runs."""

from __future__ import annotations

from fastapi.testclient import TestClient
from web_client import sign_in, token
from web_support import filled, raw_draft

from html_dom import dom
from techspec.store import revisions
from techspec.store.engine import Store
from techspec.store.users import find_user

PAYLOAD = '<img src=x onerror="alert(1)">'


def _ledger(store: Store, reviewers: str = "tom, Ghost Writer") -> None:
    text = filled(raw_draft("Payments Ledger")).replace(
        "**Reviewers**: List of reviewers", f"**Reviewers**: {reviewers}"
    )
    revisions.create_spec(store, "ledger", text, author=find_user(store, "ada"))


def _submit(client: TestClient, due: str = "2031-01-02") -> str:
    assert sign_in(client, "ada") == 303
    page = client.get("/specs/ledger")
    assert 'name="due"' in page.text
    response = client.post(
        "/specs/ledger/submit", data={"csrf": token(client, "/specs/ledger"), "due": due}
    )
    assert response.status_code == 200, response.text  # followed to the spec page
    return response.text


def test_a_submit_from_the_page_asks_for_reviews_and_names_the_unknown(
    client: TestClient, store: Store
) -> None:
    _ledger(store)
    page = _submit(client)
    assert "Review requested from tom, pat (Product Owner), sue (Security Lead)." in page
    assert "no user is called &#39;Ghost Writer&#39;" in page
    panel = dom(page).find("section", "review-requests")
    rows = {li.find("strong").text: li.text for li in panel.find_all("li", "request")}
    assert set(rows) == {"tom", "pat", "sue"}
    assert "owes a review" in rows["pat"] and "due 2031-01-02" in rows["pat"]


def test_a_bad_due_date_is_refused_with_the_reason(client: TestClient, store: Store) -> None:
    _ledger(store)
    assert sign_in(client, "ada") == 303
    response = client.post(
        "/specs/ledger/submit", data={"csrf": token(client, "/specs/ledger"), "due": "soon"}
    )
    assert response.status_code == 400 and "is not a date" in response.text
    assert revisions.get_spec(store, "ledger").status == "Draft"


def test_the_reviewer_sees_counts_reads_and_clears_the_inbox(
    client: TestClient, store: Store
) -> None:
    _ledger(store)
    _submit(client)
    client.post("/logout", data={"csrf": token(client, "/")})
    assert sign_in(client, "pat") == 303
    home = dom(client.get("/").text)
    nav = next(a for a in home.find_all("a") if a.attrs.get("id") == "nav-inbox")
    assert nav.find("span", "nav-count").text == "1"
    waiting = next(
        s for s in home.find_all("section") if s.attrs.get("aria-labelledby") == "inbox-h"
    )
    assert "ada asks for your review" in waiting.text  # the dashboard's "Waiting for you"
    inbox = dom(client.get("/inbox").text)
    [item] = inbox.find_all("li", "inbox-item")
    assert (
        "unread" in item.attrs["class"]
        and item.find("a", "inbox-link").attrs["href"] == "/specs/ledger"
    )
    item_id = item.attrs["id"].removeprefix("item-")
    marked = client.post(
        f"/inbox/{item_id}/read",
        data={"csrf": token(client, "/inbox")},
        headers={"referer": "http://testserver/inbox?unread=true"},
        follow_redirects=False,
    )
    assert marked.status_code == 303 and marked.headers["location"] == "/inbox?unread=true"
    assert "Nothing unread." in client.get("/inbox?unread=true").text
    assert (
        dom(client.get("/inbox").text).find("li", "inbox-item").attrs["class"].split()[-1] == "read"
    )


def test_mark_all_read_clears_only_what_the_page_showed(client: TestClient, store: Store) -> None:
    _ledger(store)
    _submit(client)
    client.post("/logout", data={"csrf": token(client, "/")})
    assert sign_in(client, "tom") == 303
    page = dom(client.get("/inbox").text)
    up_to = next(i for i in page.find_all("input") if i.attrs.get("name") == "up_to").attrs["value"]
    done = client.post("/inbox/read-all", data={"csrf": token(client, "/inbox"), "up_to": up_to})
    assert "Marked 1 item read." in done.text
    assert "nav-count" not in client.get("/inbox").text


def test_someone_elses_item_cannot_be_marked_and_a_post_needs_its_token(
    client: TestClient, store: Store
) -> None:
    _ledger(store)
    _submit(client)
    client.post("/logout", data={"csrf": token(client, "/")})
    assert sign_in(client, "pat") == 303
    item_id = dom(client.get("/inbox").text).find("li", "inbox-item").attrs["id"][5:]
    client.post("/logout", data={"csrf": token(client, "/")})
    assert sign_in(client, "sue") == 303
    stolen = client.post(f"/inbox/{item_id}/read", data={"csrf": token(client, "/inbox")})
    assert stolen.status_code == 404
    assert client.post("/inbox/read-all", data={"up_to": "1"}).status_code == 403


def test_outstanding_reviews_list_who_owes_what_and_for_how_long(
    client: TestClient, store: Store
) -> None:
    _ledger(store)
    _submit(client)
    page = dom(client.get("/reviews").text)
    rows = page.find("table", "reviews").find_all("tr")[1:]
    assert sorted(row.find_all("td")[1].text for row in rows) == ["pat", "sue", "tom"]
    assert all("hour" in row.find_all("td")[4].text for row in rows)
    only = dom(client.get("/reviews?reviewer=sue").text).find("table", "reviews").find_all("tr")[1:]
    assert [row.find_all("td")[1].text for row in only] == ["sue"]


def test_mail_settings_save_and_a_bad_address_says_why(client: TestClient, store: Store) -> None:
    assert sign_in(client, "pat") == 303
    saved = client.post(
        "/profile",
        data={
            "csrf": token(client, "/profile"),
            "email": "pat@example.test",
            "mail": "digest",
            "display_name": "Pat Lee",
        },
    )
    assert "Saved your mail settings." in saved.text
    form = dom(saved.text)
    assert (
        next(i for i in form.find_all("input") if i.attrs.get("id") == "email").attrs["value"]
        == "pat@example.test"
    )
    bad = client.post(
        "/profile",
        data={
            "csrf": token(client, "/profile"),
            "email": f"pat@example.test{PAYLOAD}",
            "mail": "digest",
        },
    )
    assert bad.status_code == 400 and "is not one plain address" in bad.text
    assert dom(bad.text).find_all("img") == []


def test_what_a_reviewer_wrote_stays_text_in_the_inbox(client: TestClient, store: Store) -> None:
    _ledger(store, reviewers="tom")
    _submit(client)
    client.post("/logout", data={"csrf": token(client, "/")})
    assert sign_in(client, "tom") == 303
    page = client.get("/specs/ledger").text
    number = next(
        i for i in dom(page).find_all("input") if i.attrs.get("name") == "revision"
    ).attrs["value"]
    client.post(
        "/specs/ledger/request-changes",
        data={
            "csrf": token(client, "/specs/ledger"),
            "role": "Technical Lead",
            "revision": number,
            "comment": PAYLOAD,
        },
    )
    client.post("/logout", data={"csrf": token(client, "/")})
    assert sign_in(client, "ada") == 303
    inbox = client.get("/inbox").text
    assert "&lt;img src=x" in inbox and dom(inbox).find_all("img") == []
    assert PAYLOAD not in inbox
