"""Proofs through the API: the published keys, attestations and the sign-off check give
the verdicts the CLI gives, and servers sharing one keyring sign alike (on PostgreSQL)."""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_pg import Cluster
from api_support import TECHSPEC, add_people, draft, serve, with_tasks_done
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient

from techspec.cli import cli
from techspec.proofs.keys import KEYRING_ENV
from techspec.store.engine import open_store

People = dict[str, dict[str, str]]
REVIEWERS = {"tom": "Technical Lead", "pat": "Product Owner", "sue": "Security Lead"}


def cli_run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"techspec {args} crashed: {result.exception!r}\n{result.output}")
    return result


def approve_all(http: TestClient | httpx.Client, people: People, spec: Any) -> None:
    """Each reviewer approves the revision they just read (its ETag in If-Match)."""
    for name, role in REVIEWERS.items():
        read = http.get(f"/api/v1/specs/{spec}", headers=people[name])
        decided = http.post(
            f"/api/v1/specs/{spec}/approvals",
            json={"role": role, "decision": "approve"},
            headers={**people[name], "If-Match": read.headers["ETag"]},
        )
        assert decided.status_code == 200, decided.text


def approved_spec(http: TestClient | httpx.Client, people: People) -> dict[str, Any]:
    created = http.post(
        "/api/v1/specs",
        content=with_tasks_done(draft("Payments Ledger", "ada")).encode(),
        headers={**people["ada"], "Content-Type": "text/markdown"},
    )
    assert created.status_code == 201, created.text
    spec: dict[str, Any] = created.json()
    moved = http.post(
        f"/api/v1/specs/{spec['id']}/transitions", json={"to": "Review"}, headers=people["ada"]
    )
    assert moved.status_code == 200, moved.text
    approve_all(http, people, spec["id"])
    return spec


def test_the_keys_are_published_without_a_token_as_key_show_prints_them(
    client: TestClient, db_url: str
) -> None:
    well_known = client.get("/.well-known/techspec-keys")
    api = client.get("/api/v1/keys")

    shown = cli_run("key", "show", "--db", db_url)
    assert well_known.status_code == api.status_code == 200
    assert well_known.json() == api.json() == json.loads(shown.stdout)
    assert [key["algorithm"] for key in well_known.json()["keys"]] == ["ed25519"]
    assert Path(db_url.removeprefix("sqlite:///") + ".keys").exists()


def test_the_api_attestation_verifies_with_the_cli_and_says_what_cli_attest_says(
    client: TestClient, people: People, db_url: str, tmp_path: Path
) -> None:
    spec = approved_spec(client, people)
    keys = tmp_path / "keys.json"
    keys.write_text(client.get("/.well-known/techspec-keys").text)
    from_api = tmp_path / "api.json"
    answer = client.get(f"/api/v1/specs/{spec['slug']}/attestation", headers=people["vic"])
    assert answer.status_code == 200, answer.text
    from_api.write_text(answer.text)
    from_cli = tmp_path / "cli.json"
    assert cli_run("attest", spec["slug"], "-o", str(from_cli), "--db", db_url).exit_code == 0

    verdicts = [
        cli_run(
            "verify-attestation",
            str(path),
            *("--key", str(keys), "--require-status", "Approved"),
            *(option for role in REVIEWERS.values() for option in ("--require-role", role)),
        )
        for path in (from_api, from_cli)
    ]

    assert [v.exit_code for v in verdicts] == [0, 0]
    predicates = [_predicate(path) for path in (from_api, from_cli)]
    for predicate in predicates:
        predicate.pop("issuedAt")
    assert predicates[0] == predicates[1]
    assert predicates[0]["status"] == "Approved"
    assert sorted(a["role"] for a in predicates[0]["approvals"]) == sorted(REVIEWERS.values())


def _predicate(path: Path) -> dict[str, Any]:
    envelope = json.loads(path.read_text())
    found: dict[str, Any] = json.loads(base64.b64decode(envelope["payload"]))["predicate"]
    return found


def test_an_attestation_needs_a_reader(client: TestClient, people: People) -> None:
    spec = approved_spec(client, people)

    anonymous = client.get(f"/api/v1/specs/{spec['id']}/attestation")
    nobody = client.get(f"/api/v1/specs/{spec['id']}/attestation", headers=people["nobody"])
    missing = client.get("/api/v1/specs/no-such-spec/attestation", headers=people["vic"])

    assert (anonymous.status_code, nobody.status_code, missing.status_code) == (401, 403, 404)


