"""In a real browser: a reviewer approves the page they opened, after the owner saved an
edit.  Nothing is recorded for text they never read; the page shows what changed since
and, read again, the approval goes through."""

from __future__ import annotations

from playwright.sync_api import expect
from web_support import Tabs, filled, raw_draft

from techspec.store import approvals, revisions, workflow
from techspec.store.engine import Store
from techspec.store.users import find_user


def test_approving_a_page_opened_before_an_edit_shows_the_changes_and_asks_again(
    tabs: Tabs, served_store: Store
) -> None:
    ada = find_user(served_store, "ada")
    slug = "read-before-approving"
    revisions.create_spec(
        served_store, slug, filled(raw_draft("Read Before Approving")), author=ada
    )
    workflow.submit(served_store, slug, ada)
    reviewer = tabs.signed_in("tom")
    reviewer.go(f"/specs/{slug}")
    approve = reviewer.page.get_by_role("button", name="Approve as Technical Lead")
    expect(approve).to_be_visible()

    opened = revisions.get_revision(served_store, slug)
    waived = opened.text.replace(
        "## Executive Summary\n\n", "## Executive Summary\n\nThe security review is waived.\n\n", 1
    )
    revisions.save(served_store, slug, waived, base=opened.number, author=ada)

    approve.click()
    changed = reviewer.page.locator("#changed")
    expect(changed).to_contain_text(f"has changed since revision {opened.number}")
    expect(changed).to_contain_text("The security review is waived.")
    spec = revisions.get_spec(served_store, slug)
    assert approvals.for_spec(served_store, spec.id, spec.content_hash) == []

    reviewer.page.get_by_role("button", name="Approve as Technical Lead").click()
    expect(reviewer.page.locator("#changed")).to_have_count(0)
    spec = revisions.get_spec(served_store, slug)
    [approval] = approvals.for_spec(served_store, spec.id, spec.content_hash)
    assert (approval.reviewer, approval.role, approval.current) == ("tom", "Technical Lead", True)
