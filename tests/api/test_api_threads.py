"""Review threads through the REST API: the shapes, the statuses, the problems naming the
field, and hostile text carried as data."""

from __future__ import annotations

from typing import Any

from api_support import draft
from fastapi.testclient import TestClient

People = dict[str, dict[str, str]]
LIMIT = "The API allows **100 requests** per second per client."
XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def _ledger(client: TestClient, people: People) -> int:
    response = client.post(
        "/api/v1/specs?slug=ledger",
        content=draft("Payments Ledger", "ada", words=LIMIT),
        headers={**people["ada"], "Content-Type": "text/markdown"},
    )
    assert response.status_code == 201, response.text
    spec_id: int = response.json()["id"]
    return spec_id


def _open(client: TestClient, who: dict[str, str], spec: int | str, **body: Any) -> Any:
    payload = {"section": "Executive Summary", "body": "Too low?", **body}
    return client.post(f"/api/v1/specs/{spec}/threads", json=payload, headers=who)


def test_a_thread_is_opened_with_201_and_listed_with_its_comments(
    client: TestClient, people: People
) -> None:
    spec = _ledger(client, people)
    created = _open(client, people["tom"], spec, quote="per second", body="Too low? @ada @ghost")
    assert created.status_code == 201, created.text
    thread = created.json()
    assert {k: thread[k] for k in ("section", "quote", "kind", "status", "outdated")} == {
        "section": "Executive Summary",
        "quote": "per second",
        "kind": "comment",
        "status": "open",
        "outdated": False,
    }
    assert thread["revision"] == 1
    assert thread["mentions"] == ["ada"] and thread["unknown_mentions"] == ["ghost"]
    assert [(c["author"], c["body"]) for c in thread["comments"]] == [
        ("tom", "Too low? @ada @ghost")
    ]
    assert thread["comments"][0]["created_at"].endswith("Z")
    reply = client.post(
        f"/api/v1/threads/{thread['id']}/comments", json={"body": "Fine"}, headers=people["ada"]
    )
    assert reply.status_code == 201
    listed = client.get("/api/v1/specs/ledger/threads", headers=people["vic"]).json()
    assert [[c["author"] for c in t["comments"]] for t in listed] == [["tom", "ada"]]


def test_resolve_reopen_and_the_status_filter(client: TestClient, people: People) -> None:
    spec = _ledger(client, people)
    first = _open(client, people["tom"], spec).json()
    _open(client, people["pat"], spec)
    resolved = client.post(f"/api/v1/threads/{first['id']}/resolve", headers=people["tom"])
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    assert resolved.json()["resolved_by"] == "tom"

    def ids(status: str) -> list[int]:
        answer = client.get(f"/api/v1/specs/{spec}/threads?status={status}", headers=people["vic"])
        return [t["id"] for t in answer.json()]

    assert ids("resolved") == [first["id"]]
    assert first["id"] not in ids("open") and len(ids("open")) == 1
    reopened = client.post(f"/api/v1/threads/{first['id']}/reopen", headers=people["ada"])
    assert reopened.json()["status"] == "open"
    bad = client.get(f"/api/v1/specs/{spec}/threads?status=closed", headers=people["vic"])
    assert bad.status_code == 422 and "status" in bad.json()["detail"]


def test_applying_a_suggestion_answers_the_new_revision(client: TestClient, people: People) -> None:
    spec = _ledger(client, people)
    thread = _open(
        client,
        people["tom"],
        spec,
        kind="suggestion",
        quote="100 requests",
        suggestion="1000 requests",
        body="Raise it",
    ).json()
    refused = client.post(f"/api/v1/threads/{thread['id']}/apply", headers=people["tom"])
    assert refused.status_code == 403
    stale_base = client.post(
        f"/api/v1/threads/{thread['id']}/apply", json={"revision": 7}, headers=people["ada"]
    )
    assert stale_base.status_code == 409
    applied = client.post(
        f"/api/v1/threads/{thread['id']}/apply", json={"revision": 1}, headers=people["ada"]
    )
    assert applied.status_code == 200, applied.text
    assert applied.json()["revision"] == 2
    assert applied.json()["thread"]["status"] == "resolved"
    assert applied.json()["thread"]["applied_revision"] == 2
    content = client.get(f"/api/v1/specs/{spec}", headers=people["vic"]).json()
    assert content["revision"] == 2


