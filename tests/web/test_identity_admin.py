"""The admin pages: each action works for an admin and lands in the audit log; a
non-admin gets 403 on every page and every action and sees no Admin link; every form
refuses a post without its CSRF token."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_client import sign_in, token
from web_support import password

from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.lint.template import builtin_template
from techspec.service import catalog
from techspec.service.permissions import CONSOLE
from techspec.store import audit
from techspec.store.engine import Store
from techspec.store.users import find_user

sys.path.insert(0, str(Path(__file__).parents[1] / "api"))  # the API suite's receiver
from receiver import receiver

PAGES = [
    "/admin",
    "/admin/users",
    "/admin/users/bob",
    "/admin/templates",
    f"/admin/templates/{builtin_template().name}",
    "/admin/webhooks",
    "/admin/specs",
    "/admin/specs/0001-payments-ledger/delete",
]
ACTIONS = [
    ("/admin/audit/verify", {}),
    ("/admin/users/bob/roles", {"roles": "author, admin"}),
    ("/admin/users/bob/deactivate", {}),
    ("/admin/users/bob/reactivate", {}),
    ("/admin/users/bob/password", {}),
    ("/admin/users/bob/signout", {}),
    ("/admin/templates", {"name": "mine", "text": "# x\n"}),
    ("/admin/templates/default", {"name": builtin_template().name}),
    ("/admin/webhooks", {"url": "https://hooks.example.com/x"}),
    ("/admin/webhooks/1/test", {}),
    ("/admin/webhooks/1/remove", {}),
    ("/admin/specs/0001-payments-ledger/delete", {"confirm": "0001-payments-ledger"}),
    ("/admin/specs/0001-payments-ledger/restore", {}),
]


def actions_logged(store: Store) -> list[str]:
    return [event.action for event in audit.events(store)]


@pytest.mark.parametrize("page", PAGES)
def test_an_admin_sees_each_page(client: TestClient, page: str) -> None:
    sign_in(client, "root")
    answer = client.get(page)
    assert answer.status_code == 200, answer.text
    assert (
        'aria-label="Administration"' in answer.text
        or "Delete 0001-payments-ledger?" in answer.text
    )


@pytest.mark.parametrize("page", PAGES)
def test_a_non_admin_is_refused_every_page(client: TestClient, page: str) -> None:
    sign_in(client, "ada")
    answer = client.get(page)
    assert answer.status_code == 403
    assert "only an admin may" in answer.text
    assert 'href="/admin"' not in answer.text


def test_a_non_admin_sees_no_admin_link(client: TestClient) -> None:
    sign_in(client, "ada")
    assert 'href="/admin"' not in client.get("/").text
    sign_in(client, "root")
    assert 'href="/admin"' in client.get("/").text


@pytest.mark.parametrize(("path", "values"), ACTIONS)
def test_a_non_admin_is_refused_every_action(
    client: TestClient, store: Store, path: str, values: dict[str, str]
) -> None:
    sign_in(client, "ada")
    before = actions_logged(store)
    answer = client.post(path, data={**values, "csrf": token(client, "/")})
    assert answer.status_code == 403
    assert "admin" in answer.text
    assert actions_logged(store)[len(before) :] == []


@pytest.mark.parametrize(("path", "values"), ACTIONS)
def test_every_admin_form_needs_its_csrf_token(
    client: TestClient, store: Store, path: str, values: dict[str, str]
) -> None:
    sign_in(client, "root")
    before = actions_logged(store)
    answer = client.post(path, data=values)
    assert answer.status_code == 403
    assert "security token" in answer.text
    assert actions_logged(store)[len(before) :] == []


def test_every_admin_page_form_carries_a_csrf_token(client: TestClient) -> None:
    sign_in(client, "root")
    for page in PAGES:
        html = client.get(page).text
        for form in re.findall(r'<form method="post".*?</form>', html, re.S):
            assert 'name="csrf"' in form, (page, form)


# -- each action, as an admin -------------------------------------------------------------


def post(client: TestClient, path: str, **values: str) -> object:
    return client.post(path, data={**values, "csrf": token(client, "/admin")})


def test_search_users(client: TestClient) -> None:
    sign_in(client, "root")
    page = client.get("/admin/users?q=AD").text
    assert ">ada</a>" in page and ">bob</a>" not in page
    assert "No user matches" in client.get("/admin/users?q=" + "%" * 100).text


def test_set_roles(client: TestClient, store: Store) -> None:
    sign_in(client, "root")
    answer = client.post(
        "/admin/users/vic/roles", data={"roles": "viewer,  author", "csrf": token(client, "/admin")}
    )
    assert answer.status_code == 200
    assert find_user(store, "vic").roles == ("author", "viewer")
    assert actions_logged(store)[-1] == "user.roles-set"


def test_an_admin_cannot_take_away_their_own_admin_role(client: TestClient, store: Store) -> None:
    sign_in(client, "root")
    answer = client.post(
        "/admin/users/root/roles", data={"roles": "viewer", "csrf": token(client, "/admin")}
    )
    assert answer.status_code == 409
    assert find_user(store, "root").roles == ("admin",)


def test_deactivate_ends_sessions_and_sign_in_then_reactivate(
    client: TestClient, store: Store, db_url: str
) -> None:
    settings = Settings(database_url=db_url, webhooks=False, rate_per_second=0)
    with TestClient(create_app(settings, store=store)) as bobs:
        assert sign_in(bobs, "bob") == 303
        sign_in(client, "root")
        post(client, "/admin/users/bob/deactivate")
        assert bobs.get("/", follow_redirects=False).status_code == 303  # signed out
        assert sign_in(bobs, "bob") == 401
        assert "deactivated" in client.get("/admin/users/bob").text
        post(client, "/admin/users/bob/reactivate")
        assert sign_in(bobs, "bob") == 303
    logged = actions_logged(store)
    assert logged.index("user.deactivated") < logged.index("user.reactivated")


def test_reset_password_shows_a_one_time_password(client: TestClient, store: Store) -> None:
    sign_in(client, "root")
    answer = client.post("/admin/users/bob/password", data={"csrf": token(client, "/admin")})
    found = re.search(r'id="one-time-password">([^<]+)<', answer.text)
    assert found is not None
    assert "user.password-set" in actions_logged(store)
    other = TestClient(client.app)
    assert sign_in(other, "bob", password("bob")) == 401
    assert sign_in(other, "bob", found.group(1)) == 303
    assert found.group(1) not in client.get("/admin/users/bob").text  # shown once


def test_sign_out_everywhere(client: TestClient, store: Store) -> None:
    other = TestClient(client.app)
    assert sign_in(other, "bob") == 303
    sign_in(client, "root")
    answer = client.post("/admin/users/bob/signout", data={"csrf": token(client, "/admin")})
    assert "Signed bob out of 1 session" in answer.text
    assert other.get("/", follow_redirects=False).status_code == 303
    assert actions_logged(store)[-1] == "user.signed-out"


def test_upload_view_and_default_a_template(client: TestClient, store: Store) -> None:
    text = builtin_template().text.replace("# Technical Specification:", "# Design Note:", 1)
    sign_in(client, "root")
    answer = client.post(
        "/admin/templates",
        data={"name": "design-note", "csrf": token(client, "/admin")},
        files={"file": ("design-note.md", text.encode("utf-8"), "text/markdown")},
    )
    assert answer.status_code == 200, answer.text
    assert "What the compiler inferred" in answer.text
    assert "Draft → Review → Approved → Implemented" in answer.text
    post(client, "/admin/templates/default", name="design-note")
    assert catalog.entries(store)[0].template.name == "design-note"
    assert "design-note" in client.get("/new").text.split("<option", 2)[1]
    assert actions_logged(store)[-1] == "template.default-set"


def test_a_template_that_does_not_compile_is_a_clear_error(client: TestClient) -> None:
    sign_in(client, "root")
    answer = client.post(
        "/admin/templates",
        data={"name": "broken", "csrf": token(client, "/admin")},
        files={"file": ("b.md", b"\xff\xfe not text", "text/markdown")},
    )
    assert answer.status_code == 400
    assert "not UTF-8" in answer.text


@pytest.fixture
def private_hooks(db_url: str, store: Store) -> Iterator[TestClient]:
    """The app allowing webhooks to loopback, where the test's receiver listens."""
    settings = Settings(
        database_url=db_url, webhooks=False, rate_per_second=0, webhook_allow_private=True
    )
    with TestClient(create_app(settings, store=store)) as opened:
        yield opened


