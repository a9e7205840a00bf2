"""Transitions, approvals, templates, audit and lint through the API."""

from __future__ import annotations

from typing import Any

from api_support import draft, raw_draft, with_tasks_done
from fastapi.testclient import TestClient

People = dict[str, dict[str, str]]
REVIEWERS = {"tom": "Technical Lead", "pat": "Product Owner", "sue": "Security Lead"}


def _spec(client: TestClient, people: People, text: str) -> dict[str, Any]:
    response = client.post(
        "/api/v1/specs",
        content=text.encode(),
        headers={**people["ada"], "Content-Type": "text/markdown"},
    )
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found


def _move(client: TestClient, who: dict[str, str], spec_id: int, to: str) -> Any:
    return client.post(f"/api/v1/specs/{spec_id}/transitions", json={"to": to}, headers=who)


def _decide(
    client: TestClient, who: dict[str, str], spec_id: int, role: str, decision: str = "approve"
) -> Any:
    """A reviewer's decision on the revision they just read (its ETag in If-Match)."""
    read = client.get(f"/api/v1/specs/{spec_id}", headers=who)
    return client.post(
        f"/api/v1/specs/{spec_id}/approvals",
        json={"role": role, "decision": decision, "comment": "ok"},
        headers={**who, "If-Match": read.headers["ETag"]},
    )


def test_submitting_a_clean_draft_moves_it_to_review(client: TestClient, people: People) -> None:
    spec = _spec(client, people, draft("Ledger", "ada"))
    response = _move(client, people["ada"], spec["id"], "Review")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "Review"
    assert response.json()["changed"] is True
    current = client.get(f"/api/v1/specs/{spec['id']}", headers=people["vic"]).json()
    assert current["status"] == "Review"
    assert current["revision"] == 2


def test_submitting_a_draft_with_errors_is_409_listing_every_unmet_gate(
    client: TestClient, people: People
) -> None:
    spec = _spec(client, people, raw_draft("Ledger", "ada"))
    response = _move(client, people["ada"], spec["id"], "Review")
    assert response.status_code == 409
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["target"] == "Review"
    assert len(body["gates"]) > 10
    assert all(gate["reason"] and gate["line"] for gate in body["gates"])
    assert body["detail"].endswith(f"cannot move to Review: {len(body['gates'])} unmet gates")


def test_asking_for_approved_lists_the_missing_approvals(
    client: TestClient, people: People
) -> None:
    spec = _spec(client, people, draft("Ledger", "ada"))
    _move(client, people["ada"], spec["id"], "Review")
    response = _move(client, people["ada"], spec["id"], "Approved")
    assert response.status_code == 409
    reasons = [gate["reason"] for gate in response.json()["gates"]]
    assert reasons[:3] == [f"no current approval for the role '{r}'" for r in REVIEWERS.values()]


def test_an_unknown_or_impossible_status_is_a_409_naming_the_lifecycle(
    client: TestClient, people: People
) -> None:
    spec = _spec(client, people, draft("Ledger", "ada"))
    unknown = _move(client, people["ada"], spec["id"], "Shipped")
    assert unknown.status_code == 409
    assert "Draft, Review, Approved, Implemented" in unknown.json()["detail"]
    skip = _move(client, people["ada"], spec["id"], "Implemented")
    assert skip.status_code == 409
    assert "no step to Implemented" in skip.json()["detail"]


def test_three_approvals_make_a_spec_approved_and_implement_finishes_it(
    client: TestClient, people: People
) -> None:
    spec = _spec(client, people, with_tasks_done(draft("Ledger", "ada")))
    _move(client, people["ada"], spec["id"], "Review")
    outcomes = [_decide(client, people[name], spec["id"], role) for name, role in REVIEWERS.items()]
    assert [o.status_code for o in outcomes] == [200, 200, 200]
    assert outcomes[0].json()["pending_roles"] == ["Product Owner", "Security Lead"]
    assert outcomes[-1].json()["status"] == "Approved"
    done = _move(client, people["ada"], spec["id"], "Implemented")
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "Implemented"
    listed = client.get(f"/api/v1/specs/{spec['id']}/approvals", headers=people["vic"]).json()
    assert [(a["reviewer"], a["decision"], a["current"]) for a in listed] == [
        ("tom", "approve", True),
        ("pat", "approve", True),
        ("sue", "approve", True),
    ]


def test_a_change_request_sends_the_spec_back_to_draft(client: TestClient, people: People) -> None:
    spec = _spec(client, people, draft("Ledger", "ada"))
    _move(client, people["ada"], spec["id"], "Review")
    response = _decide(client, people["sue"], spec["id"], "Security Lead", "request_changes")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "Draft"


def test_approving_for_a_role_you_do_not_hold_is_403(client: TestClient, people: People) -> None:
    spec = _spec(client, people, draft("Ledger", "ada"))
    _move(client, people["ada"], spec["id"], "Review")
    response = _decide(client, people["tom"], spec["id"], "Security Lead")
    assert response.status_code == 403
    assert "does not hold the role 'Security Lead'" in response.json()["detail"]


