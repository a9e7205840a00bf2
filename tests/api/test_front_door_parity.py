"""Every operation, by every kind of user, on their own spec and on someone else's, gets
the same verdict through the command line, the REST API and the web UI: allowed, or
refused with the same reason.  The rules live once, in :mod:`techspec.service`; this
table is what keeps a front door from deciding differently.

Each cell has a spec of its own, prepared once in the state the operation needs (a
Draft to edit, submit or delete, a spec in Review to approve, an Approved one with its
tasks done to mark implemented), then copied into one database per door.
"""

from __future__ import annotations

import shutil
from contextlib import closing
from pathlib import Path

import pytest
from api_support import draft, edited, with_tasks_done
from doors import ALLOWED, Api, Cli, Door, Verdict, Web, sign_in
from fastapi.testclient import TestClient

from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.service import passwords, specs, workflow
from techspec.service.permissions import CONSOLE, Actor
from techspec.store import revisions
from techspec.store.engine import Store, open_store
from techspec.store.seen import Seen
from techspec.store.users import add_user, find_user

People = dict[str, dict[str, str]]
ACTORS = ("root", "ada", "tom", "vic", "nobody")
"""An admin, an author, a Technical Lead, a viewer and a user with no role."""
OPERATIONS = ("create", "edit", "submit", "approve", "request-changes", "implement", "delete")
CREATORS = ("root", "ada")
"""Who may create specs: anyone else's "own" spec was imported by the console with the
**Author** field naming them (which makes it theirs)."""

Cell = tuple[str, str, str]
"""(operation, actor, "own" | "other")."""

CELLS: list[Cell] = [
    (op, actor, which)
    for op in OPERATIONS
    for actor in ACTORS
    for which in (("new",) if op == "create" else ("own", "other"))
]

AUTHOR_STEPS = {"create", "edit", "submit", "implement", "delete"}
REVIEW_STEPS = {"approve", "request-changes"}


def expected_allowed(op: str, actor: str, which: str) -> bool:
    """The rules as a person would state them."""
    if actor == "root":
        return op in AUTHOR_STEPS  # an admin holds no sign-off role
    if actor == "ada":
        return op in AUTHOR_STEPS and which in ("new", "own")
    if actor == "tom":  # a reviewer, but not of a spec whose Author field names him
        return op in REVIEW_STEPS and (op != "approve" or which == "other")
    return False


def slug_of(op: str, actor: str, which: str) -> str:
    return f"{op}-{actor}-{which}"


def _prepare(store: Store, op: str, actor: str, which: str) -> None:
    """The cell's spec, in the state ``op`` acts on."""
    if op == "create":
        return
    slug = slug_of(op, actor, which)
    author = actor if which == "own" else "bob"
    creator: Actor = find_user(store, author) if author in (*CREATORS, "bob") else CONSOLE
    text = draft(slug.replace("-", " ").title(), author)
    if op == "implement":
        text = with_tasks_done(text)
    specs.create(store, creator, text, slug=slug)
    if op in ("approve", "request-changes", "implement"):
        workflow.submit(store, find_user(store, "root"), slug)
    if op == "implement":
        for reviewer, role in (
            ("lee", "Technical Lead"),
            ("pat", "Product Owner"),
            ("sue", "Security Lead"),
        ):
            seen = Seen(number=revisions.get_revision(store, slug).number)
            workflow.decide(store, find_user(store, reviewer), slug, "approve", role, seen=seen)


@pytest.fixture(scope="module")
def prepared(populated: tuple[Path, People], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("parity") / "techspec.db"
    shutil.copyfile(populated[0], path)
    store = open_store(f"sqlite:///{path}")
    add_user(store, "lee", ["Technical Lead"])  # signs off specs that name tom as Author
    for name in ACTORS:
        passwords.set_password(store, name, password(name))
    for cell in CELLS:
        _prepare(store, *cell)
    store.close()
    return path


def password(name: str) -> str:
    return f"{name}-parity-passphrase"


def _copy(prepared: Path, folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(prepared, folder / "techspec.db")
    return f"sqlite:///{folder / 'techspec.db'}"


def _verdicts(door: Door, store: Store) -> dict[Cell, Verdict]:
    found: dict[Cell, Verdict] = {}
    for op, actor, which in CELLS:
        if op not in door.operations():
            continue
        slug = slug_of(op, actor, which)
        if op == "create":
            text = draft(f"Created By {actor.title()}", actor)
        else:
            text = edited(revisions.get_revision(store, slug).text, "An edit.")
        found[(op, actor, which)] = door.perform(op, actor, slug, text)
    return found


@pytest.fixture(scope="module")
def verdicts(
    prepared: Path, populated: tuple[Path, People], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[Cell, Verdict]]:
    """Every cell's verdict through each door, each door on its own copy."""
    base = tmp_path_factory.mktemp("doors")
    tables: dict[str, dict[Cell, Verdict]] = {}

    cli_url = _copy(prepared, base / "cli")
    with closing(open_store(cli_url)) as store:
        tables["cli"] = _verdicts(Cli(cli_url, base / "cli"), store)

    for name in ("api", "web"):
        url = _copy(prepared, base / name)
        settings = Settings(database_url=url, webhooks=False, rate_per_second=0)
        with closing(open_store(url)) as store:
            app = create_app(settings, store=store)
            if name == "api":
                with TestClient(app, raise_server_exceptions=False) as client:
                    tables[name] = _verdicts(Api(client, store, populated[1]), store)
                continue
            clients = {actor: TestClient(app, raise_server_exceptions=False) for actor in ACTORS}
            with clients["root"]:
                for actor, client in clients.items():
                    sign_in(client, actor, password(actor))
                tables[name] = _verdicts(Web(clients, store), store)
    return tables


@pytest.mark.parametrize("cell", CELLS, ids=["-".join(cell) for cell in CELLS])
def test_every_front_door_gives_the_same_verdict(
    verdicts: dict[str, dict[Cell, Verdict]], cell: Cell
) -> None:
    answers = {door: table[cell] for door, table in verdicts.items() if cell in table}
    assert len(answers) >= 2
    assert len(set(answers.values())) == 1, answers
    verdict = next(iter(answers.values()))
    assert (verdict == ALLOWED) == expected_allowed(*cell), verdict


def test_a_refusal_says_who_may_do_it(verdicts: dict[str, dict[Cell, Verdict]]) -> None:
    assert verdicts["cli"][("submit", "ada", "other")] == (
        "you (ada) may not submit spec 'submit-ada-other': it is not yours "
        "(its creator, the person its Author field names, or an admin may)"
    )
    assert verdicts["api"][("edit", "vic", "own")] == (
        "only an author or an admin may edit; you (vic) hold the role 'viewer'"
    )
    assert verdicts["web"][("approve", "tom", "own")] == (
        "tom is named in the Author field of spec 'approve-tom-own' and may not approve it"
    )
    assert verdicts["web"][("approve", "nobody", "own")] == (
        "you (nobody) hold no role yet: an admin can grant 'viewer' or more"
    )
