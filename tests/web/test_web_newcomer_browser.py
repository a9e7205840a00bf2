"""In Chromium: the places a newcomer's first hour stumbled, measured on the page.

A refused submit leaves the spec's own address in the address bar; on a 390 px phone
the status counts stay inside their cards and the list's "Sort by" box inside its
form; on a 1280 px screen the reading column is wide enough that table dates keep to
one line; a stale approval's diff in the side panel wraps instead of being cut off."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from web_support import Tabs, filled, raw_draft

from techspec.store import revisions, workflow
from techspec.store.engine import Store
from techspec.store.seen import Seen
from techspec.store.users import find_user

PHONE = {"width": 375, "height": 812}
"""The narrowest phone the suite checks (the issue's was 390 px)."""
LAPTOP = {"width": 1280, "height": 800}

OVERFLOWING = """(selector) => [...document.querySelectorAll(selector)].filter(
  (box) => box.scrollWidth > box.clientWidth + 1).length"""


def _page_fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] if page.viewport_size else True, width


def test_a_refused_submit_keeps_the_spec_s_address(tabs: Tabs, served_store: Store) -> None:
    ada = find_user(served_store, "ada")
    slug = "refused-submit-address"
    revisions.create_spec(served_store, slug, raw_draft("Refused Submit Address"), author=ada)
    tab = tabs.signed_in("ada")
    tab.go(f"/specs/{slug}")
    tab.page.get_by_role("button", name="Submit for review").click()
    expect(tab.page.locator("#refused")).to_contain_text("Not moved to Review")
    assert tab.page.url == f"{tab.base}/specs/{slug}"
    tab.page.reload()  # reads the spec again, asks nothing, posts nothing
    expect(tab.page.locator("h1.spec-title")).to_have_text("Refused Submit Address")
    assert revisions.get_spec(served_store, slug).status == "Draft"


def test_on_a_phone_the_status_counts_and_the_sort_box_fit(tabs: Tabs, tmp_path: Path) -> None:
    tab = tabs.signed_in("root", viewport=PHONE)
    page = tab.go("/")
    stats = page.locator(".stat")
    assert stats.count() == 4
    for index in range(stats.count()):
        card = stats.nth(index).bounding_box()
        count = stats.nth(index).locator(".stat-count").bounding_box()
        assert card is not None and count is not None
        assert count["x"] + count["width"] <= card["x"] + card["width"] - 4, index
        badge = stats.nth(index).locator(".badge").bounding_box()
        assert badge is not None
        middle = badge["y"] + badge["height"] / 2
        assert count["y"] <= middle <= count["y"] + count["height"], index  # one line
    _page_fits(page)
    page.screenshot(path=str(tmp_path / "dashboard-phone.png"))

    page = tab.go("/specs")
    form = page.locator("form.filters").bounding_box()
    sort = page.get_by_label("Sort by").bounding_box()
    assert form is not None and sort is not None
    assert sort["x"] >= form["x"] and sort["x"] + sort["width"] <= form["x"] + form["width"]
    longest = page.evaluate(
        """() => { const box = document.querySelector('select[name="sort"]');
        const probe = document.createElement('span');
        probe.style.font = getComputedStyle(box).font;
        probe.style.position = 'absolute';
        probe.textContent = [...box.options].map((o) => o.text)
          .reduce((a, b) => (a.length >= b.length ? a : b));
        document.body.append(probe);
        const width = probe.getBoundingClientRect().width; probe.remove(); return width; }"""
    )
    assert sort["width"] >= longest + 16  # the longest choice shows whole, with its arrow
    _page_fits(page)


