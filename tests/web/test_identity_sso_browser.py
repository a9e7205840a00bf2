"""Single sign-on end to end, in Chromium, against a real OpenID provider on loopback
(``oidc-provider-mock``, see identity_support): a person is made at first sign-in with
the roles their groups map to, a change of group shows at the next sign-in while a role
an admin granted by hand stays, signing out ends the techspec session (a copy of the
cookie is worth nothing) and the provider's, and a forged state is refused."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from identity_support import Provider, query_of, real_provider
from playwright.sync_api import Browser, Page, Route
from web_support import Server, Tab, Tabs, free_port, serve

from techspec.api.settings import Settings
from techspec.service import identity
from techspec.service.permissions import CONSOLE
from techspec.store.engine import Store, open_store
from techspec.store.users import find_user
from techspec.web.sessions import COOKIE


@pytest.fixture(scope="module")
def provider_and_server(
    tmp_path_factory: pytest.TempPathFactory, template_db: Path
) -> Iterator[tuple[Provider, Server]]:
    base = tmp_path_factory.mktemp("sso-server")
    shutil.copyfile(template_db, base / "techspec.db")
    port = free_port()
    with (
        real_provider(f"http://127.0.0.1:{port}/login/oidc/callback") as provider,
        serve(
            f"sqlite:///{base / 'techspec.db'}",
            base / "server.log",
            settings=provider.settings(),
            port=port,
        ) as server,
    ):
        yield provider, server


@pytest.fixture(scope="module")
def provider(provider_and_server: tuple[Provider, Server]) -> Provider:
    return provider_and_server[0]


@pytest.fixture(scope="module")
def sso_server(provider_and_server: tuple[Provider, Server]) -> Server:
    return provider_and_server[1]


@pytest.fixture(scope="module")
def sso_store(sso_server: Server) -> Iterator[Store]:
    opened = open_store(sso_server.db_url)
    yield opened
    opened.close()


@pytest.fixture
def sso_tabs(browser: Browser, sso_server: Server) -> Iterator[Tabs]:
    found = Tabs(browser, sso_server.url)
    yield found
    # The provider's own pages load styles from the internet, which this machine cannot
    # reach: only errors on techspec's pages count.
    errors = [error for error in found.close() if error.startswith(sso_server.url)]
    assert errors == [], "console errors:\n" + "\n".join(errors)


def sign_in_at_provider(tab: Tab, sub: str) -> Page:
    page = tab.go("/login")
    page.get_by_role("link", name="Sign in with Example ID").click()
    page.locator('input[name="sub"]').first.fill(sub)
    page.get_by_role("button", name="Authorize").first.click()
    return page


def test_sign_in_makes_the_person_and_follows_their_groups(
    sso_tabs: Tabs, provider: Provider, sso_store: Store, sso_server: Server
) -> None:
    provider.set_person(
        "olivia-sub",
        preferred_username="olivia",
        name="Olivia Ohm",
        email="olivia@example.com",
        groups=["eng-leads"],
    )
    tab = sso_tabs.open()
    login = tab.go("/login")
    assert login.get_by_role("link", name="Sign in with Example ID").is_visible()
    tab.shot("sign-in-sso")
    page = sign_in_at_provider(tab, "olivia-sub")
    page.wait_for_url(sso_server.url + "/")
    assert page.locator(".who").inner_text() == "olivia"
    assert find_user(sso_store, "olivia").roles == ("Technical Lead",)
    account = identity.account(sso_store, CONSOLE, "olivia")
    assert (account.display_name, account.email) == ("Olivia Ohm", "olivia@example.com")
    assert account.directory_roles == ("Technical Lead",)
    assert page.get_by_role("link", name="Admin").count() == 0

    # An admin grants a role by hand; the directory moves olivia to the admins' group.
    identity.set_roles(sso_store, CONSOLE, "olivia", ["Technical Lead", "viewer"])
    provider.set_person(
        "olivia-sub",
        preferred_username="olivia",
        name="Olivia Ohm",
        email="olivia@example.com",
        groups=["techspec-admins"],
    )
    cookie = next(c["value"] for c in tab.context.cookies() if c["name"] == COOKIE)

    # Signing out ends the session here and sends the browser to the provider's logout.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{provider.issuer}/oauth2/end_session?**")
    assert query_of(page.url)["post_logout_redirect_uri"] == sso_server.url + "/login"
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(sso_server.url + "/login")
    copied = httpx.get(sso_server.url + "/", cookies={COOKIE: cookie}, follow_redirects=False)
    assert copied.status_code == 303
    assert copied.headers["location"].startswith("/login")

    # The next sign-in takes the new group's role, drops the old one, keeps the manual one.
    page = sign_in_at_provider(tab, "olivia-sub")
    page.wait_for_url(sso_server.url + "/")
    assert find_user(sso_store, "olivia").roles == ("admin", "viewer")
    assert page.get_by_role("link", name="Admin").is_visible()


def test_a_forged_state_is_refused_in_the_browser(
    sso_tabs: Tabs, provider: Provider, sso_server: Server
) -> None:
    provider.set_person("eve-sub", preferred_username="eve", groups=["eng-leads"])
    tab = sso_tabs.open()

    def forge(route: Route) -> None:
        """The provider's answer, with the state in its redirect back changed."""
        if route.request.method != "POST":
            route.continue_()
            return
        location = route.fetch(max_redirects=0).headers["location"]
        state = query_of(location)["state"]
        forged = location.replace(f"state={state}", "state=forged")
        route.fulfill(status=302, headers={"location": forged})

    tab.page.route(re.compile(r"/oauth2/authorize"), forge)
    page = sign_in_at_provider(tab, "eve-sub")
    page.wait_for_url(re.compile(r"/login/oidc/callback\?.*state=forged"))
    assert "state does not match" in page.locator("main").inner_text()
    assert page.locator(".who").count() == 0