def test_an_invalid_decision_is_422(client: TestClient, people: People) -> None:
    spec = _spec(client, people, draft("Ledger", "ada"))
    response = _decide(client, people["tom"], spec["id"], "Technical Lead", "maybe")
    assert response.status_code == 422
    assert "'decision'" in response.json()["detail"]


def test_revisions_and_a_diff_show_the_workflow_write_back(
    client: TestClient, people: People
) -> None:
    spec = _spec(client, people, draft("Ledger", "ada"))
    _move(client, people["ada"], spec["id"], "Review")
    url = f"/api/v1/specs/{spec['id']}"
    history = client.get(f"{url}/revisions", headers=people["vic"]).json()
    assert [(r["number"], r["kind"], r["status"]) for r in history] == [
        (1, "import", "Draft"),
        (2, "workflow", "Review"),
    ]
    second = client.get(f"{url}/revisions/2", headers=people["vic"]).json()
    assert "**Status**: Review" in second["content"]
    missing = client.get(f"{url}/revisions/9", headers=people["vic"])
    assert missing.status_code == 404
    diff = client.get(f"{url}/diff?from=1&to=2", headers=people["vic"]).json()
    assert (diff["old"], diff["new"], diff["empty"]) == (1, 2, False)
    assert any(change["key"] == "Status" for change in diff["metadata"])


def test_templates_list_the_builtin_one_and_admins_add_more(
    client: TestClient, people: People
) -> None:
    from techspec.lint.template import builtin_template

    listed = client.get("/api/v1/templates", headers=people["vic"]).json()
    assert listed[0]["name"] == "technical-spec"
    assert listed[0]["signoff_roles"] == list(REVIEWERS.values())
    text = builtin_template().text + "\n## Glossary\n\n- [Term]: [Definition]\n"
    added = client.post(
        "/api/v1/templates", json={"name": "lean", "content": text}, headers=people["root"]
    )
    assert added.status_code == 201, added.text
    names = [t["name"] for t in client.get("/api/v1/templates", headers=people["vic"]).json()]
    assert names == ["technical-spec", "adr", "rfc", "lean"]
    clash = client.post(
        "/api/v1/templates",
        json={"name": "lean", "content": text + "\n## More\n"},
        headers=people["root"],
    )
    assert clash.status_code == 409
    builtin_again = client.post(
        "/api/v1/templates",
        json={"name": "copy", "content": builtin_template().text},
        headers=people["root"],
    )
    assert "already known as 'technical-spec'" in builtin_again.json()["detail"]


def test_a_template_that_does_not_compile_is_422(client: TestClient, people: People) -> None:
    response = client.post(
        "/api/v1/templates",
        content=b"just words\n",
        params={"name": "bad"},
        headers={**people["root"], "Content-Type": "text/markdown"},
    )
    assert response.status_code == 422, response.text


def test_the_audit_log_records_api_actions_and_verifies(client: TestClient, people: People) -> None:
    spec = _spec(client, people, draft("Ledger", "ada"))
    _move(client, people["ada"], spec["id"], "Review")
    events = client.get("/api/v1/audit", params={"spec": spec["id"]}, headers=people["root"]).json()
    assert [(e["actor"], e["action"]) for e in events] == [
        ("ada", "spec.created"),
        ("ada", "status.changed"),
        # one review request per sign-off role's holder, in the submit's transaction
        ("ada", "review.requested"),
        ("ada", "review.requested"),
        ("ada", "review.requested"),
    ]
    assert [e["details"]["reviewer"] for e in events[2:]] == ["tom", "pat", "sue"]
    verified = client.get("/api/v1/audit/verify", headers=people["root"]).json()
    assert verified["ok"] is True
    assert verified["checked"] >= 2


def test_stateless_lint_returns_the_json_report_for_posted_markdown(
    client: TestClient, people: People
) -> None:
    response = client.post(
        "/api/v1/lint",
        content=raw_draft().encode(),
        headers={**people["vic"], "Content-Type": "text/markdown"},
    )
    assert response.status_code == 200
    report = response.json()
    assert report["version"] == 1
    assert report["files"][0]["path"] == "-"
    assert report["summary"]["warnings"] > 0
    selected = client.post(
        "/api/v1/lint?select=TS101",
        json={"content": raw_draft(), "path": "draft.md"},
        headers=people["vic"],
    ).json()
    assert selected["files"][0]["path"] == "draft.md"
    assert {f["rule"].split("/")[0] for f in selected["files"][0]["findings"]} <= {"TS101"}
    unknown = client.post(
        "/api/v1/lint?select=TS9x9", json={"content": raw_draft()}, headers=people["vic"]
    )
    assert unknown.status_code == 400
