"""The admin and token pages in Chromium, as an admin uses them (and screenshots of each
for the README): make a token and see its secret once, find a user and reset their
password, upload nothing but look at what the compiler made of a template, add a
webhook, confirm a deletion and restore the spec.  A viewer sees no Admin link and gets
the 403 page."""

from __future__ import annotations

from web_support import Tabs, raw_draft

from techspec.store import revisions
from techspec.store.engine import Store
from techspec.store.users import add_user, find_user


def test_an_admin_runs_techspec_from_the_browser(tabs: Tabs, served_store: Store) -> None:
    # Its own user and spec: the served store is shared with the rest of the browser suite.
    add_user(served_store, "quinn", ["viewer"])
    root = find_user(served_store, "root")
    revisions.create_spec(served_store, "short-lived", raw_draft("Short Lived"), author=root)
    tab = tabs.signed_in("root")
    page = tab.page

    page.get_by_role("link", name="Tokens").click()
    page.get_by_label("Name").fill("CI lint job")
    page.get_by_label("Scope").select_option("read")
    page.get_by_role("button", name="Make token").click()
    secret = page.locator("#token-secret").inner_text()
    assert secret.startswith("tsk_")
    tab.shot("tokens")
    tab.go("/tokens")  # the form's answer is gone, and the secret with it
    assert page.locator("#token-secret").count() == 0

    page.get_by_role("link", name="Admin").click()
    page.get_by_role("link", name="Users").click()
    tab.shot("admin-users")
    page.get_by_label("Search").fill("quin")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="quinn").click()
    page.get_by_role("button", name="Reset password").click()
    assert len(page.locator("#one-time-password").inner_text()) >= 12
    tab.shot("admin-user")

    page.get_by_role("navigation", name="Administration").get_by_role(
        "link", name="Templates"
    ).click()
    page.locator("table a").first.click()
    assert page.get_by_role("heading", name="What the compiler inferred").is_visible()
    tab.shot("admin-template", full_page=True)

    tab.go("/admin/webhooks")
    page.get_by_label("URL").fill("https://chat.example.com/hooks/techspec")
    page.get_by_role("button", name="Add").click()
    assert page.locator("#webhook-secret").is_visible()
    tab.shot("admin-webhooks")

    tab.go("/admin/specs")
    slug = "short-lived"
    page.get_by_role("row", name=slug).get_by_role("link", name="Delete…").click()
    assert page.locator("h1").inner_text() == f"Delete {slug}?"
    tab.shot("admin-delete")
    page.get_by_label(f"Type {slug} to confirm").fill(slug)
    page.get_by_role("button", name="Delete the spec").click()
    page.get_by_role("row", name=slug).get_by_role("button", name="Restore").click()
    page.wait_for_url(f"**/specs/{slug}")
    assert page.locator(".flash").inner_text() == f"Restored {slug}."

    page.get_by_role("link", name="Admin").click()
    page.get_by_role("button", name="Verify now").click()
    assert page.locator("#verification").inner_text().startswith("OK: ")  # every leaf re-hashed
    tab.shot("admin-audit")


def test_a_viewer_sees_no_admin_link_and_gets_403(tabs: Tabs) -> None:
    tab = tabs.signed_in("vic")
    assert tab.page.get_by_role("link", name="Admin").count() == 0
    answer = tab.page.goto(tab.base + "/admin/users")
    assert answer is not None and answer.status == 403
    assert tab.page.get_by_role("button", name="Reset password").count() == 0
