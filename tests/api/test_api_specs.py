"""``/api/v1/specs``: create, list, read, replace with If-Match, delete."""

from __future__ import annotations

from typing import Any

from api_support import draft, edited, raw_draft
from fastapi.testclient import TestClient

People = dict[str, dict[str, str]]
MARKDOWN = {"Content-Type": "text/markdown"}


def _create(client: TestClient, headers: dict[str, str], text: str, **params: str) -> Any:
    response = client.post(
        "/api/v1/specs", content=text.encode(), headers={**headers, **MARKDOWN}, params=params
    )
    assert response.status_code == 201, response.text
    return response


def test_posting_markdown_creates_a_spec_with_its_location_and_etag(
    client: TestClient, people: People
) -> None:
    response = _create(client, people["ada"], draft("Payments Ledger", "ada"))
    body = response.json()
    assert response.headers["Location"] == f"/api/v1/specs/{body['id']}"
    assert response.headers["ETag"] == f'"{body["sha256"]}"'
    assert body["slug"] == "payments-ledger"
    assert body["status"] == "Draft"
    assert body["revision"] == 1
    assert body["lint"]["errors"] == 0
    assert body["model"]["title"] == "Technical Specification: Payments Ledger"


def test_posting_json_content_creates_a_spec_under_the_given_slug(
    client: TestClient, people: People
) -> None:
    response = client.post(
        "/api/v1/specs",
        json={"content": draft("Billing"), "slug": "billing-v2", "message": "first cut"},
        headers=people["ada"],
    )
    assert response.status_code == 201, response.text
    assert response.json()["slug"] == "billing-v2"
    history = client.get("/api/v1/specs/billing-v2/revisions", headers=people["vic"]).json()
    assert [r["message"] for r in history] == ["first cut"]


def test_a_derived_slug_that_is_taken_gets_a_number(client: TestClient, people: People) -> None:
    first = _create(client, people["ada"], draft("Billing")).json()
    second = _create(client, people["ada"], draft("Billing")).json()
    assert (first["slug"], second["slug"]) == ("billing", "billing-2")


def test_a_given_slug_that_is_taken_is_a_conflict(client: TestClient, people: People) -> None:
    _create(client, people["ada"], draft("Billing"), slug="billing")
    response = client.post(
        "/api/v1/specs",
        content=draft("Other").encode(),
        headers={**people["ada"], **MARKDOWN},
        params={"slug": "billing"},
    )
    assert response.status_code == 409
    assert "already exists" in response.json()["detail"]


