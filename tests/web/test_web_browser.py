"""The web UI in a real browser: every page without console errors (and captured for
the README), hostile Markdown kept inert, CSRF and role checks, a save conflict, and
pages that work without JavaScript."""

from __future__ import annotations

from urllib.parse import quote

from playwright.sync_api import Dialog, expect
from web_support import PHONE, Tabs, filled, raw_draft

from techspec.store import revisions, workflow
from techspec.store.engine import Store
from techspec.store.users import find_user

XSS = """
<script>window.__xss = 'script';</script>

[click me](javascript:window.__xss='link')

<img src="/static/favicon.svg" onerror="window.__xss='onerror'" onload="window.__xss='onload'">

<iframe src="javascript:window.top.__xss='iframe'"></iframe>

<a href="#" onclick="window.__xss='onclick'">plain link</a>
"""


def _spec(store: Store, title: str, *, author: str = "ada", review: bool = False) -> str:
    """A spec made without clicking: a clean Draft (or submitted to Review); its slug."""
    user = find_user(store, author)
    slug = title.casefold().replace(" ", "-")
    revisions.create_spec(store, slug, filled(raw_draft(title, author)), author=user)
    if review:
        workflow.submit(store, slug, user)
    return slug


def test_every_page_loads_without_console_errors_on_a_wide_screen_and_a_phone(
    tabs: Tabs, served_store: Store
) -> None:
    slug = _spec(served_store, "Console Check", review=True)
    admin = tabs.signed_in("root")
    for path in (
        "/",
        "/specs",
        "/specs?q=ledger",
        "/specs?status=Review&sort=title",
        f"/specs/{slug}",
        f"/specs/{slug}/history",
        f"/specs/{slug}/diff?from=1&to=2",
        "/audit",
        "/templates",
        "/new",
        "/no/such/page",
    ):
        admin.go(path)
        expect(admin.page.locator("main h1").first).to_be_visible()
    admin.go(f"/specs/{slug}/edit")
    admin.page.locator("#text").press("End")
    admin.page.locator("#text").type(" more")
    expect(admin.page.locator("#findings")).to_be_visible()
    admin.page.get_by_role("link", name="Templates").click()
    admin.page.locator(".template-list a").first.click()
    expect(admin.page.locator(".spec-body h2").first).to_be_visible()

    reviewer = tabs.signed_in("tom")
    reviewer.shot("dashboard")
    reviewer.go("/specs/0003-broken-notifications")
    reviewer.shot("spec-page")
    reviewer.go("/specs?q=ledger")
    reviewer.shot("spec-list")
    admin.go("/audit")
    admin.shot("audit")
    phone = tabs.signed_in("tom", viewport=PHONE)
    phone.shot("dashboard-phone")
    phone.go("/specs/0003-broken-notifications")
    phone.shot("spec-page-phone")
    anonymous = tabs.open()
    anonymous.go("/specs")
    expect(anonymous.page.get_by_role("heading", name="Sign in")).to_be_visible()
    anonymous.shot("sign-in")


def test_script_tags_javascript_links_event_handlers_and_iframes_in_a_spec_stay_inert(
    tabs: Tabs, served_store: Store
) -> None:
    title = "Hostile <script>window.__xss='title'</script>"
    text = filled(raw_draft(title)).replace(
        "## Executive Summary\n\n", f"## Executive Summary\n\n{XSS}\n\n", 1
    )
    slug = "hostile-spec"
    revisions.create_spec(served_store, slug, text, author=find_user(served_store, "ada"))
    tab = tabs.signed_in("ada")
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    tab.page.on("dialog", on_dialog)
    for path in (f"/specs/{slug}", "/specs?q=hostile", "/", f"/specs/{slug}/edit"):
        tab.go(path)
        tab.page.wait_for_load_state("load")
        assert tab.page.evaluate("() => window.__xss === undefined"), path
    body = tab.page.locator("#preview .spec-body")
    assert body.locator("script, iframe").count() == 0
    assert body.locator("[onerror], [onload], [onclick], a[href^='javascript']").count() == 0
    tab.go(f"/specs/{slug}")
    expect(tab.page.locator(".spec-title")).to_contain_text("window.__xss='title'")
    tab.page.get_by_role("link", name="plain link").click()
    tab.page.get_by_text("click me").click()
    assert tab.page.evaluate("() => window.__xss === undefined")
    assert dialogs == []


