"""Signed approvals and attestations end to end, on both engines: approve through the
CLI, export to git, and check the clone with no database, only a public key."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from store_specs import draft, with_tasks_done

from conftest_cli import Completed, run_process
from techspec.cli import cli
from techspec.proofs.keys import KEY_ENV, KEYRING_ENV

SLUG = "0001-ledger"
SIGNATURE = re.compile(r"sig:[0-9a-f]{16}:([A-Za-z0-9_-]{86})")
ROLES = {"tom": "Technical Lead", "pat": "Product Owner", "sue": "Security Lead"}


def run(db_url: str, *args: str) -> Result:
    result = CliRunner().invoke(cli, [*args, "--db", db_url], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"techspec {args} crashed: {result.exception!r}\n{result.output}")
    return result


@dataclass
class Exported:
    """An approved spec exported to git and cloned elsewhere, with the server's public key."""

    db_url: str
    clone: Path
    spec: Path
    public_key: Path
    keyring: Path


def offline(*args: str, cwd: Path) -> Completed:
    """``techspec ARGS`` in a subprocess that knows of no database and no keyring."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("TECHSPEC_DATABASE_URL", KEY_ENV, KEYRING_ENV)
    }
    return run_process(args, cwd=cwd, env=env)


@pytest.fixture
def exported(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Exported:
    keyring = tmp_path / "secrets" / "techspec.keys"
    monkeypatch.setenv(KEYRING_ENV, str(keyring))
    for name, role in [("ada", "author"), *ROLES.items()]:
        assert run(db_url, "user", "add", name, "--role", role).exit_code == 0
    source = tmp_path / "src" / f"{SLUG}.md"
    source.parent.mkdir()
    source.write_text(with_tasks_done(draft("Payments Ledger", "ada")), encoding="utf-8")
    assert run(db_url, "import", str(source), "--as", "ada").exit_code == 0
    assert run(db_url, "submit", SLUG, "--as", "ada").exit_code == 0
    for name, role in ROLES.items():
        approved = run(db_url, "approve", SLUG, "--as", name, "--role", role)
        assert approved.exit_code == 0, approved.output
    assert "Approved" in approved.stdout
    repo = tmp_path / "repo"
    assert run(db_url, "export", str(repo)).exit_code == 0
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "-C", str(repo), "add", "."], check=True)
    subprocess.run([*git, "-C", str(repo), "commit", "-qm", "specs"], check=True)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
    public_key = tmp_path / "server.pub"
    shown = run(db_url, "key", "show", "--pem")
    assert shown.exit_code == 0, shown.output
    public_key.write_text(shown.stdout)
    return Exported(db_url, clone, clone / f"{SLUG}.md", public_key, keyring)


def test_the_keyring_is_made_once_outside_the_database_readable_only_by_its_owner(
    exported: Exported,
) -> None:
    assert stat.S_IMODE(exported.keyring.stat().st_mode) == 0o600
    document = json.loads(run(exported.db_url, "key", "show").stdout)
    assert [key["current"] for key in document["keys"]] == [True]


def test_a_spec_exported_to_git_verifies_with_no_database(exported: Exported) -> None:
    done = _verify_offline(exported)

    assert done.exit_code == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "3 signed, 0 failed"
    assert not list(exported.clone.glob("*.db*"))


def test_one_character_of_content_edited_fails_naming_every_row(exported: Exported) -> None:
    text = exported.spec.read_text("utf-8")
    exported.spec.write_text(
        text.replace("## Executive Summary\n\n", "## Executive Summary\n\nX", 1)
    )

    done = _verify_offline(exported)

    assert done.exit_code == 1
    lines = text.split("\n")
    for role in ROLES.values():
        number = next(i for i, line in enumerate(lines, 1) if line.startswith(f"| {role}"))
        assert f"{exported.spec.name}:{number}: {role}: stale: " in done.stdout
    assert done.stdout.splitlines()[-1] == "0 signed, 3 failed"


def _edit_row(exported: Exported, role: str, edit: Callable[[str], str]) -> int:
    """Apply ``edit`` to ``role``'s sign-off row of the exported file; its line number."""
    lines = exported.spec.read_text("utf-8").split("\n")
    number = next(i for i, line in enumerate(lines, 1) if line.startswith(f"| {role}"))
    edited = edit(lines[number - 1])
    assert edited != lines[number - 1]
    lines[number - 1] = edited
    exported.spec.write_text("\n".join(lines), encoding="utf-8")
    return number


