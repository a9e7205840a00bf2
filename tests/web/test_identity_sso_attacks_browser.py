"""What a person sees in Chromium when single sign-on is refused: the attacker's
provider (identity_support.Attacker) answers with an ID token signed with another key,
expired, or for another nonce, and a provider that is down; each is a page that says
why, and nobody is signed in."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from identity_support import ROLE_MAP, Attacker, attacker_running
from playwright.sync_api import Browser
from web_support import Server, Tabs, free_port, serve


@pytest.fixture(scope="module")
def attacked(
    tmp_path_factory: pytest.TempPathFactory, template_db: Path
) -> Iterator[tuple[Attacker, Server]]:
    base = tmp_path_factory.mktemp("attacked-server")
    shutil.copyfile(template_db, base / "techspec.db")
    with attacker_running(free_port()) as attacker:
        settings = {
            "TECHSPEC_OIDC_ISSUER": attacker.issuer,
            "TECHSPEC_OIDC_CLIENT_ID": attacker.client_id,
            "TECHSPEC_OIDC_CLIENT_SECRET": attacker.client_secret,
            "TECHSPEC_OIDC_ROLE_MAP": ROLE_MAP,
            "TECHSPEC_OIDC_PROVIDER_NAME": "Attacker ID",
        }
        with serve(
            f"sqlite:///{base / 'techspec.db'}", base / "server.log", settings=settings
        ) as server:
            yield attacker, server


@pytest.fixture
def attacked_tabs(browser: Browser, attacked: tuple[Attacker, Server]) -> Iterator[Tabs]:
    found = Tabs(browser, attacked[1].url)
    yield found
    errors = found.close()
    assert errors == [], "console errors:\n" + "\n".join(errors)


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("wrong-key", "ID token was refused"),
        ("expired", "ID token has expired"),
        ("wrong-nonce", "nonce"),
    ],
)
def test_a_spoiled_id_token_is_a_clear_page(
    attacked: tuple[Attacker, Server], attacked_tabs: Tabs, mode: str, words: str
) -> None:
    attacker, server = attacked
    attacker.mode = mode
    tab = attacked_tabs.open()
    page = tab.go("/login")
    page.get_by_role("link", name="Sign in with Attacker ID").click()
    page.wait_for_url("**/login/oidc/callback?**")
    assert words in page.locator("main").inner_text()
    assert page.locator("h1").inner_text() == "Unauthorized"
    if mode == "wrong-key":
        tab.shot("sign-in-refused")
    answer = page.goto(server.url + "/")
    assert answer is not None and page.url.startswith(server.url + "/login")


def test_a_provider_that_is_down_is_a_clear_page(
    browser: Browser, tmp_path: Path, template_db: Path
) -> None:
    shutil.copyfile(template_db, tmp_path / "techspec.db")
    settings = {
        "TECHSPEC_OIDC_ISSUER": f"http://127.0.0.1:{free_port()}",
        "TECHSPEC_OIDC_CLIENT_ID": "techspec",
        "TECHSPEC_OIDC_PROVIDER_NAME": "Example ID",
    }
    with serve(
        f"sqlite:///{tmp_path / 'techspec.db'}", tmp_path / "server.log", settings=settings
    ) as server:
        tabs = Tabs(browser, server.url)
        tab = tabs.open()
        page = tab.go("/login")
        page.get_by_role("link", name="Sign in with Example ID").click()
        assert "cannot reach the identity provider" in page.locator("main").inner_text()
        assert page.locator(".error-code").inner_text() == "502"
        tab.shot("sign-in-provider-down")
        assert tabs.close() == []
        assert "oidc sign-in refused (502)" in server.logs()
