"""A revision is parsed, linted and rendered once, however often it is viewed: the spec
page, its workflow panel, the editor and the API's JSON all read what was computed the
first time (in a worker process), and a new revision is computed afresh."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from web_client import sign_in, token

from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.document import parser
from techspec.store import revisions
from techspec.store.engine import Store
from techspec.store.users import create_token

LEDGER = "0001-payments-ledger"


@pytest.fixture
def in_process(db_url: str, store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The app with its CPU jobs in a thread of this process, where parses can be counted."""
    monkeypatch.setenv("TECHSPEC_SECRET_KEY", "web-suite-secret")
    settings = Settings(database_url=db_url, webhooks=False, rate_per_second=0, cpu_workers=0)
    with TestClient(create_app(settings, store=store), raise_server_exceptions=False) as opened:
        yield opened


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every name bound to the parser's ``parse`` in techspec's modules now counts calls."""
    calls = [0]
    original = parser.parse

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(*args, **kwargs)

    for name, module in list(sys.modules.items()):
        if name.startswith("techspec") and getattr(module, "parse", None) is original:
            monkeypatch.setattr(module, "parse", counting)
    return calls


def _views(client: TestClient, api_headers: dict[str, str]) -> Callable[[], None]:
    def view_all() -> None:
        for path in (f"/specs/{LEDGER}", f"/specs/{LEDGER}/edit"):
            assert client.get(path).status_code == 200
        assert client.get(f"/api/v1/specs/{LEDGER}", headers=api_headers).status_code == 200

    return view_all


def test_views_of_a_revision_parse_it_only_the_first_time(
    in_process: TestClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(in_process, "root")
    view_all = _views(in_process, {"Authorization": f"Bearer {create_token(store, 'root')}"})
    parses = _count_parses(monkeypatch)
    view_all()
    first = parses[0]
    assert first > 0
    for _ in range(3):
        view_all()
    assert parses[0] == first


def test_each_revision_is_computed_once_in_the_pool_and_an_edit_computes_the_new_one(
    client: TestClient, store: Store
) -> None:
    sign_in(client, "root")
    view_all = _views(client, {"Authorization": f"Bearer {create_token(store, 'root')}"})
    api = client.app.state.api  # type: ignore[attr-defined]
    view_all()
    jobs = api.cpu.submitted
    computed = dict(api.computed.computed)
    assert computed.get("view") == 1
    assert computed.get("model") == 1
    for _ in range(3):
        view_all()
    assert api.cpu.submitted == jobs
    assert dict(api.computed.computed) == computed

    stored = revisions.get_revision(store, LEDGER)
    saved = client.post(
        f"/specs/{LEDGER}/edit",
        data={
            "text": stored.text + "\nOne more line.\n",
            "base": str(stored.number),
            "csrf": token(client, f"/specs/{LEDGER}/edit"),
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    view_all()
    assert api.computed.computed["view"] == computed["view"] + 1
