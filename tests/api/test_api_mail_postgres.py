"""Two server processes on one PostgreSQL database share the mail outbox: every review
request's mail reaches the SMTP server exactly once, whichever process leased it, and
the inbox reads the same from both."""

from __future__ import annotations

import subprocess
import time
from collections import Counter
from pathlib import Path

import httpx
from api_pg import Cluster
from api_support import TECHSPEC, draft, serve

from mail_support import SmtpServer
from techspec.store import mail_outbox, profiles
from techspec.store.engine import open_store
from techspec.store.users import add_user, create_token

SPECS = 6


def test_two_servers_send_each_mail_once(
    postgres: Cluster, tmp_path: Path, smtp: SmtpServer
) -> None:
    postgres.admin("CREATE DATABASE mail_twice")
    url = postgres.url("mail_twice")
    upgrade = [str(TECHSPEC), "db", "upgrade", "--db", url]
    assert subprocess.run(upgrade, capture_output=True, check=False).returncode == 0
    store = open_store(url)
    add_user(store, "ada", ["author"])
    for name, role in (
        ("tom", "Technical Lead"),
        ("pat", "Product Owner"),
        ("sue", "Security Lead"),
    ):
        add_user(store, name, [role])
        profiles.set_profile(store, name, email=f"{name}@example.test")
    tokens = {name: create_token(store, name) for name in ("ada", "tom")}
    env = {
        "TECHSPEC_SMTP_URL": smtp.url,
        "TECHSPEC_MAIL_POLL_SECONDS": "0.02",
        "TECHSPEC_WEBHOOKS": "0",
        "TECHSPEC_AUTH_CACHE_SECONDS": "0",
    }
    try:
        with (
            serve(url, tmp_path / "one.log", env=env) as one,
            serve(url, tmp_path / "two.log", env=env) as two,
        ):
            ada = {"Authorization": f"Bearer {tokens['ada']}"}
            with httpx.Client(headers=ada, timeout=30) as client:
                for n in range(SPECS):
                    base = (one.url, two.url)[n % 2]
                    created = client.post(
                        f"{base}/api/v1/specs",
                        content=draft(f"Spec {n}", "ada").encode(),
                        headers={"Content-Type": "text/markdown"},
                    )
                    assert created.status_code == 201, created.text
                    moved = client.post(
                        f"{base}/api/v1/specs/{created.json()['id']}/transitions",
                        json={"to": "Review"},
                    )
                    assert moved.status_code == 200, moved.text
            smtp.sink.wait_for(lambda got: len(got) >= 3 * SPECS, timeout=60)
            deadline = time.monotonic() + 5
            while mail_outbox.states(store).get("pending") and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(1.0)  # time for a second send of any mail, were there one
            tom = {"Authorization": f"Bearer {tokens['tom']}"}
            pages = [
                httpx.get(f"{server.url}/api/v1/inbox", headers=tom).json() for server in (one, two)
            ]
    finally:
        states = mail_outbox.states(store)
        store.close()
    ids = Counter(str(mail["Message-ID"]) for mail in smtp.sink.received)
    assert len(ids) == 3 * SPECS and set(ids.values()) == {1}
    assert states == {"sent": 3 * SPECS}
    seen = [[(i["id"], i["summary"], i["link"]) for i in page["items"]] for page in pages]
    assert seen[0] == seen[1] and len(seen[0]) == SPECS and pages[0]["unread"] == SPECS
