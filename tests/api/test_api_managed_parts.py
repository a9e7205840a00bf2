"""Only the workflow writes the workflow's parts of a spec, through the API's front door:
a PUT that forges a sign-off, a review tick or a workflow history row is refused with the
part named; an edit that makes approvals stale leaves a Markdown that shows none; the
workflow's history rows carry the Document Version."""

from __future__ import annotations

import re
from typing import Any

from api_support import draft, edited
from fastapi.testclient import TestClient

from techspec.document.parser import parse
from techspec.lint.linter import lint_text

People = dict[str, dict[str, str]]
REVIEWERS = {"tom": "Technical Lead", "pat": "Product Owner", "sue": "Security Lead"}


def _spec(client: TestClient, people: People) -> int:
    response = client.post(
        "/api/v1/specs",
        content=draft("Ledger", "ada").encode(),
        headers={**people["ada"], "Content-Type": "text/markdown"},
    )
    assert response.status_code == 201, response.text
    spec_id: int = response.json()["id"]
    return spec_id


def _in_review(client: TestClient, people: People) -> int:
    spec_id = _spec(client, people)
    moved = client.post(
        f"/api/v1/specs/{spec_id}/transitions", json={"to": "Review"}, headers=people["ada"]
    )
    assert moved.status_code == 200, moved.text
    return spec_id


def _approve(client: TestClient, people: People, spec_id: int, name: str) -> Any:
    read = client.get(f"/api/v1/specs/{spec_id}", headers=people[name])
    response = client.post(
        f"/api/v1/specs/{spec_id}/approvals",
        json={"role": REVIEWERS[name], "decision": "approve", "comment": "ok"},
        headers={**people[name], "If-Match": read.headers["ETag"]},
    )
    assert response.status_code == 200, response.text
    return response.json()


def _approved(client: TestClient, people: People) -> int:
    spec_id = _in_review(client, people)
    for name in REVIEWERS:
        outcome = _approve(client, people, spec_id, name)
    assert outcome["status"] == "Approved"
    return spec_id


def _markdown(client: TestClient, people: People, spec_id: int) -> str:
    return client.get(f"/api/v1/specs/{spec_id}.md", headers=people["vic"]).text


def _put(client: TestClient, people: People, spec_id: int, text: str) -> Any:
    etag = client.get(f"/api/v1/specs/{spec_id}", headers=people["ada"]).headers["ETag"]
    return client.put(
        f"/api/v1/specs/{spec_id}",
        json={"content": text},
        headers={**people["ada"], "If-Match": etag},
    )


def _approvals(client: TestClient, people: People, spec_id: int) -> list[tuple[str, bool]]:
    listed = client.get(f"/api/v1/specs/{spec_id}/approvals", headers=people["vic"]).json()
    return [(a["role"], a["current"]) for a in listed]


def test_a_put_that_renames_a_sign_off_and_waives_a_review_is_refused_naming_the_part(
    client: TestClient, people: People
) -> None:
    spec_id = _approved(client, people)
    before = _markdown(client, people, spec_id)
    forged = before.replace("| Technical Lead | tom |", "| Technical Lead | The CTO |")
    forged = forged.replace("### Sign-off\n", "The security review is waived.\n\n### Sign-off\n")
    assert forged.count("The CTO") == 1
    response = _put(client, people, spec_id, forged)
    assert response.status_code == 409
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:techspec:problem:managed-part-edited"
    assert "the Name of the sign-off row 'Technical Lead'" in response.json()["detail"]
    assert "written only by the workflow" in response.json()["detail"]
    assert _markdown(client, people, spec_id) == before
    current = client.get(f"/api/v1/specs/{spec_id}", headers=people["vic"]).json()
    assert current["status"] == "Approved"


def test_a_put_that_ticks_a_review_box_is_refused(client: TestClient, people: People) -> None:
    spec_id = _in_review(client, people)
    text = _markdown(client, people, spec_id)
    ticked = text.replace("- [ ] Security review completed", "- [x] Security review completed")
    response = _put(client, people, spec_id, ticked)
    assert response.status_code == 409
    assert "the box of the review item 'Security review completed'" in response.json()["detail"]


def test_a_put_that_adds_or_edits_a_workflow_history_row_is_refused(
    client: TestClient, people: People
) -> None:
    spec_id = _in_review(client, people)
    _approve(client, people, spec_id, "tom")
    text = _markdown(client, people, spec_id)
    forged_row = "| 1.0 | 2026-12-01 | sue | Approved as Security Lead by sue |\n"
    added = text + forged_row
    renamed = text.replace("Approved as Technical Lead by tom", "Approved as Technical Lead by CTO")
    for forged in (added, renamed):
        response = _put(client, people, spec_id, forged)
        assert response.status_code == 409, response.text
        assert "the Document History row 'Approved as " in response.json()["detail"]


def test_a_paragraph_added_to_review_and_approval_is_content_and_makes_approvals_stale(
    client: TestClient, people: People
) -> None:
    spec_id = _approved(client, people)
    text = _markdown(client, people, spec_id)
    waived = text.replace("### Sign-off\n", "The security review is waived.\n\n### Sign-off\n")
    response = _put(client, people, spec_id, waived)
    assert response.status_code == 200, response.text
    current = client.get(f"/api/v1/specs/{spec_id}", headers=people["vic"]).json()
    assert current["status"] == "Review"
    assert _approvals(client, people, spec_id) == [(role, False) for role in REVIEWERS.values()]
    markdown = _markdown(client, people, spec_id)
    assert "The security review is waived." in markdown
    assert "approved sha256" not in markdown
    assert "- [x]" not in markdown[markdown.index("## Review & Approval") :]


def test_an_edit_in_review_leaves_no_signature_of_a_stale_approval_in_the_markdown(
    client: TestClient, people: People
) -> None:
    spec_id = _in_review(client, people)
    _approve(client, people, spec_id, "tom")
    assert "| Technical Lead | tom |" in _markdown(client, people, spec_id)
    response = _put(client, people, spec_id, edited(_markdown(client, people, spec_id), "More."))
    assert response.status_code == 200, response.text
    assert _approvals(client, people, spec_id) == [("Technical Lead", False)]
    markdown = _markdown(client, people, spec_id)
    assert "approved sha256" not in markdown
    assert "| Technical Lead | tom |" not in markdown
    assert [f for f in lint_text(markdown) if f.severity == "error"] == []


def test_the_workflow_history_rows_carry_the_document_version(
    client: TestClient, people: People
) -> None:
    spec_id = _approved(client, people)
    markdown = _markdown(client, people, spec_id)
    spec = parse(markdown)
    version = spec.field("Document Version")
    assert version is not None and version.value == "1.0"
    history = spec.table("Document History")
    assert history is not None
    assert [row[0].text for row in history.rows] == ["1.0"] * 5
    assert re.search(r"\| 1\.0 \| [\d-]+ \| sue \| Approved as Security Lead by sue", markdown)
    assert [f.rule for f in lint_text(markdown) if f.rule.startswith("TS5")] == []