def _verify_offline(exported: Exported) -> Completed:
    return offline(
        "verify", exported.spec.name, "--key", str(exported.public_key), cwd=exported.clone
    )


def test_an_edited_name_cell_fails_naming_that_row(exported: Exported) -> None:
    number = _edit_row(exported, "Security Lead", lambda row: row.replace("| sue ", "| eve "))

    done = _verify_offline(exported)

    assert done.exit_code == 1
    assert f"{exported.spec.name}:{number}: Security Lead: forged: " in done.stdout
    assert done.stdout.splitlines()[-1] == "2 signed, 1 failed"


def test_an_edited_signature_fails_naming_that_row(exported: Exported) -> None:
    def flip(row: str) -> str:
        found = SIGNATURE.search(row)
        assert found is not None
        first = "B" if found[1][0] != "B" else "C"
        return row[: found.start(1)] + first + row[found.start(1) + 1 :]

    number = _edit_row(exported, "Product Owner", flip)

    done = _verify_offline(exported)

    assert done.exit_code == 1
    assert f"{exported.spec.name}:{number}: Product Owner: forged: " in done.stdout


def test_a_cell_whose_words_were_rewrapped_still_verifies(exported: Exported) -> None:
    _edit_row(exported, "Technical Lead", lambda row: row.replace(" spec:", "   spec:"))

    done = _verify_offline(exported)

    assert done.exit_code == 0, done.stdout


def _attest(exported: Exported, tmp_path: Path) -> Path:
    out = tmp_path / "attestation.json"
    done = run(exported.db_url, "attest", SLUG, "--output", str(out))
    assert done.exit_code == 0, done.output
    return out


def test_an_attestation_verifies_offline_with_what_ci_requires(
    exported: Exported, tmp_path: Path
) -> None:
    attestation = _attest(exported, tmp_path)

    done = offline(
        "verify-attestation",
        str(attestation),
        "--key",
        str(exported.public_key),
        "--require-status",
        "Approved",
        *("--require-role", "Security Lead", "--require-role", "Product Owner"),
        "--spec",
        exported.spec.name,
        cwd=exported.clone,
    )

    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith(f"verified: spec '{SLUG}' r")
    assert "is Approved at content sha256:" in done.stdout


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--require-status", "Implemented"], f"spec '{SLUG}' is Approved, not Implemented"),
        (["--require-role", "Legal"], "lacks an approval by Legal"),
    ],
    ids=["status", "role"],
)
def test_an_attestation_that_says_less_than_required_fails(
    exported: Exported, tmp_path: Path, options: list[str], message: str
) -> None:
    attestation = _attest(exported, tmp_path)

    done = offline(
        "verify-attestation",
        str(attestation),
        "--key",
        str(exported.public_key),
        *options,
        cwd=exported.clone,
    )

    assert done.exit_code == 1
    assert message in done.stderr


def test_an_attestation_of_other_content_fails(exported: Exported, tmp_path: Path) -> None:
    attestation = _attest(exported, tmp_path)
    text = exported.spec.read_text("utf-8")
    exported.spec.write_text(text.replace("## Scope\n", "## Scope\n\nMore.\n", 1))

    done = offline(
        "verify-attestation",
        str(attestation),
        *("--key", str(exported.public_key), "--spec", exported.spec.name),
        cwd=exported.clone,
    )

    assert done.exit_code == 1
    assert "the text changed" in done.stderr


def test_an_attestation_checked_with_another_key_fails(exported: Exported, tmp_path: Path) -> None:
    attestation = _attest(exported, tmp_path)
    other = tmp_path / "other.pub"
    shown = run(exported.db_url, "key", "show", "--pem", "--keyring", str(tmp_path / "x.keys"))
    other.write_text(shown.stdout)

    done = offline("verify-attestation", str(attestation), "--key", str(other), cwd=tmp_path)

    assert done.exit_code == 1
    assert "no valid signature by a known key" in done.stderr


