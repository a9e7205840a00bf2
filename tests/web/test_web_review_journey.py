"""A whole review in a real browser, with real mail: the author submits, both reviewers
get a mail whose link opens the spec; one starts a thread on a quote and raises a
blocking concern, the other suggests a change; the author (told by mail, link to the
exact thread) applies the suggestion and answers; the concern holds the spec back from
Approved until it is resolved; an edit makes a thread outdated; and each reviewer's inbox
shows every item and clears them, with a screenshot of the inbox on the way."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from web_support import Server, Tab, Tabs, filled, raw_draft, select_text, serve

from mail_support import SmtpServer, text_of
from techspec.service import specs
from techspec.store import profiles, revisions, workflow
from techspec.store.engine import Store, open_store
from techspec.store.users import find_user

LIMIT = "The API allows **100 requests** per second per client."
RETRIES = "Clients retry **3 times** with backoff."
LINK = re.compile(r"Open it: (\S+)")


@pytest.fixture(scope="module")
def mail_server(
    tmp_path_factory: pytest.TempPathFactory, template_db: Path, smtp_server: SmtpServer
) -> Iterator[Server]:
    """A server of its own that mails through the session's SMTP server."""
    base = tmp_path_factory.mktemp("mail-web-server")
    shutil.copyfile(template_db, base / "techspec.db")
    settings = {"TECHSPEC_SMTP_URL": smtp_server.url, "TECHSPEC_MAIL_POLL_SECONDS": "0.1"}
    with serve(f"sqlite:///{base / 'techspec.db'}", base / "server.log", settings=settings) as up:
        yield up


@pytest.fixture
def mail_tabs(browser: object, mail_server: Server) -> Iterator[Tabs]:
    found = Tabs(browser, mail_server.url)  # type: ignore[arg-type]
    yield found
    errors = found.close()
    assert errors == [], "console errors:\n" + "\n".join(errors)


def _link_in_mail(smtp: SmtpServer, to: str, wanted: str) -> str:
    """The link of the mail to ``to`` whose text holds ``wanted`` (waited for)."""
    address = f"{to}@example.test"

    def found(_all: object) -> bool:
        return any(wanted in text_of(m) for m in smtp.sink.to(address))

    smtp.sink.wait_for(found)
    mail = next(m for m in smtp.sink.to(address) if wanted in text_of(m))
    match = LINK.search(text_of(mail))
    assert match is not None
    return match.group(1)


def _inbox_count(page: Page) -> str:
    badge = page.locator("#nav-inbox .nav-count")
    return badge.inner_text() if badge.count() else "0"


def _start_thread(tab: Tab, quote: str, kind: str, body: str, replacement: str = "") -> None:
    page = tab.page
    select_text(page, quote)
    page.get_by_role("button", name="Comment on selection").click()
    form = page.locator("#new-thread")
    form.get_by_role("radio", name=kind).check()
    if replacement:
        form.get_by_label("Replace the quote with").fill(replacement)
    form.get_by_label("Comment (Markdown").fill(body)
    form.get_by_role("button", name="Start thread").click()
    expect(page.locator(".flash")).to_contain_text("opened")