def test_a_spec_from_a_template_is_the_scaffold_with_title_and_author(
    client: TestClient, people: People
) -> None:
    response = client.post(
        "/api/v1/specs",
        params={"from_template": "technical-spec"},
        json={"title": "Search Reindexing"},
        headers=people["ada"],
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["slug"] == "0001-search-reindexing"  # numbered as CLI and demo specs are
    assert body["author"] == "ada"
    assert body["status"] == "Draft"
    markdown = client.get(f"/api/v1/specs/{body['id']}.md", headers=people["ada"]).text
    assert markdown.startswith("# Technical Specification: Search Reindexing\n")


def test_an_unknown_template_is_not_found(client: TestClient, people: People) -> None:
    response = client.post(
        "/api/v1/specs",
        params={"from_template": "nope", "title": "X"},
        headers=people["ada"],
    )
    assert response.status_code == 404
    assert "unknown template 'nope'" in response.json()["detail"]


def test_text_that_is_not_a_spec_is_refused_with_a_reason(
    client: TestClient, people: People
) -> None:
    response = client.post(
        "/api/v1/specs", content=b"hello\n", headers={**people["ada"], **MARKDOWN}
    )
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "not a spec" in response.json()["detail"]


def test_reading_a_spec_gives_model_lint_summary_and_etag(
    client: TestClient, people: People, ledger: dict[str, Any]
) -> None:
    response = client.get(f"/api/v1/specs/{ledger['id']}", headers=people["vic"])
    assert response.status_code == 200
    body = response.json()
    assert response.headers["ETag"] == body["etag"] == f'"{body["sha256"]}"'
    assert set(body["lint"]) == {"errors", "warnings", "infos", "by_rule"}
    assert body["model"]["status"] == "Draft"
    assert body["links"]["markdown"] == f"/api/v1/specs/{ledger['id']}.md"


def test_a_spec_is_found_by_slug_as_well_as_by_id(
    client: TestClient, people: People, ledger: dict[str, Any]
) -> None:
    by_slug = client.get("/api/v1/specs/payments-ledger", headers=people["vic"]).json()
    assert by_slug["id"] == ledger["id"]


def test_the_lint_summary_counts_the_findings_of_a_raw_draft(
    client: TestClient, people: People
) -> None:
    body = _create(client, people["ada"], raw_draft()).json()
    assert body["lint"]["warnings"] > 0
    assert sum(body["lint"]["by_rule"].values()) == (
        body["lint"]["errors"] + body["lint"]["warnings"] + body["lint"]["infos"]
    )


def test_if_none_match_with_the_current_etag_answers_304(
    client: TestClient, people: People, ledger: dict[str, Any]
) -> None:
    url = f"/api/v1/specs/{ledger['id']}"
    for path in (url, url + ".md"):
        response = client.get(path, headers={**people["vic"], "If-None-Match": ledger["etag"]})
        assert response.status_code == 304
        assert response.content == b""
        assert response.headers["ETag"] == ledger["etag"]
        stale = client.get(path, headers={**people["vic"], "If-None-Match": '"other"'})
        assert stale.status_code == 200


def test_the_markdown_is_the_stored_bytes(
    client: TestClient, people: People, ledger: dict[str, Any]
) -> None:
    response = client.get(f"/api/v1/specs/{ledger['id']}.md", headers=people["vic"])
    assert response.headers["Content-Type"].startswith("text/markdown")
    assert response.text == draft("Payments Ledger", "ada")


def test_put_without_if_match_is_428(
    client: TestClient, people: People, ledger: dict[str, Any]
) -> None:
    response = client.put(
        f"/api/v1/specs/{ledger['id']}",
        content=edited(draft("Payments Ledger", "ada"), "More.").encode(),
        headers={**people["ada"], **MARKDOWN},
    )
    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    star = client.put(
        f"/api/v1/specs/{ledger['id']}",
        content=b"x",
        headers={**people["ada"], **MARKDOWN, "If-Match": "*"},
    )
    assert star.status_code == 428


def test_put_with_the_current_etag_adds_a_revision_and_a_new_etag(
    client: TestClient, people: People, ledger: dict[str, Any]
) -> None:
    text = edited(draft("Payments Ledger", "ada"), "Settlement ledger.")
    response = client.put(
        f"/api/v1/specs/{ledger['id']}",
        content=text.encode(),
        headers={**people["ada"], **MARKDOWN, "If-Match": ledger["etag"]},
    )
    assert response.status_code == 200, response.text
    assert response.json()["revision"] == 2
    assert response.headers["ETag"] != ledger["etag"]
    assert client.get(f"/api/v1/specs/{ledger['id']}.md", headers=people["ada"]).text == text


def test_put_with_a_stale_etag_is_412_with_the_current_etag(
    client: TestClient, people: People, ledger: dict[str, Any]
) -> None:
    url = f"/api/v1/specs/{ledger['id']}"
    first = client.put(
        url,
        json={"content": edited(draft("Payments Ledger", "ada"), "One.")},
        headers={**people["ada"], "If-Match": ledger["etag"]},
    )
    assert first.status_code == 200
    second = client.put(
        url,
        json={"content": edited(draft("Payments Ledger", "ada"), "Two.")},
        headers={**people["ada"], "If-Match": ledger["etag"]},
    )
    assert second.status_code == 412
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.json()["current_etag"] == first.headers["ETag"]
    assert client.get(url, headers=people["ada"]).json()["revision"] == 2


def test_put_that_changes_the_status_line_is_a_conflict(
    client: TestClient, people: People, ledger: dict[str, Any]
) -> None:
    text = draft("Payments Ledger", "ada").replace("**Status**: Draft", "**Status**: Approved")
    response = client.put(
        f"/api/v1/specs/{ledger['id']}",
        content=text.encode(),
        headers={**people["ada"], **MARKDOWN, "If-Match": ledger["etag"]},
    )
    assert response.status_code == 409
    assert "status changes go through the workflow" in response.json()["detail"]


def test_deleting_hides_the_spec_from_reads_and_lists(
    client: TestClient, people: People, ledger: dict[str, Any]
) -> None:
    url = f"/api/v1/specs/{ledger['id']}"
    assert client.delete(url, headers=people["ada"]).status_code == 204
    for path in (url, url + ".md", url + "/revisions"):
        response = client.get(path, headers=people["root"])
        assert response.status_code == 404, path
        assert response.headers["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/specs", headers=people["root"]).json()["items"] == []
    again = client.delete(url, headers=people["root"])
    assert again.status_code == 404


def test_listing_filters_by_status_and_pages_with_a_cursor(
    client: TestClient, people: People
) -> None:
    for n in range(5):
        _create(client, people["ada"], draft(f"Spec {n}"))
    seen: list[str] = []
    url: str | None = "/api/v1/specs?status=Draft&limit=2"
    pages = 0
    while url is not None:
        page = client.get(url, headers=people["vic"]).json()
        seen += [item["slug"] for item in page["items"]]
        url = page["links"].get("next")
        pages += 1
    assert pages == 3
    assert sorted(seen) == [f"spec-{n}" for n in range(5)]
    assert client.get("/api/v1/specs?status=Review", headers=people["vic"]).json()["items"] == []


def test_an_edit_between_pages_shows_no_spec_twice(client: TestClient, people: People) -> None:
    made = [_create(client, people["ada"], draft(f"Spec {n}")).json() for n in range(5)]
    first = client.get("/api/v1/specs?limit=2", headers=people["vic"]).json()
    oldest = made[0]
    edited = client.put(
        f"/api/v1/specs/{oldest['id']}",
        content=draft("Spec 0", words="Edited between pages."),
        headers={**people["ada"], "If-Match": oldest["etag"], "Content-Type": "text/markdown"},
    )
    assert edited.status_code == 200, edited.text
    seen = [item["slug"] for item in first["items"]]
    url: str | None = first["links"]["next"]
    while url is not None:
        page = client.get(url, headers=people["vic"]).json()
        seen += [item["slug"] for item in page["items"]]
        url = page["links"].get("next")
    assert len(seen) == len(set(seen)) == 4
    assert "spec-0" not in seen  # edited after the first page: it is above the cursor now


def test_full_text_search_ranks_matches_with_a_snippet(client: TestClient, people: People) -> None:
    _create(client, people["ada"], draft("Ledger", words="Double-entry bookkeeping ledger."))
    _create(client, people["ada"], draft("Search", words="Reindexing without downtime."))
    page = client.get("/api/v1/specs", params={"q": "bookkeeping"}, headers=people["vic"]).json()
    assert [item["slug"] for item in page["items"]] == ["ledger"]
    assert "bookkeeping" in page["items"][0]["snippet"]


def test_a_cursor_from_another_query_is_refused(client: TestClient, people: People) -> None:
    for n in range(3):
        _create(client, people["ada"], draft(f"Spec {n}"))
    page = client.get("/api/v1/specs?limit=1", headers=people["vic"]).json()
    response = client.get(
        "/api/v1/specs",
        params={"limit": 1, "status": "Draft", "cursor": page["next_cursor"]},
        headers=people["vic"],
    )
    assert response.status_code == 400
    assert "another query" in response.json()["detail"]
    garbage = client.get("/api/v1/specs?cursor=%%%", headers=people["vic"])
    assert garbage.status_code == 400


def test_the_page_size_is_capped(client: TestClient, people: People) -> None:
    response = client.get("/api/v1/specs?limit=100000", headers=people["vic"])
    assert response.status_code == 422
    assert response.json()["detail"].startswith("query.limit")
