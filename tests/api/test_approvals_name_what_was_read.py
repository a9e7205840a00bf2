"""An approval binds to the text its reviewer read.  A reviewer opens a spec, the owner
saves an edit, the reviewer approves the page they had open: the approval is refused,
through every front door, and nothing is recorded for text the reviewer never saw.  A
workflow write-back (another reviewer's sign-off) keeps the content, so it is no reason
to refuse."""

from __future__ import annotations

from typing import Any

import pytest
from api_support import draft, edited
from click.testing import CliRunner
from doors import sign_in
from fastapi.testclient import TestClient

from techspec.cli import cli
from techspec.service import passwords
from techspec.store import approvals, revisions
from techspec.store.engine import Store

People = dict[str, dict[str, str]]


@pytest.fixture
def in_review(client: TestClient, people: People) -> dict[str, Any]:
    """Ada's clean Draft, submitted: its JSON, with the ETag a reviewer reads."""
    created = client.post(
        "/api/v1/specs",
        content=draft("Ledger", "ada"),
        headers={**people["ada"], "Content-Type": "text/markdown"},
    )
    spec_id = created.json()["id"]
    moved = client.post(
        f"/api/v1/specs/{spec_id}/transitions", json={"to": "Review"}, headers=people["ada"]
    )
    assert moved.status_code == 200, moved.text
    read = client.get(f"/api/v1/specs/{spec_id}", headers=people["tom"])
    return {"id": spec_id, "etag": read.headers["ETag"], "number": moved.json()["revision"]}


def _edit_by_owner(client: TestClient, people: People, spec_id: int) -> str:
    current = client.get(f"/api/v1/specs/{spec_id}.md", headers=people["ada"])
    saved = client.put(
        f"/api/v1/specs/{spec_id}",
        content=edited(current.text, "The security review is waived."),
        headers={
            **people["ada"],
            "Content-Type": "text/markdown",
            "If-Match": current.headers["ETag"],
        },
    )
    assert saved.status_code == 200, saved.text
    return saved.headers["ETag"]


def _approve(client: TestClient, people: People, spec_id: int, etag: str | None) -> Any:
    headers = {**people["tom"], **({"If-Match": etag} if etag else {})}
    return client.post(
        f"/api/v1/specs/{spec_id}/approvals",
        json={"role": "Technical Lead", "decision": "approve"},
        headers=headers,
    )


def test_the_api_refuses_an_approval_of_a_revision_edited_since_with_412(
    client: TestClient, people: People, store: Store, in_review: dict[str, Any]
) -> None:
    now = _edit_by_owner(client, people, in_review["id"])
    refused = _approve(client, people, in_review["id"], in_review["etag"])
    assert refused.status_code == 412
    assert refused.headers["ETag"] == now
    assert refused.json()["detail"] == (
        f"spec 'ledger' has changed since revision {in_review['number']}, which you read "
        f"(it is at revision {in_review['number'] + 1}): read the changes and decide again"
    )
    assert approvals.for_spec(store, in_review["id"], "") == []


def test_the_api_needs_the_etag_of_the_revision_read_428_without(
    client: TestClient, people: People, in_review: dict[str, Any]
) -> None:
    assert _approve(client, people, in_review["id"], None).status_code == 428
    assert _approve(client, people, in_review["id"], in_review["etag"]).status_code == 200


def test_another_reviewers_sign_off_is_no_reason_to_refuse(
    client: TestClient, people: People, in_review: dict[str, Any]
) -> None:
    """A write-back changes the revision, not the content the reviewer read."""
    read = client.get(f"/api/v1/specs/{in_review['id']}", headers=people["pat"])
    first = client.post(
        f"/api/v1/specs/{in_review['id']}/approvals",
        json={"role": "Product Owner", "decision": "approve"},
        headers={**people["pat"], "If-Match": read.headers["ETag"]},
    )
    assert first.status_code == 200, first.text
    assert _approve(client, people, in_review["id"], in_review["etag"]).status_code == 200


def test_the_web_shows_what_changed_since_the_page_was_opened_and_records_nothing(
    client: TestClient, people: People, store: Store, in_review: dict[str, Any]
) -> None:
    passwords.set_password(store, "tom", "tom-reads-carefully")
    sign_in(client, "tom", "tom-reads-carefully")
    page = client.get("/specs/ledger").text
    assert f'name="revision" value="{in_review["number"]}"' in page
    csrf = page.split('"X-CSRF-Token": "', 1)[1].split('"', 1)[0]
    _edit_by_owner(client, people, in_review["id"])
    form = {"csrf": csrf, "role": "Technical Lead", "revision": str(in_review["number"])}
    refused = client.post("/specs/ledger/approve", data=form, follow_redirects=False)
    assert refused.status_code == 409
    assert "has changed since revision" in refused.text
    assert "The security review is waived." in refused.text
    assert approvals.for_spec(store, in_review["id"], "") == []


def test_the_cli_prints_the_content_it_approves_and_refuses_an_older_revision(
    client: TestClient, people: People, store: Store, db_url: str, in_review: dict[str, Any]
) -> None:
    _edit_by_owner(client, people, in_review["id"])
    old = str(in_review["number"])
    runner = CliRunner()
    refused = runner.invoke(cli, ["approve", "ledger", "--as", "tom", "-r", old, "--db", db_url])
    assert refused.exit_code == 3
    assert "has changed since revision" in refused.stderr
    assert approvals.for_spec(store, in_review["id"], "") == []
    current = revisions.get_revision(store, "ledger")
    approved = runner.invoke(cli, ["approve", "ledger", "--as", "tom", "--db", db_url])
    assert approved.exit_code == 0, approved.output
    assert approved.stdout.startswith(
        f"ledger: deciding on revision {current.number}, content sha256:{current.content_hash}\n"
    )