def test_a_review_by_mail_threads_and_inbox_from_submit_to_a_clear_inbox(
    mail_tabs: Tabs, mail_server: Server, smtp: SmtpServer
) -> None:
    store: Store = open_store(mail_server.db_url)
    try:
        for name in ("ada", "tom", "sue"):
            profiles.set_profile(store, name, email=f"{name}@example.test")
        text = filled(raw_draft("Rate Limits", "ada")).replace(
            "## Executive Summary\n\n", f"## Executive Summary\n\n{LIMIT}\n\n{RETRIES}\n\n", 1
        )
        text = text.replace("**Reviewers**: List of reviewers", "**Reviewers**: tom, sue")
        specs.create(store, find_user(store, "ada"), text, slug="rate-limits")
        url = "/specs/rate-limits"

        # Ada submits; the review panel and both reviewers' mails say who owes a review.
        ada = mail_tabs.signed_in("ada")
        page = ada.go(url)
        page.get_by_label("Reviews due").fill("2031-03-04")
        page.get_by_role("button", name="Submit for review").click()
        expect(page.locator(".flash", has_text="Review requested")).to_have_text(
            "Review requested from tom, sue, pat (Product Owner)."
        )
        panel = page.locator("section.review-requests")
        expect(panel.locator("li.request.open")).to_have_count(3)  # and pat, for his role
        expect(panel).to_contain_text("due 2031-03-04")
        tom_link = _link_in_mail(smtp, "tom", "asks for your review")
        sue_link = _link_in_mail(smtp, "sue", "asks for your review")
        assert tom_link == sue_link == mail_server.url + url

        # Tom follows his mail's link, starts a thread on a quote and a blocking concern.
        tom = mail_tabs.signed_in("tom")
        page = tom.page
        page.goto(tom_link)
        expect(page.locator("h1.spec-title")).to_contain_text("Rate Limits")
        expect(page.locator("#nav-inbox .nav-count")).to_have_text("1")
        _start_thread(tom, "100 requests", "Comment", "Is 100 enough for batch jobs, @ada?")
        _start_thread(tom, "3 times", "Blocking concern", "Retries without jitter stampede us.")

        # Sue follows hers and suggests a change on another quote.
        sue = mail_tabs.signed_in("sue")
        sue.page.goto(sue_link)
        _start_thread(sue, "per client", "Suggestion", "Limit per token.", "per API token")

        # Ada hears of each by mail, with a link to the exact thread.
        suggestion_link = _link_in_mail(smtp, "ada", "sue opened a suggestion thread")
        assert re.fullmatch(re.escape(mail_server.url + url) + r"#thread-\d+", suggestion_link)
        mention_link = _link_in_mail(smtp, "ada", "tom mentioned you")
        page = ada.go("/inbox")  # (from another page: a link to the same page only scrolls)
        page.goto(suggestion_link)
        thread_id = suggestion_link.rsplit("-", 1)[1]
        suggestion = page.locator(f"article#thread-{thread_id}")
        expect(suggestion).to_be_visible()
        suggestion.get_by_role("button", name="Apply suggestion").click()
        expect(page.locator(".spec-body")).to_contain_text("per second per API token")
        ada.go("/inbox")
        page.goto(mention_link)
        comment = page.locator(f"article#thread-{mention_link.rsplit('-', 1)[1]}")
        comment.locator("summary", has_text="Reply").click()
        comment.get_by_label("Reply to thread").fill("Batch jobs get their own token.")
        comment.get_by_role("button", name="Reply", exact=True).click()
        expect(comment.locator(".comment")).to_have_count(2)

        # The blocking concern refuses Approved, in the panel's words, until resolved.
        expect(page.locator(".workflow")).to_contain_text("blocking concern #")
        assert any(
            "blocking concern" in g.reason for g in workflow.check(store, "rate-limits", "Approved")
        )
        page = tom.go(url)
        page.locator("article.thread.blocking").get_by_role("button", name="Resolve").click()
        expect(page.locator(".workflow")).not_to_contain_text("blocking concern #")
        assert not any(
            "blocking concern" in g.reason for g in workflow.check(store, "rate-limits", "Approved")
        )

        # An edit that drops Tom's quote marks his thread outdated; he is told so.
        current = revisions.get_revision(store, "rate-limits")
        edited = current.text.replace("**100 requests**", "**500 requests**")
        revisions.save(
            store, "rate-limits", edited, base=current.number, author=find_user(store, "ada")
        )

        # Tom's inbox shows every item; he reads them one by one until none is left.
        page = tom.go("/inbox")
        items = page.locator("li.inbox-item")
        summaries = items.all_inner_texts()
        joined = "\n".join(summaries)
        assert "ada asks for your review" in joined
        assert "ada replied in a thread" in joined
        assert "is outdated" in joined
        assert "ada applied a suggestion" not in joined  # not his thread
        unread = page.locator("li.inbox-item.unread")
        count = unread.count()
        assert count >= 3 and _inbox_count(page) == str(count)
        tom.shot("inbox")
        for left in range(count, 0, -1):
            page.locator("li.inbox-item.unread").first.get_by_role(
                "button", name="Mark read"
            ).click()
            expect(page.locator("li.inbox-item.unread")).to_have_count(left - 1)
        expect(page.locator("#nav-inbox .nav-count")).to_have_count(0)

        # Sue clears hers at once.
        page = sue.go("/inbox")
        expect(page.locator("li.inbox-item.unread").first).to_be_visible()
        page.get_by_role("button", name="Mark all read").click()
        expect(page.locator(".flash")).to_contain_text("read.")
        expect(page.locator("li.inbox-item.unread")).to_have_count(0)
    finally:
        store.close()
