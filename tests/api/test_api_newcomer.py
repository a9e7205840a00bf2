"""What a newcomer meets first in the API: a Review that says whose sign-off it waits
for, a filter on a status that does not exist, a role that is no sign-off role, and a
401 whose hint works when pasted on the server."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path
from typing import Any

from api_support import TECHSPEC, draft, serve
from fastapi.testclient import TestClient

from techspec.api.settings import Settings
from techspec.asgi import create_app
from techspec.store.engine import Store

People = dict[str, dict[str, str]]


def _spec(client: TestClient, people: People) -> dict[str, Any]:
    response = client.post(
        "/api/v1/specs",
        content=draft("Ledger", "ada").encode(),
        headers={**people["ada"], "Content-Type": "text/markdown"},
    )
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found


def test_the_review_transition_names_every_role_still_to_approve(
    client: TestClient, people: People
) -> None:
    spec = _spec(client, people)
    moved = client.post(
        f"/api/v1/specs/{spec['id']}/transitions", json={"to": "Review"}, headers=people["ada"]
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["pending_roles"] == ["Technical Lead", "Product Owner", "Security Lead"]


def test_a_status_filter_no_template_has_is_422_naming_the_statuses(
    client: TestClient, people: People
) -> None:
    response = client.get("/api/v1/specs?status=Bogus", headers=people["vic"])
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    detail = response.json()["detail"]
    assert "'Bogus' is not a Status" in detail
    assert "Draft, Review, Approved, Implemented" in detail
    assert client.get("/api/v1/specs?status=review", headers=people["vic"]).status_code == 200


def test_a_role_that_is_no_sign_off_role_is_422_not_403(client: TestClient, people: People) -> None:
    spec = _spec(client, people)
    client.post(
        f"/api/v1/specs/{spec['id']}/transitions", json={"to": "Review"}, headers=people["ada"]
    )
    read = client.get(f"/api/v1/specs/{spec['id']}", headers=people["tom"])
    response = client.post(
        f"/api/v1/specs/{spec['id']}/approvals",
        json={"role": "CEO", "decision": "approve"},
        headers={**people["tom"], "If-Match": read.headers["ETag"]},
    )
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert "'CEO' is not a sign-off role" in detail
    assert "Technical Lead, Product Owner, Security Lead" in detail


def test_the_401_hint_names_the_server_s_database_and_works_when_pasted(
    db_url: str, store: Store, tmp_path: Path
) -> None:
    """The server runs on a SQLite file that is not the default: the hint says
    ``--db`` with it, and pasting it (USER filled in) makes a token that works."""
    client = TestClient(create_app(Settings(database_url=db_url, webhooks=False), store=store))
    detail = client.get("/api/v1/specs").json()["detail"]
    command = detail.split("make a token on the server with: ", 1)[1].rstrip(")")
    assert command == f"techspec token create USER --db {db_url}"
    words = shlex.split(command.replace("USER", "vic"))
    made = subprocess.run(
        [str(TECHSPEC), *words[1:]], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1]
    answer = client.get("/api/v1/specs", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200


def test_the_401_hint_never_shows_a_postgresql_url(store: Store) -> None:
    url = "postgresql+psycopg://app:secret@db.internal/techspec"
    client = TestClient(create_app(Settings(database_url=url, webhooks=False), store=store))
    detail = client.get("/api/v1/specs").json()["detail"]
    assert "secret" not in detail and "db.internal" not in detail
    assert '--db "$TECHSPEC_DATABASE_URL"' in detail


def test_make_run_twice_prints_hints_that_work_when_pasted(tmp_path: Path) -> None:
    """The second ``make run`` finds the demo seeded: its token and password hints
    name the demo database, so pasting them from the repository works."""
    url = f"sqlite:///{tmp_path / 'techspec-demo.db'}"
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    with serve(url, first_log, args=("--demo",)):
        pass
    with serve(url, second_log, args=("--demo",)):
        pass
    printed = second_log.read_text()
    token_hint = printed.split("make a token with: ", 1)[1].splitlines()[0]
    assert shlex.split(token_hint)[1:] == ["token", "create", "admin", "--db", url]
    passwd_hint = printed.split("set a new one with: ", 1)[1].splitlines()[0]
    assert shlex.split(passwd_hint)[1:] == ["user", "passwd", "admin", "--generate", "--db", url]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for hint in (token_hint, passwd_hint):
        done = subprocess.run(
            [str(TECHSPEC), *shlex.split(hint)[1:]],
            capture_output=True,
            text=True,
            check=False,
            cwd=elsewhere,
        )
        assert done.returncode == 0, f"{hint}: {done.stderr}"
    assert list(elsewhere.iterdir()) == []