def test_on_a_laptop_the_reading_column_keeps_table_dates_on_one_line(tabs: Tabs) -> None:
    tab = tabs.signed_in("root", viewport=LAPTOP)
    page = tab.go("/specs/0001-payments-ledger")
    column = page.locator(".doc").bounding_box()
    assert column is not None and column["width"] >= 640, column
    wrapped = page.evaluate(
        """() => [...document.querySelectorAll('.spec-body td')]
        .filter((cell) => /^\\d{4}-\\d{2}-\\d{2}$/.test(cell.textContent.trim()))
        .map((cell) => { const range = document.createRange(); range.selectNodeContents(cell);
          return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size; })"""
    )
    assert wrapped and all(lines == 1 for lines in wrapped), wrapped


def test_a_stale_approval_s_diff_wraps_in_the_side_panel(
    tabs: Tabs, served_store: Store, tmp_path: Path
) -> None:
    ada, tom = find_user(served_store, "ada"), find_user(served_store, "tom")
    slug = "stale-diff-wraps"
    revisions.create_spec(served_store, slug, filled(raw_draft("Stale Diff Wraps")), author=ada)
    workflow.submit(served_store, slug, ada)
    read = revisions.get_revision(served_store, slug)
    workflow.approve(served_store, slug, tom, "Technical Lead", seen=Seen(number=read.number))
    current = revisions.get_revision(served_store, slug)
    long_line = "The ledger keeps " + "every posting for seven years " * 8 + "and no less."
    text = current.text.replace(
        "## Executive Summary\n\n", f"## Executive Summary\n\n{long_line}\n\n", 1
    )
    revisions.save(served_store, slug, text, base=current.number, author=ada)

    tab = tabs.signed_in("tom", viewport=LAPTOP)
    page = tab.go(f"/specs/{slug}")
    page.locator(".decisions > summary").click() if not page.locator(
        ".decisions[open]"
    ).count() else None
    page.locator("details.since > summary").first.click()
    diff = page.locator(".workflow pre.diff").first
    expect(diff).to_be_visible()
    assert page.evaluate(OVERFLOWING, ".workflow pre.diff") == 0
    assert "seven years and no less." in (diff.text_content() or "")
    page.screenshot(path=str(tmp_path / "stale-diff.png"), full_page=False)


def test_the_exported_page_wraps_long_tokens_at_phone_and_a4_widths(
    tabs: Tabs, tmp_path: Path
) -> None:
    """``techspec render`` of an approved spec: its sign-off signatures, a long URL in a
    table and a long line of code wrap, so the page never scrolls sideways."""
    from techspec.authoring.render import render_html
    from techspec.service.demo import seed
    from techspec.store.engine import open_store

    store = open_store(f"sqlite:///{tmp_path / 'demo.db'}")
    seed(store)
    text = revisions.get_revision(store, "0001-payments-ledger").text
    store.close()
    extra = (
        "\n\n| Link | Note |\n| --- | --- |\n"
        f"| https://example.com/{'a' * 120} | {'x' * 90} |\n\n"
        f"```\n{'token_' * 40}\n```\n"
    )
    text = text.replace("## Executive Summary\n\n", f"## Executive Summary\n\n{extra}\n\n", 1)
    page_file = tmp_path / "ledger.html"
    page_file.write_text(render_html(text, "0001-payments-ledger r5"), encoding="utf-8")
    for name, width in (("phone", 390), ("a4", 794)):
        tab = tabs.open(viewport={"width": width, "height": 900})
        tab.page.goto(page_file.as_uri())
        assert tab.page.evaluate("document.documentElement.scrollWidth") <= width, name
        overflowing = tab.page.evaluate(OVERFLOWING, "td, th, pre, .spec-body p")
        assert overflowing == 0, name
        signoff_scrolls = tab.page.evaluate(
            """() => [...document.querySelectorAll('.spec-body table')]
            .filter((t) => t.textContent.includes('Signature'))
            .map((t) => t.scrollWidth > t.clientWidth + 1)"""
        )
        assert signoff_scrolls == [False], name  # the whole Sign-off table is in view
        tab.page.locator("#sec-review-approval-sign-off").scroll_into_view_if_needed()
        tab.page.screenshot(path=str(tmp_path / f"export-{name}.png"))
