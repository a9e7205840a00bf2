"""Bad input to the web UI is an explained page (or a safe redirect), never a 500 or a
dropped connection: ``next`` after sign-in, spec names of other digits or past 64 bits,
``?page=``, and a forwarded host that only a trusted proxy may set."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from web_client import sign_in, token
from web_support import Server, password

from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.store.engine import Store
from techspec.web.routes.auth import safe_next

HOSTILE_NEXT = ["/\x0b/evil.example", "/\\evil.example", "//evil.example", "/a b", "/é", "/\x7f"]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_next_must_be_a_plain_local_path(target: str) -> None:
    assert safe_next(target) == "/"


@pytest.mark.parametrize("target", ["/", "/specs?q=rate%20limit&page=2", "/specs/0001-x/edit"])
def test_our_own_links_pass_as_next(target: str) -> None:
    assert safe_next(target) == target


def test_a_signed_in_htmx_visit_with_a_control_character_in_next_goes_home(
    client: TestClient,
) -> None:
    sign_in(client, "ada")
    response = client.get(
        "/login?next=%2F%0B%2Fx", headers={"HX-Request": "true"}, follow_redirects=False
    )
    assert response.status_code == 204
    assert response.headers["hx-redirect"] == "/"


def test_the_served_app_answers_that_visit_instead_of_dropping_it(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as browser:
        form = browser.get("/login").text
        found = re.search(r'name="csrf" value="([^"]+)"', form)
        assert found is not None
        data = {"username": "vic", "password": password("vic"), "csrf": found.group(1)}
        assert browser.post("/login", data=data).status_code in (200, 303)
        response = browser.get("/login?next=%2F%0B%2Fx", headers={"HX-Request": "true"})
        assert response.status_code == 204
        assert response.headers["hx-redirect"] == "/"


@pytest.mark.parametrize(
    "path",
    [
        "/specs/%23%C2%B2",
        "/specs/%23%D9%A3",
        "/specs/%2399999999999999999999",
        "/specs/%239223372036854775808/history",
        "/specs/%23%C2%B2/edit",
    ],
)
def test_a_spec_name_of_other_digits_or_past_64_bits_is_a_404_page(
    client: TestClient, path: str
) -> None:
    sign_in(client, "ada")
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "unknown spec" in response.text


@pytest.mark.parametrize("page", ["%C2%B2", "%D9%A3", "9" * 5000, "-1", "two"])
def test_a_page_that_is_no_page_number_is_a_400_page(client: TestClient, page: str) -> None:
    sign_in(client, "ada")
    response = client.get(f"/specs?page={page}")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "is not a page number" in response.text


def test_a_forwarded_host_from_anyone_does_not_pass_the_origin_check(
    client: TestClient,
) -> None:
    sign_in(client, "ada")
    response = client.post(
        "/new",
        data={"title": "Sneaky", "csrf": token(client, "/new")},
        headers={"Origin": "https://evil.example", "X-Forwarded-Host": "evil.example"},
    )
    assert response.status_code == 403
    assert "another site" in response.text


@pytest.fixture
def behind_proxy(
    db_url: str, store: Store, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    """The app as a trusted proxy at 10.0.0.5 reaches it."""
    monkeypatch.setenv("TECHSPEC_SECRET_KEY", "web-suite-secret")
    settings = Settings(
        database_url=db_url, webhooks=False, rate_per_second=0, trusted_proxies="10.0.0.0/8"
    )
    app = create_app(settings, store=store)
    with TestClient(app, raise_server_exceptions=False, client=("10.0.0.5", 4321)) as opened:
        yield opened


def test_a_trusted_proxy_s_forwarded_host_is_the_origin_forms_come_from(
    behind_proxy: TestClient,
) -> None:
    sign_in(behind_proxy, "ada")
    headers = {"Origin": "https://specs.example.com", "X-Forwarded-Host": "specs.example.com"}
    data = {"title": "Through The Proxy", "csrf": token(behind_proxy, "/new")}
    response = behind_proxy.post("/new", data=data, headers=headers, follow_redirects=False)
    assert response.status_code == 303, response.text
    evil = {"Origin": "https://evil.example", "X-Forwarded-Host": "specs.example.com"}
    assert behind_proxy.post("/new", data=data, headers=evil).status_code == 403