def test_add_test_and_remove_a_webhook(private_hooks: TestClient, store: Store) -> None:
    client = private_hooks
    sign_in(client, "root")
    with receiver([204]) as hooks:
        added = client.post(
            "/admin/webhooks",
            data={"url": hooks.url, "events": "approval", "csrf": token(client, "/admin")},
        )
        assert added.status_code == 201
        assert 'id="webhook-secret"' in added.text
        hook_id = re.search(r'href="/admin/webhooks/(\d+)"', added.text)
        assert hook_id is not None
        tested = post(client, f"/admin/webhooks/{hook_id.group(1)}/test")
        assert "delivered, answered 204" in tested.text  # type: ignore[attr-defined]
        ping = hooks.wait_for(1)[0]
        assert ping.headers["X-Techspec-Event"] == "ping"
        assert ping.headers["X-Techspec-Signature"].startswith("sha256=")
    log = client.get(f"/admin/webhooks/{hook_id.group(1)}").text
    assert "Delivery log" in log
    post(client, f"/admin/webhooks/{hook_id.group(1)}/remove")
    assert hooks.url not in client.get("/admin/webhooks").text
    assert actions_logged(store)[-3:] == ["webhook.added", "webhook.tested", "webhook.removed"]


def test_a_refused_webhook_target_is_a_clear_error(client: TestClient) -> None:
    sign_in(client, "root")
    answer = client.post(
        "/admin/webhooks", data={"url": "http://127.0.0.1:9/x", "csrf": token(client, "/admin")}
    )
    assert answer.status_code in (400, 422)
    assert "alert error" in answer.text