@pytest.mark.parametrize("tamper", ["none", "content", "signature"])
def test_post_verify_gives_the_verdicts_techspec_verify_gives(
    client: TestClient, people: People, db_url: str, tmp_path: Path, tamper: str
) -> None:
    spec = approved_spec(client, people)
    text = client.get(f"/api/v1/specs/{spec['id']}.md", headers=people["vic"]).text
    if tamper == "content":
        text = text.replace("## Executive Summary\n\n", "## Executive Summary\n\nX", 1)
    elif tamper == "signature":
        text = text.replace(" sig:", " sig:0", 1)
    path = tmp_path / "ledger.md"
    path.write_text(text, encoding="utf-8")

    api = client.post("/api/v1/verify", json={"content": text}, headers=people["vic"])
    local = cli_run("verify", str(path), "--format", "json", "--db", db_url)

    assert api.status_code == 200, api.text
    cli_rows = json.loads(local.stdout)["rows"]
    for row in cli_rows:
        row.pop("path")
    assert api.json()["rows"] == cli_rows
    assert api.json()["ok"] is (tamper == "none") is (local.exit_code == 0)


def test_verify_server_fetches_the_keys_of_a_running_server(
    db_url: str, people: People, tmp_path: Path
) -> None:
    with serve(db_url, tmp_path / "server.log") as server:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            spec = approved_spec(http, people)
            text = http.get(f"/api/v1/specs/{spec['id']}.md", headers=people["vic"]).text
        path = tmp_path / "ledger.md"
        path.write_text(text, encoding="utf-8")
        done = subprocess.run(
            [str(TECHSPEC), "verify", str(path), "--server", server.url],
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp_path,
        )

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "3 signed, 0 failed"


def test_two_servers_on_one_postgresql_share_one_key_given_as_one_file(
    postgres: Cluster, tmp_path: Path
) -> None:
    postgres.admin("CREATE DATABASE proofs")
    url = postgres.url("proofs")
    upgraded = subprocess.run(
        [str(TECHSPEC), "db", "upgrade", "--db", url], capture_output=True, text=True, check=False
    )
    assert upgraded.returncode == 0, upgraded.stderr
    store = open_store(url)
    people = add_people(store)
    store.close()
    env = {KEYRING_ENV: str(tmp_path / "shared" / "techspec.keys")}

    with (
        serve(url, tmp_path / "a.log", env=env) as first,
        serve(url, tmp_path / "b.log", env=env) as second,
    ):
        keys = [httpx.get(f"{s.url}/.well-known/techspec-keys").json() for s in (first, second)]
        with httpx.Client(base_url=first.url, timeout=30) as http:
            spec = approved_spec(http, people)
            text = http.get(f"/api/v1/specs/{spec['id']}.md", headers=people["vic"]).text
        attestation = httpx.get(
            f"{second.url}/api/v1/specs/{spec['id']}/attestation",
            headers=people["vic"],
            timeout=30,
        )
        path = tmp_path / "ledger.md"
        path.write_text(text, encoding="utf-8")
        (tmp_path / "attestation.json").write_text(attestation.text)
        checks = [
            subprocess.run(
                [str(TECHSPEC), *args, "--server", second.url],
                capture_output=True,
                text=True,
                check=False,
                cwd=tmp_path,
            )
            for args in (
                ["verify", str(path)],
                ["verify-attestation", "attestation.json", "--require-status", "Approved"],
            )
        ]

    assert keys[0] == keys[1] and len(keys[0]["keys"]) == 1
    assert [c.returncode for c in checks] == [0, 0], [c.stdout + c.stderr for c in checks]


def test_serve_makes_the_key_at_start_and_refuses_a_keyring_others_can_read(
    db_url: str, tmp_path: Path
) -> None:
    keyring = Path(db_url.removeprefix("sqlite:///") + ".keys")
    with serve(db_url, tmp_path / "server.log") as server:
        assert keyring.exists()
        assert "techspec signing key: " in server.logs()
    keyring.chmod(0o644)

    refused = subprocess.run(
        [str(TECHSPEC), "serve", "--db", db_url, "--port", "1"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert refused.returncode == 2
    assert "readable by others (mode 644)" in refused.stderr
    assert "Traceback" not in refused.stderr
