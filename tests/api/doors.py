"""The three front doors a person can act through, each asked the same question: "may
USER do OP to SPEC?", each answering a :data:`Verdict` in the same shape.

* :class:`Cli` runs ``techspec`` commands with ``--as USER`` (in process, through
  click's runner);
* :class:`Api` sends the REST request with USER's token;
* :class:`Web` signs USER in with their password and posts the form, with its CSRF
  token.

A verdict is ``"allowed"`` or the refusal's reason: the one line the CLI prints after
``techspec:``, the API's problem ``detail``, the web error page's message.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Protocol

from click.testing import CliRunner
from fastapi.testclient import TestClient

from techspec.cli import cli
from techspec.store import revisions
from techspec.store.engine import Store

Verdict = str
ALLOWED: Verdict = "allowed"
ROLE = "Technical Lead"
"""The sign-off role every approve and request-changes names."""

_CSRF = re.compile(r'"X-CSRF-Token": "([^"]+)"')
_ERROR = re.compile(r'<p class="error-message">(.*?)</p>', re.S)
_SKIPPED = re.compile(r"^techspec: skipped [^:]+: (.*)$", re.M)


class Door(Protocol):
    """What each front door offers: operation name -> how to perform it."""

    name: str

    def operations(self) -> set[str]: ...

    def perform(self, op: str, user: str, slug: str, text: str) -> Verdict: ...


class Cli:
    name = "cli"

    def __init__(self, db_url: str, folder: Path) -> None:
        self.db_url = db_url
        self.folder = folder

    def operations(self) -> set[str]:
        return {"create", "edit", "submit", "approve", "request-changes", "implement", "delete"}

    def perform(self, op: str, user: str, slug: str, text: str) -> Verdict:
        if op in ("create", "edit"):  # the CLI writes specs by importing files
            path = self.folder / f"{slug}.md"
            path.write_text(text, encoding="utf-8")
            return self._run("import", str(path), "--as", user)
        role = ["--role", ROLE] if op in ("approve", "request-changes") else []
        return self._run(op, slug, "--as", user, *role)

    def _run(self, *args: str) -> Verdict:
        result = CliRunner().invoke(cli, [*args, "--db", self.db_url], catch_exceptions=False)
        if result.exit_code == 0:
            return ALLOWED
        skipped = _SKIPPED.search(result.stderr)
        if skipped:
            return skipped.group(1)
        return result.stderr.splitlines()[0].removeprefix("techspec: ")


class Api:
    name = "api"

    def __init__(self, client: TestClient, store: Store, tokens: dict[str, dict[str, str]]):
        self.client = client
        self.store = store
        self.tokens = tokens

    def operations(self) -> set[str]:
        return {"create", "edit", "submit", "approve", "request-changes", "implement", "delete"}

    def perform(self, op: str, user: str, slug: str, text: str) -> Verdict:
        headers = self.tokens[user]
        path = f"/api/v1/specs/{slug}"
        markdown = {**headers, "Content-Type": "text/markdown"}
        if op == "create":
            response = self.client.post(
                f"/api/v1/specs?slug={slug}", content=text, headers=markdown
            )
        elif op == "edit":
            sha256 = revisions.get_revision(self.store, slug).sha256
            etag = {**markdown, "If-Match": f'"{sha256}"'}
            response = self.client.put(path, content=text, headers=etag)
        elif op in ("submit", "implement"):
            to = "Review" if op == "submit" else "Implemented"
            response = self.client.post(f"{path}/transitions", json={"to": to}, headers=headers)
        elif op in ("approve", "request-changes"):
            decision = {"role": ROLE, "decision": op.replace("-", "_")}
            read = {**headers, "If-Match": f'"{revisions.get_revision(self.store, slug).sha256}"'}
            response = self.client.post(f"{path}/approvals", json=decision, headers=read)
        else:
            response = self.client.delete(path, headers=headers)
        if response.is_success:
            return ALLOWED
        detail: str = response.json()["detail"]
        return detail


class Web:
    name = "web"

    def __init__(self, clients: dict[str, TestClient], store: Store) -> None:
        self.clients = clients
        """One signed-in browser session per user."""
        self.store = store

    def operations(self) -> set[str]:
        return {"create", "edit", "submit", "approve", "request-changes", "implement"}

    def perform(self, op: str, user: str, slug: str, text: str) -> Verdict:
        client = self.clients[user]
        form = {"csrf": csrf_token(client)}
        if op == "create":
            path, form["title"] = "/new", slug
        elif op == "edit":
            number = revisions.get_revision(self.store, slug).number
            path = f"/specs/{slug}/edit"
            form.update(text=text, base=str(number))
        else:
            path = f"/specs/{slug}/{op}"
            if op in ("approve", "request-changes"):
                form["role"] = ROLE
                form["revision"] = str(revisions.get_revision(self.store, slug).number)
        response = client.post(path, data=form, follow_redirects=False)
        if response.status_code == 303:
            return ALLOWED
        found = _ERROR.search(response.text)
        assert found is not None, f"{op} by {user}: {response.status_code} {response.text[:300]}"
        return html.unescape(found.group(1)).strip()


def csrf_token(client: TestClient) -> str:
    """The session's CSRF token, which every page carries for htmx (an error page too)."""
    found = _CSRF.search(client.get("/login", follow_redirects=True).text)
    assert found is not None
    return found.group(1)


def sign_in(client: TestClient, name: str, password: str) -> None:
    response = client.post(
        "/login",
        data={"username": name, "password": password, "csrf": csrf_token(client), "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