def test_a_form_posted_without_its_csrf_token_is_refused(tabs: Tabs, served_store: Store) -> None:
    slug = _spec(served_store, "Csrf Check")
    tab = tabs.signed_in("ada")
    tab.go(f"/specs/{slug}")
    form = tab.page.locator("form", has=tab.page.get_by_role("button", name="Submit for review"))
    form.locator('input[name="csrf"]').evaluate("input => input.remove()")
    form.get_by_role("button").click()
    expect(tab.page.locator(".error-code")).to_have_text("403")
    expect(tab.page.locator(".error-message")).to_contain_text("security token")
    forged = tab.page.request.post(
        f"{tab.base}/specs/{slug}/submit", form={"csrf": "forged"}, max_redirects=0
    )
    assert forged.status == 403
    assert revisions.get_spec(served_store, slug).status == "Draft"


def test_a_viewer_sees_no_edit_or_approve_buttons_and_gets_403_when_posting_anyway(
    tabs: Tabs, served_store: Store
) -> None:
    slug = _spec(served_store, "Viewer Check", review=True)
    tab = tabs.signed_in("vic")
    tab.go(f"/specs/{slug}")
    expect(tab.page.locator(".spec-title")).to_be_visible()
    assert tab.page.get_by_role("link", name="Edit").count() == 0
    assert tab.page.get_by_role("button", name="Approve").count() == 0
    assert tab.page.locator("form[action$='/approve'], form[action$='/submit']").count() == 0
    assert tab.page.get_by_role("link", name="New spec").count() == 0
    token = tab.csrf()
    base = f"{tab.base}/specs/{quote(slug)}"
    posts: dict[str, dict[str, str | float | bool]] = {
        "/approve": {"csrf": token, "role": "Technical Lead", "revision": "2"},
        "/edit": {"csrf": token, "text": "# Technical Specification: Mine", "base": "2"},
        "/submit": {"csrf": token},
    }
    for suffix, form in posts.items():
        response = tab.page.request.post(base + suffix, form=form, max_redirects=0)
        assert response.status == 403, suffix
    assert tab.page.request.get(base + "/edit").status == 403
    tab.go(f"/specs/{slug}/edit")
    expect(tab.page.locator(".error-code")).to_have_text("403")


def test_a_save_based_on_an_old_revision_shows_the_merge_before_saving_it(
    tabs: Tabs, served_store: Store
) -> None:
    slug = _spec(served_store, "Conflict Check")
    tab = tabs.signed_in("ada")
    tab.go(f"/specs/{slug}/edit")
    mine = tab.page.locator("#text").input_value().replace("Initial version", "My version")
    tab.page.locator("#text").fill(mine)
    current = revisions.get_revision(served_store, slug)
    theirs = current.text.replace("## Scope\n", "## Scope\n\nScope agreed with finance.\n", 1)
    revisions.save(
        served_store, slug, theirs, base=current.number, author=find_user(served_store, "ada")
    )
    tab.page.get_by_role("button", name="Save").click()
    merged = tab.page.locator(".alert.merged")
    expect(merged).to_contain_text(f"Merged with revision {current.number + 1}")
    merged.locator("summary").click()
    expect(merged.locator(".dl.add", has_text="Scope agreed with finance.")).to_be_visible()
    text = tab.page.locator("#text").input_value()
    assert "My version" in text and "Scope agreed with finance." in text
    tab.shot("conflict")
    tab.page.get_by_role("button", name="Save").click()
    expect(tab.page.locator(".flash")).to_contain_text(f"Saved revision {current.number + 2}")
    saved = revisions.get_revision(served_store, slug).text
    assert "My version" in saved and "Scope agreed with finance." in saved


def test_pages_can_be_read_and_edited_without_javascript(tabs: Tabs, served_store: Store) -> None:
    slug = _spec(served_store, "No Script")
    tab = tabs.open(javascript=False)
    page = tab.go("/login")
    page.get_by_label("User name").fill("ada")
    page.get_by_label("Password").fill("ada-correct-horse")
    page.get_by_role("button", name="Sign in").click()
    tab.go(f"/specs/{slug}")
    expect(page.locator(".spec-body h2").first).to_have_text("Executive Summary")
    page.get_by_role("link", name="Edit").click()
    text = page.locator("#text").input_value()
    page.locator("#text").fill(text.replace("## Scope", "## Scope\n\n[Who owns it]", 1))
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#findings")).to_contain_text("placeholder '[Who owns it]'")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_contain_text("Saved revision 2")