def test_delete_needs_confirmation_and_restore_brings_the_spec_back(
    client: TestClient, store: Store
) -> None:
    sign_in(client, "root")
    refused = client.post(
        "/admin/specs/0001-payments-ledger/delete",
        data={"confirm": "wrong", "csrf": token(client, "/admin")},
    )
    assert refused.status_code == 400
    assert client.get("/specs/0001-payments-ledger").status_code == 200
    post(client, "/admin/specs/0001-payments-ledger/delete", confirm="0001-payments-ledger")
    assert client.get("/specs/0001-payments-ledger").status_code == 404
    assert "Restore" in client.get("/admin/specs").text
    restored = post(client, "/admin/specs/0001-payments-ledger/restore")
    assert restored.status_code == 200  # type: ignore[attr-defined]
    assert client.get("/specs/0001-payments-ledger").status_code == 200
    assert actions_logged(store)[-2:] == ["spec.deleted", "spec.restored"]
    again = post(client, "/admin/specs/0001-payments-ledger/restore")
    assert again.status_code == 409  # type: ignore[attr-defined]


def test_verify_now_checks_the_whole_chain(client: TestClient) -> None:
    sign_in(client, "root")
    answer = client.post("/admin/audit/verify", data={"csrf": token(client, "/admin")})
    assert answer.status_code == 200
    assert re.search(r'id="verification">[^<]*\d+ event', answer.text), answer.text


def test_the_console_acts_as_admin_too(store: Store) -> None:
    from techspec.service import administration

    administration.set_default_template(store, CONSOLE, builtin_template().name)
    assert catalog.entries(store)[0].builtin