def test_a_person_a_local_name_would_fit_gets_another_name(
    provider: Provider, sso_server: Server, sso_store: Store
) -> None:
    """A directory account called ``root`` does not become the local admin ``root``."""
    provider.set_person("intruder-sub", preferred_username="root", groups=[])
    with httpx.Client(base_url=sso_server.url) as client:
        started = client.get("/login/oidc", follow_redirects=False)
        authorize = started.headers["location"]
        answer = httpx.post(authorize, data={"sub": "intruder-sub"}, follow_redirects=False)
        back = answer.headers["location"]
        done = client.get(back.removeprefix(sso_server.url), follow_redirects=False)
    assert done.status_code == 303
    assert find_user(sso_store, "root").roles == ("admin",)
    made = identity.accounts(sso_store, CONSOLE)
    names = {account.name for account in made if account.oidc_subject == "intruder-sub"}
    assert names == {"intruder-sub"}  # preferred_username "root" was taken, so the sub


def test_a_wrong_client_secret_is_refused_by_the_real_provider(
    provider: Provider,
    sso_server: Server,
    db_url: str,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The provider refuses the code exchange; techspec says which setting to check.
    (The app answers as the served one, whose redirect URI the provider knows.)"""
    from fastapi.testclient import TestClient

    from techspec.asgi import create_app

    monkeypatch.setenv("TECHSPEC_SECRET_KEY", "web-suite-secret")
    provider.set_person("wrong-secret-sub", preferred_username="ws", groups=[])
    settings = Settings(
        database_url=db_url,
        webhooks=False,
        oidc_issuer=provider.issuer,
        oidc_client_id=provider.client_id,
        oidc_client_secret="not-the-secret",
        public_url=sso_server.url,
    )
    with TestClient(create_app(settings, store=store), raise_server_exceptions=False) as client:
        started = client.get("/login/oidc", follow_redirects=False)
        answer = httpx.post(
            started.headers["location"], data={"sub": "wrong-secret-sub"}, follow_redirects=False
        )
        back = answer.headers["location"].split("/login/oidc/callback", 1)[1]
        refused = client.get("/login/oidc/callback" + back)
    assert refused.status_code == 502
    assert "TECHSPEC_OIDC_CLIENT_SECRET" in refused.text