def test_after_a_rotation_old_signatures_verify_with_the_published_keys(
    exported: Exported, tmp_path: Path
) -> None:
    old_attestation = _attest(exported, tmp_path)

    rotated = run(exported.db_url, "key", "rotate")
    keys = tmp_path / "keys.json"
    keys.write_text(run(exported.db_url, "key", "show").stdout)
    new_pem = tmp_path / "new.pub"
    new_pem.write_text(run(exported.db_url, "key", "show", "--pem").stdout)

    assert rotated.exit_code == 0 and "2 keys kept" in rotated.stdout
    assert stat.S_IMODE(exported.keyring.stat().st_mode) == 0o600
    assert [k["current"] for k in json.loads(keys.read_text())["keys"]] == [False, True]
    with_document = offline("verify", exported.spec.name, "--key", str(keys), cwd=exported.clone)
    assert with_document.exit_code == 0, with_document.stdout
    only_new = offline("verify", exported.spec.name, "--key", str(new_pem), cwd=exported.clone)
    assert only_new.exit_code == 1 and "unknown key" in only_new.stdout
    old = offline("verify-attestation", str(old_attestation), "--key", str(keys), cwd=tmp_path)
    assert old.exit_code == 0, old.stderr
    new = offline(
        "verify-attestation", str(_attest(exported, tmp_path)), "--key", str(new_pem), cwd=tmp_path
    )
    assert new.exit_code == 0, new.stderr


def test_a_keyring_others_can_read_is_refused(exported: Exported) -> None:
    exported.keyring.chmod(0o644)

    done = run(exported.db_url, "key", "show")

    assert done.exit_code == 2
    assert "readable by others (mode 644)" in done.stderr
    refused = run(exported.db_url, "attest", SLUG)
    assert refused.exit_code == 2


def test_a_restored_backup_keeps_every_signature_verifiable(
    exported: Exported, tmp_path: Path
) -> None:
    backup = tmp_path / "store.backup"
    assert run(exported.db_url, "backup", str(backup)).exit_code == 0
    changed = tmp_path / "changed" / f"{SLUG}.md"
    changed.parent.mkdir()
    text = exported.spec.read_text("utf-8")
    changed.write_text(text.replace("## Scope\n", "## Scope\n\nMore.\n", 1), encoding="utf-8")
    assert run(exported.db_url, "import", str(changed), "--as", "ada").exit_code == 0
    assert "sig:" not in run(exported.db_url, "cat", SLUG).stdout

    restored = run(exported.db_url, "restore", str(backup))
    again = tmp_path / "again"
    assert restored.exit_code == 0, restored.output
    assert run(exported.db_url, "export", str(again)).exit_code == 0

    done = offline("verify", f"{SLUG}.md", "--key", str(exported.public_key), cwd=again)
    assert done.exit_code == 0, done.stdout
    attestation = _attest(exported, tmp_path)
    checked = offline(
        "verify-attestation",
        str(attestation),
        *("--key", str(exported.public_key), "--require-status", "Approved"),
        cwd=tmp_path,
    )
    assert checked.exit_code == 0, checked.stderr


def test_rows_signed_before_a_rotation_are_kept_when_the_workflow_writes_back(
    exported: Exported, tmp_path: Path
) -> None:
    """An import that changed a managed part is written back over; the old key's valid
    signatures stay as they are rather than being re-signed or cleared."""
    before = exported.spec.read_text("utf-8")
    old_rows = [line for line in before.split("\n") if " sig:" in line]
    assert run(exported.db_url, "key", "rotate").exit_code == 0
    meddled = tmp_path / "meddled" / f"{SLUG}.md"
    meddled.parent.mkdir()
    meddled.write_text(before.replace("**Status**: Approved", "**Status**: Draft"), "utf-8")

    imported = run(exported.db_url, "import", str(meddled), "--as", "ada")

    assert imported.exit_code == 0, imported.output
    text = run(exported.db_url, "cat", SLUG).stdout
    assert "**Status**: Approved" in text
    assert [line for line in text.split("\n") if " sig:" in line] == old_rows
