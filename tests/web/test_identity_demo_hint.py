"""``make run`` (``techspec serve --demo``) with no provider configured: password sign-in
for the demo users, and a printed command that resets a demo password when pasted."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from web_support import TECHSPEC, free_port

from techspec.service.passwords import verify
from techspec.store.engine import open_store
from techspec.store.errors import Forbidden


def test_the_demo_prints_a_reset_command_that_works_when_pasted(tmp_path: Path) -> None:
    env = {**os.environ, "TECHSPEC_WEBHOOKS": "0", "TECHSPEC_LOG_LEVEL": "WARNING"}
    env.pop("TECHSPEC_OIDC_ISSUER", None)
    command = [str(TECHSPEC), "serve", "--db", "sqlite:///techspec-demo.db", "--demo"]
    server = subprocess.Popen(
        [*command, "--port", str(free_port())],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        lines = []
        for line in server.stdout:
            lines.append(line)
            if line.startswith("forgot a demo password?"):
                break
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert any(line.startswith("  admin ") for line in lines), lines  # demo passwords, once
    hint = lines[-1].split("set a new one with: ", 1)[1].strip()
    assert hint.endswith("user passwd admin --generate --db sqlite:///techspec-demo.db")
    pasted = subprocess.run(
        hint, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert pasted.returncode == 0, pasted.stderr
    new_password = pasted.stdout.strip().splitlines()[-1]
    store = open_store(f"sqlite:///{tmp_path / 'techspec-demo.db'}")
    try:
        assert verify(store, "admin", new_password).name == "admin"
    finally:
        store.close()


def test_a_script_deactivates_and_reactivates_from_the_command_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'techspec.db'}"
    run = [str(TECHSPEC)]
    assert (
        subprocess.run([*run, "user", "add", "kim", "--role", "viewer", "--db", db]).returncode == 0
    )
    token = subprocess.run(
        [*run, "token", "create", "kim", "--db", db], capture_output=True, text=True
    ).stdout.strip()
    done = subprocess.run(
        [*run, "user", "deactivate", "kim", "--db", db], capture_output=True, text=True
    )
    assert done.returncode == 0 and "deactivated" in done.stdout
    from techspec.store.token_records import authenticate

    store = open_store(db)
    try:
        with pytest.raises(Forbidden, match="revoked"):
            authenticate(store, token)
    finally:
        store.close()
    missing = subprocess.run(
        [*run, "user", "deactivate", "nobody", "--db", db], capture_output=True, text=True
    )
    assert missing.returncode == 2 and "unknown user 'nobody'" in missing.stderr
    again = subprocess.run([*run, "user", "reactivate", "kim", "--db", db], capture_output=True)
    assert again.returncode == 0
