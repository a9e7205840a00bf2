"""Signing in through a FastAPI ``TestClient``: the CSRF token of a form, and the sign-in
post (the browser tests sign in through ``web_support.sign_in``)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from web_support import password

_TOKEN = re.compile(r'name="csrf" value="([^"]+)"')


def token(client: TestClient, path: str = "/login") -> str:
    found = _TOKEN.search(client.get(path).text)
    assert found is not None
    return found.group(1)


def sign_in(client: TestClient, name: str, secret: str | None = None, next: str = "/") -> int:
    response = client.post(
        "/login",
        data={
            "username": name,
            "password": secret or password(name),
            "csrf": token(client),
            "next": next,
        },
        follow_redirects=False,
    )
    return response.status_code
