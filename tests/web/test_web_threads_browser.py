"""A review conversation in a real browser: a reviewer selects text in the rendered spec
and suggests a change, another raises a blocking concern, the author applies the
suggestion in one click and answers, and the concern holds the spec back until it is
resolved.  A screenshot of the thread view is taken on the way."""

from __future__ import annotations

from playwright.sync_api import expect
from web_support import Tabs, filled, raw_draft, select_text

from techspec.service import specs
from techspec.store import revisions
from techspec.store.engine import Store
from techspec.store.users import find_user

LIMIT = "The API allows **100 requests** per second per client."


def test_select_suggest_apply_and_a_blocking_concern_in_the_browser(
    tabs: Tabs, served_store: Store
) -> None:
    text = filled(raw_draft("Throttling", "ada")).replace(
        "## Executive Summary\n\n", f"## Executive Summary\n\n{LIMIT}\n\n", 1
    )
    slug = specs.create(served_store, find_user(served_store, "ada"), text, slug="throttling")
    url = f"/specs/{slug.spec.slug}"

    # Tom selects "100 requests per second" on the page and suggests a higher limit.
    tom = tabs.signed_in("tom")
    page = tom.go(url)
    select_text(page, "100 requests")
    page.get_by_role("button", name="Comment on selection").click()
    form = page.locator("#new-thread")
    expect(form.get_by_label("Section", exact=True)).to_have_value("Executive Summary")
    expect(form.locator("#nt-quote")).to_have_value("100 requests")
    expect(form.get_by_label("Replace the quote with")).to_be_hidden()
    form.get_by_label("Suggestion").check()
    form.get_by_label("Replace the quote with").fill("1000 requests")
    form.get_by_label("Comment (Markdown").fill("Our partners burst to **800**, @ada")
    form.get_by_role("button", name="Start thread").click()
    expect(page.locator(".flash")).to_contain_text("opened")
    suggestion = page.locator("article.thread.suggestion")
    expect(suggestion.locator(".dl.add")).to_contain_text("1000 requests")
    expect(page.locator("mark.thread-anchor")).to_have_text("100 requests")
    expect(suggestion.get_by_role("button", name="Apply suggestion")).to_have_count(0)

    # Sue raises a blocking concern on a section picked from the list.
    sue = tabs.signed_in("sue")
    page = sue.go(url)
    page.locator("#new-thread-box summary").click()
    form = page.locator("#new-thread")
    form.get_by_label("Section", exact=True).select_option("Executive Summary")
    form.get_by_label("Blocking concern").check()
    form.get_by_label("Comment (Markdown").fill("Who may lift the limit? Needs a threat model.")
    form.get_by_role("button", name="Start thread").click()
    expect(page.locator("article.thread.blocking")).to_contain_text("threat model")

    # Ada, the author, sees both beside the text, applies the suggestion and answers Sue.
    ada = tabs.signed_in("ada")
    page = ada.go(url)
    expect(page.locator("article.thread")).to_have_count(2)
    page.locator("mark.thread-anchor").evaluate(
        "mark => window.scrollTo(0, mark.getBoundingClientRect().top + window.scrollY - 200)"
    )
    ada.shot("threads")
    page.locator("article.thread.suggestion").get_by_role("button", name="Apply suggestion").click()
    expect(page.locator(".flash")).to_contain_text("applied as revision 2")
    expect(page.locator(".spec-body")).to_contain_text("The API allows 1000 requests per second")
    expect(page.locator("article.thread.suggestion")).to_contain_text("Resolved · applied in r2")
    blocking = page.locator("article.thread.blocking")
    blocking.locator("summary", has_text="Reply").click()
    blocking.get_by_label("Reply to thread").fill("Only the platform team; threat model added.")
    blocking.get_by_role("button", name="Reply", exact=True).click()
    expect(page.locator("article.thread.blocking .comment")).to_have_count(2)

    # The concern holds the spec back from Approved, in the panel's words, until resolved.
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".flash").first).to_contain_text("Submitted for review")
    expect(page.locator(".workflow")).to_contain_text("blocking concern #")
    expect(page.locator(".workflow")).to_contain_text("is open: it must be resolved first")
    page = sue.go(url)
    page.locator("article.thread.blocking").get_by_role("button", name="Resolve").click()
    expect(page.locator(".flash")).to_contain_text("resolved")
    expect(page.locator(".workflow")).not_to_contain_text("blocking concern #")
    assert revisions.get_spec(served_store, "throttling").status == "Review"
