"""``PUT /api/v1/specs/{ref}?merge=true``: an If-Match of an older revision gets the merge
as a 409 (the merged text or the conflicting sections, and the current ETag), never a
save; the merged text PUT with the current ETag is saved."""

from __future__ import annotations

from typing import Any

from api_support import draft
from fastapi.testclient import TestClient

People = dict[str, dict[str, str]]
MARKDOWN = {"Content-Type": "text/markdown"}


def add(text: str, heading: str, line: str) -> str:
    return text.replace(f"{heading}\n", f"{heading}\n\n{line}\n", 1)


def put(
    client: TestClient, url: str, text: str, headers: dict[str, str], etag: str, **params: str
) -> Any:
    return client.put(
        url,
        content=text.encode(),
        headers={**headers, **MARKDOWN, "If-Match": etag},
        params=params,
    )


def theirs_saved(client: TestClient, people: People, ledger: dict[str, Any]) -> str:
    """Someone saves an edit of Background & Context; returns the new ETag."""
    url = f"/api/v1/specs/{ledger['id']}"
    text = add(draft("Payments Ledger", "ada"), "## Background & Context", "Theirs.")
    response = put(client, url, text, people["ada"], ledger["etag"])
    assert response.status_code == 200, response.text
    etag: str = response.headers["ETag"]
    return etag


def test_an_edit_of_another_section_comes_back_merged_with_the_current_etag(
    client: TestClient, people: People, ledger: dict[str, Any]
) -> None:
    url = f"/api/v1/specs/{ledger['id']}"
    current = theirs_saved(client, people, ledger)
    mine = add(draft("Payments Ledger", "ada"), "## Scope", "Mine.")
    response = put(client, url, mine, people["ada"], ledger["etag"], merge="true")
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["ETag"] == current
    body = response.json()
    assert body["type"] == "urn:techspec:problem:merge-ready"
    assert body["merge"] == "merged"
    assert (body["base_revision"], body["current_revision"]) == (1, 2)
    assert body["current_etag"] == current
    assert body["content"] == add(mine, "## Background & Context", "Theirs.")
    assert (body["mine"], body["theirs"]) == (["Scope"], ["Background & Context"])
    assert client.get(url, headers=people["ada"]).json()["revision"] == 2
    saved = put(client, url, body["content"], people["ada"], body["current_etag"], merge="true")
    assert saved.status_code == 200, saved.text
    assert saved.json()["revision"] == 3
    stored = client.get(url + ".md", headers=people["ada"]).text
    assert "Mine." in stored and "Theirs." in stored


def test_an_edit_of_the_same_section_gets_the_conflicting_sections(
    client: TestClient, people: People, ledger: dict[str, Any]
) -> None:
    url = f"/api/v1/specs/{ledger['id']}"
    current = theirs_saved(client, people, ledger)
    mine = add(draft("Payments Ledger", "ada"), "## Background & Context", "Mine.")
    response = put(client, url, mine, people["ada"], ledger["etag"], merge="true")
    assert response.status_code == 409
    body = response.json()
    assert body["type"] == "urn:techspec:problem:merge-conflict"
    assert body["merge"] == "conflict"
    assert body["current_etag"] == current
    assert "content" not in body
    [section] = body["sections"]
    assert section["path"] == "Background & Context"
    assert section["reason"] == "changed on both sides"
    assert section["base"] == "## Background & Context"
    assert section["mine"] == "## Background & Context\n\nMine."
    assert section["theirs"] == "## Background & Context\n\nTheirs."
    assert client.get(url, headers=people["ada"]).json()["revision"] == 2


def test_without_merge_an_older_etag_is_still_412_and_an_unknown_one_is_412_with_it(
    client: TestClient, people: People, ledger: dict[str, Any]
) -> None:
    url = f"/api/v1/specs/{ledger['id']}"
    current = theirs_saved(client, people, ledger)
    mine = add(draft("Payments Ledger", "ada"), "## Scope", "Mine.")
    plain = put(client, url, mine, people["ada"], ledger["etag"])
    assert plain.status_code == 412
    assert plain.json()["current_etag"] == current
    unknown = put(client, url, mine, people["ada"], '"0000"', merge="true")
    assert unknown.status_code == 412
    assert client.get(url, headers=people["ada"]).json()["revision"] == 2


def test_the_current_etag_with_merge_saves_as_before(
    client: TestClient, people: People, ledger: dict[str, Any]
) -> None:
    url = f"/api/v1/specs/{ledger['id']}"
    mine = add(draft("Payments Ledger", "ada"), "## Scope", "Mine.")
    response = put(client, url, mine, people["ada"], ledger["etag"], merge="true")
    assert response.status_code == 200
    assert response.json()["revision"] == 2


def test_the_merge_answer_is_in_the_openapi_document(client: TestClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    put_op = schema["paths"]["/api/v1/specs/{ref}"]["put"]
    assert any(p["name"] == "merge" and p["in"] == "query" for p in put_op["parameters"])
    answer = put_op["responses"]["409"]["content"]["application/problem+json"]["schema"]
    found = schema["components"]["schemas"].get("MergeAnswer", answer)
    names = set(found.get("properties", {}))
    if "$ref" in answer:
        names |= set(schema["components"]["schemas"][answer["$ref"].split("/")[-1]]["properties"])
    assert {"merge", "content", "sections", "current_etag"} <= names
