"""``techspec audit checkpoint | verify --checkpoint | prove`` end to end, on both
engines: a checkpoint kept in a file (as in git) proves later logs consistent with it,
an inclusion proof checks out with the RFC's formulas, and bad input is one clear line."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from store_specs import draft

from rfc9162 import read_checkpoint
from rfc9162 import verify_inclusion as reference_inclusion
from techspec.cli import cli
from techspec.proofs.checkpoint import parse, parse_verifier_key, sign
from techspec.proofs.keys import KeyRing
from techspec.store import revisions
from techspec.store.engine import Store


@pytest.fixture
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The server's keyring file, named in the environment as a PostgreSQL server needs."""
    path = tmp_path / "keys" / "techspec.keys"
    monkeypatch.setenv("TECHSPEC_SIGNING_KEYRING", str(path))
    monkeypatch.delenv("TECHSPEC_SIGNING_KEY", raising=False)
    return path


def run(db_url: str, *args: str) -> Result:
    result = CliRunner().invoke(cli, [*args, "--db", db_url], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"techspec {args} crashed: {result.exception!r}\n{result.output}")
    return result


def _specs(store: Store, count: int, first: int = 0) -> None:
    for number in range(first, first + count):
        revisions.create_spec(store, f"spec-{number}", draft(f"Spec {number}"))


def test_a_checkpoint_kept_in_a_file_proves_the_later_log_consistent(
    store: Store, db_url: str, keys: Path, tmp_path: Path
) -> None:
    _specs(store, 3)
    printed = run(db_url, "audit", "checkpoint")
    assert printed.exit_code == 0, printed.output
    kept = tmp_path / "checkpoints" / "latest"
    kept.parent.mkdir()
    kept.write_text(printed.stdout, encoding="utf-8")
    ring = KeyRing.load(keys)
    origin = printed.stdout.split("\n")[0]
    assert read_checkpoint(printed.stdout, origin, ring.current.public_bytes)[1] == 6
    assert run(db_url, "audit", "checkpoint").stdout == printed.stdout, "nothing new since"

    _specs(store, 2, first=3)
    verified = run(db_url, "audit", "verify", "--checkpoint", str(kept))
    assert verified.exit_code == 0, verified.output
    assert verified.stdout.startswith("OK: 11 leaves (6 events, 5 revision texts re-hashed)")
    assert "a consistent extension of the checkpoint at size 6" in verified.stdout

    witness = run(db_url, "audit", "checkpoint", "--verifier-key").stdout.strip()
    assert parse_verifier_key(witness) == (origin, ring.current.public_bytes)

    public = tmp_path / "public.json"
    public.write_text(json.dumps(ring.public_document()), encoding="utf-8")
    assert (
        run(db_url, "audit", "verify", "--checkpoint", str(kept), "--key", str(public)).exit_code
        == 0
    )


def test_prove_prints_an_inclusion_proof_the_rfc_formulas_accept(
    store: Store, db_url: str, keys: Path
) -> None:
    _specs(store, 5)
    printed = run(db_url, "audit", "prove", "3")
    assert printed.exit_code == 0, printed.output
    proof = json.loads(printed.stdout)
    ring = KeyRing.load(keys)
    origin, size, root = read_checkpoint(
        proof["checkpoint"], proof["checkpoint"].split("\n")[0], ring.current.public_bytes
    )
    leaf = base64.b64decode(proof["leaf"])
    path = [base64.b64decode(node) for node in proof["inclusion_proof"]]
    assert (proof["event"], proof["tree_size"]) == (3, size)
    assert reference_inclusion(proof["leaf_index"], size, leaf, path, root)
    assert b'"spec.created"' in leaf and origin.startswith("techspec/")


def test_a_tampered_log_exits_1_naming_the_first_bad_entry(
    store: Store, db_url: str, keys: Path
) -> None:
    _specs(store, 2)
    with store.write() as connection:
        if store.dialect == "sqlite":
            connection.execute(sa.text("DROP TRIGGER audit_events_no_update"))
        else:
            connection.execute(sa.text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        connection.execute(sa.text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2"))
    verified = run(db_url, "audit", "verify")
    assert (verified.exit_code, verified.stdout) == (
        1,
        "BROKEN: event 2: its content does not match its hash: edited\n",
    )


def test_bad_input_is_one_clear_line(store: Store, db_url: str, keys: Path, tmp_path: Path) -> None:
    _specs(store, 1)
    garbage = tmp_path / "garbage"
    garbage.write_text("not a checkpoint\n", encoding="utf-8")
    result = run(db_url, "audit", "verify", "--checkpoint", str(garbage))
    assert result.exit_code == 2
    assert "no blank line before the signatures" in result.output
    assert str(garbage) in result.output

    genuine = run(db_url, "audit", "checkpoint").stdout
    tree, _signatures = parse(genuine)
    stranger = Ed25519PrivateKey.generate()  # the same checkpoint, signed by another key
    forged = tmp_path / "forged"
    forged.write_text(sign(tree, tree.origin, stranger), encoding="utf-8")
    result = run(db_url, "audit", "verify", "--checkpoint", str(forged))
    assert result.exit_code == 2
    assert "with a known key" in result.output

    missing = run(db_url, "audit", "prove", "999")
    assert missing.exit_code == 2
    assert "no audit event 999" in missing.output
    assert "Traceback" not in missing.output + result.output
