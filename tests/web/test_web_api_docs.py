"""The API's docs page in a real browser: Swagger UI renders the operations from this
server alone, under the page's strict Content-Security-Policy, with no console error
(a script, style or request the policy blocked would log one)."""

from __future__ import annotations

from playwright.sync_api import Request, expect
from web_support import Tabs


def test_the_api_docs_render_from_this_server_alone_under_their_csp(tabs: Tabs) -> None:
    tab = tabs.open()
    requested: list[str] = []

    def note(request: Request) -> None:
        requested.append(request.url)

    tab.page.on("request", note)
    page = tab.go("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("techspec")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    assert page.locator(".opblock").count() > 20
    assert requested, "the page requested nothing"
    assert all(url.startswith((tabs.base, "data:")) for url in requested), requested
