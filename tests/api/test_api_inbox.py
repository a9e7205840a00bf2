"""The inbox, review requests and profiles over HTTP: a submit asks for reviews and says
which names match nobody, each user sees and marks only their own items, a page at a
time, and profiles change only by their user or an admin."""

from __future__ import annotations

from typing import Any

from api_support import draft
from fastapi.testclient import TestClient

People = dict[str, dict[str, str]]


def _submitted(client: TestClient, people: People, reviewers: str = "tom, Ghost") -> int:
    text = draft("Payments Ledger", "ada").replace(
        "**Reviewers**: List of reviewers", f"**Reviewers**: {reviewers}"
    )
    created = client.post(
        "/api/v1/specs", content=text, headers={**people["ada"], "Content-Type": "text/markdown"}
    )
    assert created.status_code == 201, created.text
    spec_id: int = created.json()["id"]
    moved = client.post(
        f"/api/v1/specs/{spec_id}/transitions",
        json={"to": "Review", "due": "2031-02-03"},
        headers=people["ada"],
    )
    assert moved.status_code == 200, moved.text
    notes = " ".join(moved.json()["notes"])
    assert "Review requested from tom, pat (Product Owner), sue (Security Lead)." in notes
    assert "no user is called 'Ghost'" in notes
    return spec_id


def _inbox(client: TestClient, who: dict[str, str], query: str = "") -> dict[str, Any]:
    response = client.get(f"/api/v1/inbox{query}", headers=who)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def test_a_submit_puts_a_review_request_in_each_reviewers_inbox(
    client: TestClient, people: People
) -> None:
    spec_id = _submitted(client, people)
    page = _inbox(client, people["pat"])
    [item] = page["items"]
    assert item["kind"] == "review" and page["unread"] == 1 and not item["read"]
    assert "ada asks for your review of" in item["summary"] and "due 2031-02-03" in item["summary"]
    assert item["spec"]["id"] == spec_id and item["link"] == "/specs/payments-ledger"
    assert item["url"].endswith("/specs/payments-ledger")
    assert _inbox(client, people["ada"])["items"] == []
    requests = client.get(f"/api/v1/specs/{spec_id}/review-requests", headers=people["vic"])
    assert {(r["reviewer"], r["open"], r["due"]) for r in requests.json()["items"]} == {
        ("tom", True, "2031-02-03"),
        ("pat", True, "2031-02-03"),
        ("sue", True, "2031-02-03"),
    }
    everyone = client.get("/api/v1/review-requests", headers=people["vic"]).json()
    assert everyone["total"] == 3
    only_pat = client.get("/api/v1/review-requests?reviewer=pat", headers=people["vic"]).json()
    assert [r["reviewer"] for r in only_pat["items"]] == ["pat"]


def test_a_user_sees_and_marks_only_their_own_items(client: TestClient, people: People) -> None:
    _submitted(client, people)
    [item] = _inbox(client, people["pat"])["items"]
    stolen = client.post(f"/api/v1/inbox/{item['id']}/read", headers=people["sue"])
    assert stolen.status_code == 404
    assert stolen.headers["content-type"].startswith("application/problem+json")
    assert _inbox(client, people["pat"])["unread"] == 1
    marked = client.post(f"/api/v1/inbox/{item['id']}/read", headers=people["pat"])
    assert marked.status_code == 200 and marked.json()["read"] is True
    assert _inbox(client, people["pat"], "?unread=true")["items"] == []
    assert _inbox(client, people["pat"])["items"][0]["read"] is True
    cleared = client.post("/api/v1/inbox/read-all", headers=people["sue"])
    assert cleared.json() == {"marked": 1, "unread": 0}
    assert _inbox(client, people["tom"])["unread"] == 1  # tom's own is untouched


def test_the_inbox_pages_with_a_cursor_that_belongs_to_its_query(
    client: TestClient, people: People
) -> None:
    spec_id = _submitted(client, people)
    for words in ("One.", "Two.", "Three."):  # the reviewers hear of each revision
        current = client.get(f"/api/v1/specs/{spec_id}.md", headers=people["ada"])
        saved = client.put(
            f"/api/v1/specs/{spec_id}",
            content=(current.text + f"\n{words}\n").encode(),
            headers={
                **people["ada"],
                "Content-Type": "text/markdown",
                "If-Match": current.headers["ETag"],
            },
        )
        assert saved.status_code == 200, saved.text
    first = _inbox(client, people["tom"], "?limit=3")
    assert len(first["items"]) == 3 and first["next_cursor"]
    second = client.get(first["links"]["next"], headers=people["tom"]).json()
    ids = [i["id"] for i in first["items"] + second["items"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 4 and second["next_cursor"] is None
    wrong = client.get(
        f"/api/v1/inbox?unread=true&cursor={first['next_cursor']}", headers=people["tom"]
    )
    assert wrong.status_code == 400 and "another query" in wrong.json()["detail"]
    garbage = client.get("/api/v1/inbox?cursor=%%%", headers=people["tom"])
    assert garbage.status_code == 400


def test_profiles_change_by_their_user_or_an_admin_with_a_plain_address(
    client: TestClient, people: People
) -> None:
    mine = client.patch(
        "/api/v1/users/pat/profile",
        json={"email": "pat@example.com", "mail": "digest", "display_name": "Pat Lee"},
        headers=people["pat"],
    )
    assert mine.status_code == 200, mine.text
    assert mine.json() == {
        "user": "pat",
        "email": "pat@example.com",
        "display_name": "Pat Lee",
        "mail": "digest",
    }
    other = client.patch("/api/v1/users/pat/profile", json={"mail": "none"}, headers=people["sue"])
    assert other.status_code == 403
    assert client.get("/api/v1/users/pat/profile", headers=people["sue"]).status_code == 403
    admin = client.patch("/api/v1/users/pat/profile", json={"email": None}, headers=people["root"])
    assert admin.json()["email"] is None and admin.json()["mail"] == "digest"
    for bad in ("pat@example.com\r\nBcc: eve@evil.test", "two@a.test, three@b.test", "no-at"):
        refused = client.patch(
            "/api/v1/users/pat/profile", json={"email": bad}, headers=people["pat"]
        )
        assert refused.status_code in (400, 422), refused.text
        assert "email" in refused.json()["detail"]
    unknown = client.patch(
        "/api/v1/users/pat/profile", json={"mail": "hourly"}, headers=people["pat"]
    )
    assert unknown.status_code == 422 and "mail" in unknown.json()["detail"]
