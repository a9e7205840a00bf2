"""Every thread operation, by every kind of user, gets the same verdict through the
command line, the REST API and the web UI: allowed, or refused with the same reason.

Each cell has a spec of its own (ada's, carrying tom's suggestion on its Executive
Summary), prepared once and copied into one database per door.
"""

from __future__ import annotations

import html
import re
import shutil
from contextlib import closing
from pathlib import Path

import pytest
from api_support import draft
from click.testing import CliRunner
from doors import ALLOWED, csrf_token, sign_in
from fastapi.testclient import TestClient

from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.cli import cli
from techspec.service import passwords, specs, threads
from techspec.store.engine import open_store
from techspec.store.users import find_user

People = dict[str, dict[str, str]]
ACTORS = ("ada", "tom", "pat", "vic", "nobody")
"""The spec's owner, the suggestion's author, another reviewer, a viewer, no role."""
OPERATIONS = ("open", "open-nowhere", "reply", "resolve", "apply")
CELLS = [(op, actor) for op in OPERATIONS for actor in ACTORS]
SECTION = "Executive Summary"
_ERROR = re.compile(r'<p class="error-message">(.*?)</p>', re.S)


def expected_allowed(op: str, actor: str) -> bool:
    """The rules as a person would state them."""
    if op in ("open", "reply"):
        return actor in ("ada", "tom", "pat")  # anyone with a role beyond viewer
    if op == "resolve":
        return actor in ("ada", "tom")  # the spec's owner or the thread's author
    if op == "apply":
        return actor == "ada"  # the spec's owner
    return False  # a section the spec does not have


def slug_of(op: str, actor: str) -> str:
    return f"{op}-{actor}"


def password(name: str) -> str:
    return f"{name}-thread-parity"


@pytest.fixture(scope="module")
def prepared(
    populated: tuple[Path, People], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, int]]:
    """The database with every cell's spec and suggestion, and each spec's thread id."""
    path = tmp_path_factory.mktemp("thread-parity") / "techspec.db"
    shutil.copyfile(populated[0], path)
    ids: dict[str, int] = {}
    with closing(open_store(f"sqlite:///{path}")) as store:
        for name in ACTORS:
            passwords.set_password(store, name, password(name))
        ada, tom = find_user(store, "ada"), find_user(store, "tom")
        for op, actor in CELLS:
            slug = slug_of(op, actor)
            text = draft(slug.title(), "ada", words="We allow 100 requests per second.")
            specs.create(store, ada, text, slug=slug)
            posted = threads.open_thread(
                store,
                tom,
                slug,
                section=SECTION,
                quote="per second",
                kind="suggestion",
                suggestion="per minute",
                body="Per minute?",
            )
            ids[slug] = posted.thread.id
    return path, ids


def _copy(prepared: Path, folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(prepared, folder / "techspec.db")
    return f"sqlite:///{folder / 'techspec.db'}"


def _cli(url: str, op: str, actor: str, slug: str, thread: int) -> str:
    args = {
        "open": ["comment", slug, "Hello", "--section", SECTION],
        "open-nowhere": ["comment", slug, "Hello", "--section", "Nowhere"],
        "reply": ["reply", str(thread), "Hello"],
        "resolve": ["resolve", str(thread)],
        "apply": ["apply", str(thread)],
    }[op]
    result = CliRunner().invoke(cli, [*args, "--as", actor, "--db", url], catch_exceptions=False)
    if result.exit_code == 0:
        return ALLOWED
    return result.stderr.splitlines()[0].removeprefix("techspec: ")


def _api(client: TestClient, token: dict[str, str], op: str, slug: str, thread: int) -> str:
    if op.startswith("open"):
        section = SECTION if op == "open" else "Nowhere"
        body = {"section": section, "body": "Hello"}
        response = client.post(f"/api/v1/specs/{slug}/threads", json=body, headers=token)
    elif op == "reply":
        response = client.post(
            f"/api/v1/threads/{thread}/comments", json={"body": "Hello"}, headers=token
        )
    else:
        response = client.post(f"/api/v1/threads/{thread}/{op}", headers=token)
    if response.is_success:
        return ALLOWED
    detail: str = response.json()["detail"]
    return detail


def _web(client: TestClient, op: str, slug: str, thread: int) -> str:
    form = {"csrf": csrf_token(client)}
    if op.startswith("open"):
        path = f"/specs/{slug}/threads"
        form.update(section=SECTION if op == "open" else "Nowhere", body="Hello")
    elif op == "reply":
        path = f"/threads/{thread}/comments"
        form["body"] = "Hello"
    else:
        path = f"/threads/{thread}/{op}"
        if op == "apply":
            form["revision"] = "1"
    response = client.post(path, data=form, follow_redirects=False)
    if response.status_code == 303:
        return ALLOWED
    found = _ERROR.search(response.text)
    assert found is not None, f"{op}: {response.status_code} {response.text[:300]}"
    return html.unescape(found.group(1)).strip()


Cell = tuple[str, str]


@pytest.fixture(scope="module")
def verdicts(
    prepared: tuple[Path, dict[str, int]],
    populated: tuple[Path, People],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, dict[Cell, str]]:
    path, ids = prepared
    base = tmp_path_factory.mktemp("thread-doors")
    tables: dict[str, dict[Cell, str]] = {"cli": {}, "api": {}, "web": {}}
    url = _copy(path, base / "cli")
    for op, actor in CELLS:
        slug = slug_of(op, actor)
        tables["cli"][(op, actor)] = _cli(url, op, actor, slug, ids[slug])
    for door in ("api", "web"):
        url = _copy(path, base / door)
        settings = Settings(database_url=url, webhooks=False, rate_per_second=0)
        with closing(open_store(url)) as store:
            app = create_app(settings, store=store)
            clients = {actor: TestClient(app, raise_server_exceptions=False) for actor in ACTORS}
            with clients["ada"]:
                for actor, client in clients.items():
                    if door == "web":
                        sign_in(client, actor, password(actor))
                for op, actor in CELLS:
                    slug = slug_of(op, actor)
                    if door == "api":
                        token = populated[1][actor]
                        verdict = _api(clients[actor], token, op, slug, ids[slug])
                    else:
                        verdict = _web(clients[actor], op, slug, ids[slug])
                    tables[door][(op, actor)] = verdict
    return tables


@pytest.mark.parametrize("cell", CELLS, ids=["-".join(cell) for cell in CELLS])
def test_every_front_door_gives_the_same_verdict_on_threads(
    verdicts: dict[str, dict[Cell, str]], cell: Cell
) -> None:
    answers = {door: table[cell] for door, table in verdicts.items()}
    assert len(set(answers.values())) == 1, answers
    verdict = answers["cli"]
    assert (verdict == ALLOWED) == expected_allowed(*cell), verdict


def test_the_refusals_name_who_may(verdicts: dict[str, dict[Cell, str]]) -> None:
    assert verdicts["api"][("open", "vic")] == (
        "a viewer may read threads but not open a thread; vic holds viewer"
    )
    assert verdicts["web"][("resolve", "pat")].startswith(
        "only the thread's author (tom) or the spec's owner may resolve thread"
    )
    assert verdicts["cli"][("apply", "tom")] == (
        "only the spec's owner (its creator, its Author or an admin) may apply a suggestion "
        "to spec 'apply-tom'; tom does not own it"
    )
    assert verdicts["web"][("open-nowhere", "ada")].startswith(
        "invalid field 'section': spec 'open-nowhere-ada' has no section 'Nowhere'"
    )
