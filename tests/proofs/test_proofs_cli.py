"""The proof commands on their own files: the verdicts, and bad input as one clear line
with exit 2 (a failed check is exit 1), never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import signed_spec
from conftest_cli import run_cli
from techspec.proofs.attestation import Claim, sign
from techspec.proofs.keys import KEY_ENV, KEYRING_ENV, KeyRing


@pytest.fixture(autouse=True)
def no_server_keyring(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test names its keys itself: no keyring of the environment or the cwd."""
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEYRING_ENV, raising=False)
    monkeypatch.delenv("TECHSPEC_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)


def _keys(ring: KeyRing, tmp_path: Path) -> Path:
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(ring.public_document()))
    return path


def test_verify_reads_the_key_document_and_prints_each_row_with_json(
    ring: KeyRing, tmp_path: Path
) -> None:
    spec = tmp_path / "ledger.md"
    spec.write_text(signed_spec(ring))

    done = run_cli(["verify", str(spec), "--key", str(_keys(ring, tmp_path)), "--format", "json"])

    assert done.exit_code == 0
    report = json.loads(done.stdout)
    assert report["ok"] is True
    assert [(r["role"], r["verdict"], r["key_id"]) for r in report["rows"]] == [
        (role, "signed", ring.current.key_id)
        for role in ("Technical Lead", "Product Owner", "Security Lead")
    ]


def test_verify_with_the_local_keyring_of_a_sqlite_store(ring_path: Path, tmp_path: Path) -> None:
    """Without --key or --server, the keyring beside the --db file is used."""
    database = ring_path.parent / "techspec.db"
    spec = tmp_path / "ledger.md"
    spec.write_text(signed_spec(KeyRing.load_or_create(ring_path)))

    done = run_cli(["verify", str(spec), "--db", f"sqlite:///{database}"])

    assert done.exit_code == 0, done.output
    assert not database.exists()


def test_verify_without_any_key_is_a_usage_error(tmp_path: Path) -> None:
    spec = tmp_path / "ledger.md"
    spec.write_text("# Technical Specification: x\n")

    done = run_cli(["verify", str(spec), "--db", "postgresql+psycopg://h/db"])

    assert done.exit_code == 2
    assert "give --key FILE or --server URL" in done.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not a key", "not a key document (JSON) or a PEM public key"),
        ('{"format": "x"}', "not a techspec key document"),
        ("-----BEGIN PUBLIC KEY-----\nxx\n-----END PUBLIC KEY-----\n", "not a PEM public key"),
    ],
)
def test_a_bad_key_file_is_one_clear_line(tmp_path: Path, content: str, message: str) -> None:
    key = tmp_path / "bad.pub"
    key.write_text(content)
    spec = tmp_path / "ledger.md"
    spec.write_text("# Technical Specification: x\n")

    done = run_cli(["verify", str(spec), "--key", str(key)])

    assert done.exit_code == 2
    assert message in done.stderr


def test_a_missing_spec_file_is_one_clear_line(ring: KeyRing, tmp_path: Path) -> None:
    done = run_cli(["verify", "missing.md", "--key", str(_keys(ring, tmp_path))])

    assert done.exit_code == 2
    assert "missing.md" in done.stderr


def test_an_unreachable_server_is_one_clear_line(tmp_path: Path) -> None:
    spec = tmp_path / "ledger.md"
    spec.write_text("# Technical Specification: x\n")

    done = run_cli(["verify", str(spec), "--server", "http://127.0.0.1:9"])

    assert done.exit_code == 2
    assert "cannot fetch the keys from http://127.0.0.1:9/.well-known/techspec-keys" in done.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [("{", "not JSON"), ("[]", "a JSON object"), ('{"payload": 1}', "not a DSSE envelope")],
)
def test_a_file_that_is_no_attestation_is_one_clear_line(
    ring: KeyRing, tmp_path: Path, content: str, message: str
) -> None:
    attestation = tmp_path / "a.json"
    attestation.write_text(content)

    done = run_cli(["verify-attestation", str(attestation), "--key", str(_keys(ring, tmp_path))])

    assert done.exit_code == 2
    assert message in done.stderr


def test_verify_attestation_names_what_it_verified(ring: KeyRing, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    claim = Claim("ledger", "t", 3, "Review", "ab" * 32, "cd" * 32, (), datetime.now(UTC))
    attestation = tmp_path / "a.json"
    attestation.write_text(json.dumps(sign(claim, ring)))
    keys = str(_keys(ring, tmp_path))

    passed = run_cli(["verify-attestation", str(attestation), "--key", keys])
    refused = run_cli(
        ["verify-attestation", str(attestation), "--key", keys, "--require-status", "Approved"]
    )

    assert passed.exit_code == 0
    assert passed.stdout == (
        f"verified: spec 'ledger' r3 is Review at content sha256:{'ab' * 32}, approved by "
        f"none (key {ring.current.key_id})\n"
    )
    assert refused.exit_code == 1
    assert refused.stderr == "techspec: spec 'ledger' is Review, not Approved\n"


def test_key_rotate_refuses_a_keyring_given_as_text(
    ring: KeyRing, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, ring.to_text())

    done = run_cli(["key", "rotate"])

    assert done.exit_code == 2
    assert "rotate a copy with --keyring FILE" in done.stderr


def test_verify_a_directory_checks_every_markdown_file_in_it(ring: KeyRing, tmp_path: Path) -> None:
    specs = tmp_path / "docs" / "specs"
    specs.mkdir(parents=True)
    (specs / "0001-ledger.md").write_text(signed_spec(ring, "0001-ledger"))
    tampered = signed_spec(ring, "0002-search").replace("## Scope\n", "## Scope\n\nMore.\n", 1)
    (specs / "0002-search.md").write_text(tampered)
    (specs / "README.md").write_text("# Specs\n")

    done = run_cli(["verify", str(tmp_path / "docs"), "--key", str(_keys(ring, tmp_path))])

    assert done.exit_code == 1
    verdicts = [
        (line.split(":")[0].rsplit("/", 1)[1], line.split(": ")[2])
        for line in done.stdout.splitlines()[:-1]
    ]
    assert verdicts == [("0001-ledger.md", "signed")] * 3 + [("0002-search.md", "stale")] * 3
    assert done.stdout.splitlines()[-1] == "3 signed, 3 failed"
