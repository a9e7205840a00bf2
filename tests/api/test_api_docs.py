"""``/api/v1/docs`` comes from this server alone: every file the page references is
same-origin and served, the page carries a strict Content-Security-Policy and no inline
script, and the vendored files ship in the package (the browser check that it renders
under that policy is in tests/web/test_web_api_docs.py)."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from fastapi.testclient import TestClient

from techspec.api.routes.docs import ASSETS

ROOT = Path(__file__).resolve().parents[2]
PAGE = "http://testserver/api/v1/docs"


class _References(HTMLParser):
    """Every ``src`` and ``href`` of a page, and the text of inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.urls.extend(value for name, value in attrs if name in ("src", "href") and value)
        self._in_script = tag == "script" and "src" not in found

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def _page(client: TestClient) -> tuple[str, _References]:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    found = _References()
    found.feed(response.text)
    return response.headers["content-security-policy"], found


def test_the_docs_page_references_only_files_of_this_server_and_each_is_served(
    client: TestClient,
) -> None:
    _policy, found = _page(client)
    assert len(found.urls) >= 4  # the icon, the stylesheet, the bundle and docs.js
    for url in found.urls:
        absolute = urljoin(PAGE, url)
        assert urlsplit(absolute).netloc == "testserver", url
        response = client.get(absolute)
        assert response.status_code == 200, absolute
        assert response.content
        assert response.headers["x-content-type-options"] == "nosniff"


def test_the_docs_page_runs_no_inline_script_and_allows_nothing_from_elsewhere(
    client: TestClient,
) -> None:
    policy, found = _page(client)
    assert found.inline == []
    rules = dict(rule.strip().split(" ", 1) for rule in policy.split(";"))
    assert rules["default-src"] == "'none'"
    assert rules["script-src"] == "'self'"
    assert rules["style-src"] == "'self'"
    assert rules["connect-src"] == "'self'"
    assert rules["frame-ancestors"] == "'none'"
    assert not re.search(r"https?:|unsafe-inline|unsafe-eval|\*", policy)


def test_the_docs_start_from_the_api_document_with_no_validator_badge(
    client: TestClient,
) -> None:
    script = client.get("/api/v1/docs/docs.js").text
    assert 'url: "openapi.json"' in script
    assert "validatorUrl: null" in script
    assert client.get(urljoin(PAGE, "openapi.json")).status_code == 200


def test_nothing_else_of_the_static_folder_is_served(client: TestClient) -> None:
    for name in ("swagger-ui.LICENSE.txt", "..%2F__init__.py", "docs.py", "missing.js"):
        response = client.get(f"/api/v1/docs/{name}")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


def test_the_vendored_files_and_their_licence_ship_in_the_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["techspec"]
    static = resources.files("techspec.api") / "static"
    names = [*ASSETS, "swagger-ui.LICENSE.txt", "swagger-ui-bundle.js.LICENSE.txt"]
    for name in names:
        assert (static / name).is_file(), name
        assert any(fnmatch.fnmatch(f"api/static/{name}", pattern) for pattern in patterns)
    assert "Apache License" in (static / "swagger-ui.LICENSE.txt").read_text()