def test_a_stale_suggestion_is_409_and_an_outdated_thread_shows_its_text_and_diff(
    client: TestClient, people: People
) -> None:
    spec = _ledger(client, people)
    thread = _open(
        client, people["tom"], spec, kind="suggestion", quote="100 requests", suggestion="10"
    ).json()
    read = client.get(f"/api/v1/specs/{spec}", headers=people["ada"])
    text = client.get(f"/api/v1/specs/{spec}/revisions/1", headers=people["ada"]).json()["content"]
    saved = client.put(
        f"/api/v1/specs/{spec}",
        content=text.replace("100 requests", "200 requests"),
        headers={
            **people["ada"],
            "Content-Type": "text/markdown",
            "If-Match": read.headers["ETag"],
        },
    )
    assert saved.status_code == 200, saved.text
    stale = client.post(f"/api/v1/threads/{thread['id']}/apply", headers=people["ada"])
    assert stale.status_code == 409
    assert stale.headers["Content-Type"] == "application/problem+json"
    assert "is stale" in stale.json()["detail"]
    shown = client.get(f"/api/v1/threads/{thread['id']}", headers=people["vic"]).json()
    assert shown["outdated"] is True and shown["outdated_revision"] == 2
    assert LIMIT in shown["anchored_text"]
    assert f"-{LIMIT}" in shown["diff"] and "+The API allows **200 requests**" in shown["diff"]


def test_bad_input_is_a_problem_naming_the_field(client: TestClient, people: People) -> None:
    spec = _ledger(client, people)
    cases = {
        "section": {"section": "Nowhere"},
        "quote": {"quote": "not there"},
        "body": {"body": "   "},
        "kind": {"kind": "rant"},
        "suggestion": {"kind": "suggestion", "quote": "per second"},
    }
    for field, body in cases.items():
        response = _open(client, people["tom"], spec, **body)
        assert response.status_code == 422, (field, response.text)
        assert response.headers["Content-Type"] == "application/problem+json"
        assert f"'{field}'" in response.json()["detail"], response.json()
    too_long = _open(client, people["tom"], spec, body="x" * 20_001)
    assert too_long.status_code == 422 and "'body'" in too_long.json()["detail"]
    unknown = client.post("/api/v1/threads/999/comments", json={"body": "x"}, headers=people["tom"])
    assert unknown.status_code == 404
    assert _open(client, people["tom"], "nope").status_code == 404


def test_a_viewer_reads_but_may_not_write(client: TestClient, people: People) -> None:
    spec = _ledger(client, people)
    thread = _open(client, people["tom"], spec).json()
    assert _open(client, people["vic"], spec).status_code == 403
    reply = client.post(
        f"/api/v1/threads/{thread['id']}/comments", json={"body": "x"}, headers=people["vic"]
    )
    assert reply.status_code == 403
    assert (
        client.post(f"/api/v1/threads/{thread['id']}/resolve", headers=people["pat"]).status_code
        == 403
    )
    assert client.get(f"/api/v1/specs/{spec}/threads", headers=people["vic"]).status_code == 200
    assert client.get(f"/api/v1/specs/{spec}/threads", headers=people["nobody"]).status_code == 403


def test_hostile_text_comes_back_as_the_same_data(client: TestClient, people: People) -> None:
    spec = _ledger(client, people)
    thread = _open(client, people["tom"], spec, body=XSS).json()
    assert thread["comments"][0]["body"] == XSS
    listed = client.get(f"/api/v1/specs/{spec}/threads", headers=people["vic"])
    assert listed.headers["Content-Type"] == "application/json"
    assert listed.json()[0]["comments"][0]["body"] == XSS


def test_a_blocking_concern_is_an_unmet_gate_of_approved(
    client: TestClient, people: People
) -> None:
    spec = _ledger(client, people)
    concern = _open(client, people["sue"], spec, kind="blocking", body="Threat model?").json()
    client.post(f"/api/v1/specs/{spec}/transitions", json={"to": "Review"}, headers=people["ada"])
    refused = client.post(
        f"/api/v1/specs/{spec}/transitions", json={"to": "Approved"}, headers=people["ada"]
    )
    assert refused.status_code == 409
    reasons = [gate["reason"] for gate in refused.json()["gates"]]
    assert (
        f"blocking concern #{concern['id']} by sue on 'Executive Summary' is open: "
        "it must be resolved first"
    ) in reasons


def test_a_change_request_comment_becomes_a_blocking_concern(
    client: TestClient, people: People
) -> None:
    spec = _ledger(client, people)
    client.post(f"/api/v1/specs/{spec}/transitions", json={"to": "Review"}, headers=people["ada"])
    read = client.get(f"/api/v1/specs/{spec}", headers=people["tom"])
    decided = client.post(
        f"/api/v1/specs/{spec}/approvals",
        json={"role": "Technical Lead", "decision": "request_changes", "comment": "Too low"},
        headers={**people["tom"], "If-Match": read.headers["ETag"]},
    )
    assert decided.status_code == 200, decided.text
    [thread] = client.get(f"/api/v1/specs/{spec}/threads", headers=people["vic"]).json()
    assert (thread["kind"], thread["author"]) == ("blocking", "tom")
    assert thread["comments"][0]["body"] == "Changes requested as Technical Lead: Too low"
