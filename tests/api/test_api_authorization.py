"""The authorization matrix: every endpoint x every role x (own spec, other's spec), with
the status each must get.  A deleted spec is 404 to everyone who may read at all.

Roles: ``anon`` sends no token, ``nobody`` holds no role, ``vic`` is a viewer, ``ada`` an
author, ``tom`` a reviewer (Technical Lead), ``root`` an admin.  A user's own spec is one
they created whose Author field names them; the other's spec is bob's.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from api_support import draft, edited
from fastapi import FastAPI
from fastapi.testclient import TestClient

from techspec.api.context import ApiContext
from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.store import revisions, workflow
from techspec.store.engine import open_store
from techspec.store.users import find_user

People = dict[str, dict[str, str]]
WHO = ("anon", "nobody", "vic", "ada", "tom", "root")


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: dict[str, Any] | None = None
    in_review: bool = False
    if_match: bool = False


SPEC_CALLS = {
    "read": Call("GET", "/api/v1/specs/{id}"),
    "markdown": Call("GET", "/api/v1/specs/{id}.md"),
    "revisions": Call("GET", "/api/v1/specs/{id}/revisions"),
    "revision": Call("GET", "/api/v1/specs/{id}/revisions/1"),
    "diff": Call("GET", "/api/v1/specs/{id}/diff?from=1"),
    "approvals": Call("GET", "/api/v1/specs/{id}/approvals"),
    "edit": Call("PUT", "/api/v1/specs/{id}", {"content": "EDITED"}, if_match=True),
    "delete": Call("DELETE", "/api/v1/specs/{id}"),
    "submit": Call("POST", "/api/v1/specs/{id}/transitions", {"to": "Review"}),
    "approve": Call(
        "POST",
        "/api/v1/specs/{id}/approvals",
        {"role": "Technical Lead", "decision": "approve"},
        in_review=True,
        if_match=True,
    ),
}
READ = {"anon": 401, "nobody": 403, "vic": 200, "ada": 200, "tom": 200, "root": 200}
# (own, other) per user, for the calls that change a spec.
EXPECTED_WRITES: dict[str, dict[str, tuple[int, int]]] = {
    "edit": {"vic": (403, 403), "ada": (200, 403), "tom": (403, 403), "root": (200, 200)},
    "delete": {"vic": (403, 403), "ada": (204, 403), "tom": (403, 403), "root": (204, 204)},
    "submit": {"vic": (403, 403), "ada": (200, 403), "tom": (403, 403), "root": (200, 200)},
    "approve": {"vic": (403, 403), "ada": (403, 403), "tom": (403, 200), "root": (403, 403)},
}
GLOBAL_CALLS = {
    "list": (Call("GET", "/api/v1/specs"), READ),
    "create": (
        Call("POST", "/api/v1/specs", {"content": "NEW"}),
        {"anon": 401, "nobody": 403, "vic": 403, "ada": 201, "tom": 403, "root": 201},
    ),
    "lint": (Call("POST", "/api/v1/lint", {"content": "NEW"}), READ),
    "templates": (Call("GET", "/api/v1/templates"), READ),
    "add-template": (
        Call("POST", "/api/v1/templates", {"name": "t2", "content": "TEMPLATE"}),
        {"anon": 401, "nobody": 403, "vic": 403, "ada": 403, "tom": 403, "root": 201},
    ),
    "audit": (
        Call("GET", "/api/v1/audit"),
        {"anon": 401, "nobody": 403, "vic": 403, "ada": 403, "tom": 403, "root": 200},
    ),
    "audit-verify": (
        Call("GET", "/api/v1/audit/verify"),
        {"anon": 401, "nobody": 403, "vic": 403, "ada": 403, "tom": 403, "root": 200},
    ),
}


def expected(name: str, who: str, own: bool) -> int:
    if who in ("anon", "nobody"):
        return READ[who]
    if name in EXPECTED_WRITES:
        return EXPECTED_WRITES[name][who][0 if own else 1]
    return READ[who]


Specs = dict[tuple[str, bool, bool], tuple[int, str]]
"""(owner, in review, deleted) -> (spec id, its ETag)."""


@pytest.fixture(scope="module")
def matrix(
    tmp_path_factory: pytest.TempPathFactory, populated: tuple[Path, People]
) -> tuple[Path, Specs]:
    """A database holding, for every owner, a spec in Draft and one in Review, each
    live and deleted: built once, copied for each case."""
    path = tmp_path_factory.mktemp("matrix") / "techspec.db"
    shutil.copyfile(populated[0], path)
    store = open_store(f"sqlite:///{path}")
    found: Specs = {}
    for owner in ("nobody", "vic", "ada", "tom", "root", "bob"):
        author = find_user(store, owner)
        for in_review in (False, True):
            for deleted in (False, True):
                slug = f"{owner}-{in_review}-{deleted}"
                saved = revisions.create_spec(store, slug, draft(slug, owner), author=author)
                if in_review:
                    workflow.submit(store, slug, author)
                sha = revisions.get_revision(store, slug).sha256
                if deleted:
                    revisions.soft_delete(store, slug)
                found[(owner, in_review, deleted)] = (saved.spec.id, f'"{sha}"')
    store.close()
    return path, found


@pytest.fixture(scope="module")
def matrix_app(matrix: tuple[Path, Specs]) -> Iterator[tuple[FastAPI, TestClient]]:
    """One app for the module (FastAPI analyses each route on its first request, per app);
    each case swaps in its own copy of the database."""
    settings = Settings(
        database_url=f"sqlite:///{matrix[0]}",
        webhooks=False,
        auth_cache_seconds=0,
        rate_per_second=0,
    )
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield app, client


@pytest.fixture
def matrix_client(
    tmp_path: Path, matrix: tuple[Path, Specs], matrix_app: tuple[FastAPI, TestClient]
) -> Iterator[TestClient]:
    path = tmp_path / "techspec.db"
    shutil.copyfile(matrix[0], path)
    api: ApiContext = matrix_app[0].state.api
    shared, api.store = api.store, open_store(f"sqlite:///{path}")
    yield matrix_app[1]
    api.store.close()
    api.store = shared


@functools.cache
def _fills() -> dict[str, str]:
    from techspec.lint.template import builtin_template

    return {
        "EDITED": edited(draft(), "Edited."),
        "NEW": draft("New Spec"),
        "TEMPLATE": builtin_template().text + "\n## Glossary\n\n- [Term]\n",
    }


def _send(client: TestClient, call: Call, spec_id: int, headers: dict[str, str], etag: str) -> Any:
    body = call.body
    if body is not None:
        body = {key: _fills().get(value, value) for key, value in body.items()}
    if call.if_match:
        headers = {**headers, "If-Match": etag}
    return client.request(call.method, call.path.format(id=spec_id), json=body, headers=headers)


def _headers(people: People, who: str) -> dict[str, str]:
    return {} if who == "anon" else people[who]


@pytest.mark.parametrize("own", [True, False], ids=["own", "others"])
@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", list(SPEC_CALLS))
def test_each_spec_endpoint_gives_each_role_its_status(
    matrix_client: TestClient,
    matrix: tuple[Path, Specs],
    people: People,
    name: str,
    who: str,
    own: bool,
) -> None:
    call = SPEC_CALLS[name]
    owner = who if own and who != "anon" else "bob"
    spec_id, etag = matrix[1][(owner, call.in_review, False)]
    response = _send(matrix_client, call, spec_id, _headers(people, who), etag)
    assert response.status_code == expected(name, who, own), response.text


@pytest.mark.parametrize("own", [True, False], ids=["own", "others"])
@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", list(SPEC_CALLS))
def test_a_deleted_spec_is_404_to_everyone_who_may_read(
    matrix_client: TestClient,
    matrix: tuple[Path, Specs],
    people: People,
    name: str,
    who: str,
    own: bool,
) -> None:
    call = SPEC_CALLS[name]
    owner = who if own and who != "anon" else "bob"
    spec_id, etag = matrix[1][(owner, call.in_review, True)]
    response = _send(matrix_client, call, spec_id, _headers(people, who), etag)
    assert response.status_code == {"anon": 401, "nobody": 403}.get(who, 404), response.text


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", list(GLOBAL_CALLS))
def test_each_global_endpoint_gives_each_role_its_status(
    matrix_client: TestClient, people: People, name: str, who: str
) -> None:
    call, statuses = GLOBAL_CALLS[name]
    response = _send(matrix_client, call, 0, _headers(people, who), "")
    assert response.status_code == statuses[who], response.text
