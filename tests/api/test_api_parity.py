"""Every feature reachable from the command line and the API gives the same result."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from api_support import draft, edited, raw_draft
from click.testing import CliRunner
from fastapi.testclient import TestClient

from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.cli import cli
from techspec.store import revisions
from techspec.store.engine import Store, open_store
from techspec.store.users import find_user

People = dict[str, dict[str, str]]


def run(*args: str, stdin: str | None = None) -> Any:
    result = CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)
    return result


@pytest.mark.parametrize(
    "text", [raw_draft(), draft(), "# Not a spec\n"], ids=["raw", "clean", "not"]
)
def test_lint_json_from_the_api_equals_the_cli_json(
    client: TestClient, people: People, text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    by_cli = run("lint", "-", "--format", "json", stdin=text)
    by_api = client.post(
        "/api/v1/lint",
        content=text.encode(),
        headers={**people["vic"], "Content-Type": "text/markdown"},
    )
    assert by_api.status_code == 200
    assert json.loads(by_api.text) == json.loads(by_cli.output)
    assert by_api.text == by_cli.output


def _copy(db_url: str, tmp_path: Path, name: str) -> str:
    source = Path(db_url.removeprefix("sqlite:///"))
    target = tmp_path / name
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


def _ledger(store: Store) -> None:
    revisions.create_spec(store, "ledger", draft("Ledger", "ada"), author=find_user(store, "ada"))


def test_submitting_from_the_cli_and_the_api_writes_the_same_revision(
    db_url: str, tmp_path: Path, people: People
) -> None:
    store = open_store(db_url)
    _ledger(store)
    store.close()
    cli_db, api_db = _copy(db_url, tmp_path, "cli.db"), _copy(db_url, tmp_path, "api.db")
    assert run("submit", "ledger", "--as", "ada", "--db", cli_db).exit_code == 0
    settings = Settings(database_url=api_db, webhooks=False, auth_cache_seconds=0)
    with TestClient(create_app(settings)) as client:
        moved = client.post(
            "/api/v1/specs/ledger/transitions", json={"to": "Review"}, headers=people["ada"]
        )
        assert moved.status_code == 200
    texts = []
    for url in (cli_db, api_db):
        opened = open_store(url)
        current = revisions.get_revision(opened, "ledger")
        texts.append((current.number, current.status, current.text))
        opened.close()
    assert texts[0] == texts[1]
    assert texts[0][1] == "Review"


def test_a_refused_transition_lists_the_same_gates_from_the_cli_and_the_api(
    client: TestClient, store: Store, people: People, db_url: str
) -> None:
    revisions.create_spec(store, "raw", raw_draft("Raw", "ada"), author=find_user(store, "ada"))
    by_cli = CliRunner().invoke(cli, ["submit", "raw", "--as", "ada", "--db", db_url])
    by_api = client.post(
        "/api/v1/specs/raw/transitions", json={"to": "Review"}, headers=people["ada"]
    ).json()
    assert by_cli.exit_code == 1
    cli_gates = [line.strip() for line in by_cli.output.splitlines() if line.startswith("  ")]
    api_gates = [f"line {g['line']}: {g['reason']}" for g in by_api["gates"]]
    assert cli_gates == api_gates


def test_history_diff_approvals_and_audit_json_match_the_cli(
    client: TestClient, store: Store, people: People, db_url: str
) -> None:
    ada = find_user(store, "ada")
    revisions.create_spec(store, "ledger", draft("Ledger", "ada"), author=ada)
    revisions.save(store, "ledger", edited(draft("Ledger", "ada"), "More."), base=1, author=ada)
    pairs = [
        (["diff", "ledger", "1", "2"], "/api/v1/specs/ledger/diff?from=1&to=2"),
        (["approvals", "ledger"], "/api/v1/specs/ledger/approvals"),
        (["audit", "log", "--spec", "ledger"], "/api/v1/audit?spec=ledger"),
    ]
    for args, path in pairs:
        by_cli = json.loads(run(*args, "--format", "json", "--db", db_url).output)
        by_api = client.get(path, headers=people["root"]).json()
        assert by_api == by_cli, args
    cli_history = json.loads(run("history", "ledger", "--format", "json", "--db", db_url).output)
    api_history = client.get("/api/v1/specs/ledger/revisions", headers=people["vic"]).json()
    keys = ("sha256", "content_hash", "status", "kind", "message", "author", "errors")
    assert [{k: r[k] for k in keys} for r in api_history] == [
        {k: r[k] for k in keys} for r in cli_history
    ]
    markdown = client.get("/api/v1/specs/ledger.md", headers=people["vic"]).text
    assert markdown == run("cat", "ledger", "--db", db_url).output
