"""The whole life of a spec in a real browser, as its author and its reviewers live it.

One test, because it is one story: each step starts where the previous one left off.
Screenshots of the main pages are taken on the way (see ``web_support.SCREENSHOTS``).
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from web_support import PHONE, REVIEWERS, Tab, Tabs, filled


def _status(page: Page) -> str:
    return page.locator(".spec-meta .badge").inner_text()


def _save(tab: Tab, text: str) -> Page:
    page = tab.page
    page.locator("#text").fill(text)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_contain_text("Saved revision")
    return page


def test_an_author_writes_a_spec_that_reviewers_approve_and_an_edit_sends_back_to_review(
    tabs: Tabs,
) -> None:
    author = tabs.signed_in("ada")
    page = author.page

    # A new spec from the template: a Draft full of placeholders.
    page.get_by_role("link", name="New spec").click()
    title = "Card Tokenization"
    page.get_by_label("Title").fill(title)
    page.get_by_label("Reviewers").fill("tom, pat, sue")
    author.shot("new-spec")
    page.get_by_role("button", name="Create draft").click()
    expect(page.locator(".spec-title")).to_have_text(title)
    assert _status(page) == "Draft"
    warnings = page.locator(".lint-card .finding.warning")
    expect(warnings.first).to_contain_text("placeholder")
    assert warnings.count() > 50
    spec_url = page.url

    # Submitting it is refused, and every unmet gate is listed.
    page.get_by_role("button", name="Submit for review").click()
    refusal = page.locator("#refused")
    expect(refusal).to_contain_text(re.compile(r"Not moved to Review: \d+ unmet gates"))
    expect(refusal.locator("li").first).to_contain_text("placeholder")
    assert _status(page) == "Draft"

    # In the editor the findings go away as the placeholders are replaced (live lint).
    page.get_by_role("link", name="Edit").click()
    findings = page.locator("#findings")
    expect(findings.locator(".finding").first).to_be_visible()
    text = page.locator("#text").input_value()
    page.locator("#text").fill(filled(text))
    expect(findings).to_contain_text("No findings")
    expect(findings.locator(".finding")).to_have_count(0)
    expect(page.locator("#preview")).to_contain_text("Executive Summary")
    page.locator("#text").evaluate("area => { area.scrollTop = 0; area.blur(); }")
    author.shot("editor")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_contain_text("Saved revision 2")

    # Now the submission is accepted.
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".flash")).to_have_text(
        [
            "Submitted for review by ada.",
            "Review requested from tom, pat, sue.",  # everyone holding a sign-off role
            "Status: Review.",
        ]
    )
    assert _status(page) == "Review"

    # Each reviewer approves in a browser of their own.
    for name, role in REVIEWERS.items():
        reviewer = tabs.signed_in(name)
        expect(
            reviewer.page.locator(".card", has_text="Waiting for your approval")
        ).to_contain_text(title)
        reviewer.go(spec_url.removeprefix(reviewer.base))
        reviewer.page.get_by_role("button", name=f"Approve as {role}").click()
        expect(reviewer.page.locator(".flash").first).to_contain_text(
            f"Approved as {role} by {name}"
        )
        expect(reviewer.page.locator(".approved-by-me")).to_contain_text("You approved this")
    page.reload()
    assert _status(page) == "Approved"
    expect(page.locator(".signoff.approved")).to_have_count(3)
    author.shot("approved")

    # An edit of the approved text makes every approval stale: back to Review.
    page.get_by_role("link", name="Edit").click()
    text = page.locator("#text").input_value()
    changed = text.replace(
        "## Executive Summary\n\n", "## Executive Summary\n\nNow with idempotent postings.\n\n", 1
    )
    _save(author, changed)
    expect(page.locator(".flash")).to_contain_text("approvals are stale")
    assert _status(page) == "Review"
    expect(page.locator(".signoff.stale")).to_have_count(3)
    since = page.locator("details.since").first
    since.locator("summary").click()
    expect(since).to_contain_text("Executive Summary")
    author.shot("stale-approvals")

    # The history compares any two revisions, section by section.
    page.get_by_role("link", name="History").click()
    author.shot("history")
    page.get_by_label("Compare from revision 2").check()
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("h1")).to_contain_text("Revision 2 →")
    expect(page.locator(".change.changed").first).to_be_visible()
    expect(page.locator(".dl.add", has_text="Now with idempotent postings.")).to_be_visible()
    author.shot("diff")

    phone = tabs.signed_in("ada", viewport=PHONE)
    phone.go(spec_url.removeprefix(phone.base))
    phone.shot("stale-approvals-phone")
