"""The server's signing keyring: made once, kept private, rotated without losing the past."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
from pathlib import Path

import pytest

from techspec.proofs import ProofError
from techspec.proofs.keys import (
    KEY_ENV,
    KEYRING_ENV,
    KeyRing,
    b64url,
    from_b64url,
    key_id_for,
    keyring_path,
    resolve,
)


def test_first_use_makes_a_keyring_only_its_owner_can_read(ring_path: Path) -> None:
    ring = KeyRing.load_or_create(ring_path)

    assert stat.S_IMODE(ring_path.stat().st_mode) == 0o600
    assert ring.can_sign
    assert ring.current.key_id == key_id_for(ring.current.public_bytes)
    assert len(ring.current.public_bytes) == 32


def test_the_same_file_gives_the_same_key(ring_path: Path) -> None:
    first = KeyRing.load_or_create(ring_path)
    second = KeyRing.load_or_create(ring_path)

    assert second.current.key_id == first.current.key_id
    signature = second.sign(b"spec 7")
    assert first.verify(first.current.key_id, b"spec 7", signature)


def test_a_signature_verifies_only_for_its_data_and_key(ring: KeyRing, tmp_path: Path) -> None:
    other = KeyRing.load_or_create(tmp_path / "other.keys")
    signature = ring.sign(b"approved")

    assert ring.verify(ring.current.key_id, b"approved", signature)
    assert not ring.verify(ring.current.key_id, b"approved!", signature)
    assert not ring.verify(other.current.key_id, b"approved", signature)
    assert not other.verify(ring.current.key_id, b"approved", signature)
    flipped = bytes([signature[0] ^ 1]) + signature[1:]
    assert not ring.verify(ring.current.key_id, b"approved", flipped)
    assert not ring.verify(ring.current.key_id, b"approved", signature[:-1])


def test_a_keyring_others_can_read_is_refused(ring_path: Path) -> None:
    KeyRing.load_or_create(ring_path)
    os.chmod(ring_path, 0o644)

    with pytest.raises(ProofError, match=r"readable by others \(mode 644\).*chmod 600"):
        KeyRing.load(ring_path)


def test_rotation_keeps_old_public_keys_and_drops_their_private_half(ring_path: Path) -> None:
    before = KeyRing.load_or_create(ring_path)
    old_signature = before.sign(b"signed last year")

    after = KeyRing.rotate(ring_path)
    reloaded = KeyRing.load(ring_path)

    assert after.current.key_id != before.current.key_id
    assert reloaded.current.key_id == after.current.key_id
    assert reloaded.verify(before.current.key_id, b"signed last year", old_signature)
    retired = reloaded.get(before.current.key_id)
    assert retired is not None and retired.valid_until is not None
    stored = json.loads(ring_path.read_text())
    private = [k["key_id"] for k in stored["keys"] if "private_key" in k]
    assert private == [after.current.key_id]
    assert stat.S_IMODE(ring_path.stat().st_mode) == 0o600


def test_the_public_document_carries_no_private_key_and_round_trips(ring_path: Path) -> None:
    KeyRing.load_or_create(ring_path)
    ring = KeyRing.rotate(ring_path)
    document = ring.public_document()

    assert "private_key" not in json.dumps(document)
    assert [k["current"] for k in document["keys"]] == [False, True]
    public = KeyRing.from_public_document(json.loads(json.dumps(document)))
    assert not public.can_sign
    assert public.verify(ring.current.key_id, b"x", ring.sign(b"x"))
    with pytest.raises(ProofError, match="public keys only"):
        public.sign(b"x")


def test_a_pem_public_key_file_verifies(ring: KeyRing, tmp_path: Path) -> None:
    pem = tmp_path / "server.pub"
    pem.write_text(ring.current.public.pem())

    public = KeyRing.read_public(pem)

    assert public.verify(ring.current.key_id, b"x", ring.sign(b"x"))


def test_a_key_document_with_a_wrong_key_id_is_refused(ring: KeyRing) -> None:
    document = ring.public_document()
    document["keys"][0]["key_id"] = "0000000000000000"

    with pytest.raises(ProofError, match="is not the key's id"):
        KeyRing.from_public_document(document)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not JSON"),
        ('{"format": "other"}', "not a techspec keyring"),
        ('{"format": "techspec-keyring/1", "keys": 3}', "must be a list"),
        ('{"format": "techspec-keyring/1", "keys": []}', "no current key"),
    ],
)
def test_a_broken_keyring_gets_a_clear_error(ring_path: Path, content: str, message: str) -> None:
    ring_path.parent.mkdir(parents=True)
    ring_path.write_text(content)
    ring_path.chmod(0o600)

    with pytest.raises(ProofError, match=message):
        KeyRing.load(ring_path)


def test_a_private_key_that_is_not_the_public_keys_half_is_refused(ring_path: Path) -> None:
    KeyRing.load_or_create(ring_path)
    data = json.loads(ring_path.read_text())
    data["keys"][0]["private_key"] = b64url(bytes(32))
    ring_path.write_text(json.dumps(data))

    with pytest.raises(ProofError, match="does not match the public key"):
        KeyRing.load(ring_path)


def test_base64url_refuses_other_characters() -> None:
    assert from_b64url(b64url(b"\xfb\xff"), "x") == b"\xfb\xff"
    with pytest.raises(ProofError, match="not base64url"):
        from_b64url("ab+/", "x")
    with pytest.raises(ProofError, match="not base64url"):
        from_b64url("ab\ncd", "x")


def test_the_environment_variable_wins_over_any_file(ring: KeyRing, tmp_path: Path) -> None:
    environ = {KEY_ENV: ring.to_text(), KEYRING_ENV: str(tmp_path / "unused.keys")}

    found = resolve("sqlite:///" + str(tmp_path / "db.sqlite"), environ)

    assert found.current.key_id == ring.current.key_id
    assert not (tmp_path / "unused.keys").exists()
    assert not (tmp_path / "db.sqlite.keys").exists()


def test_the_keyring_lives_beside_a_sqlite_file_or_where_it_is_told(tmp_path: Path) -> None:
    database = tmp_path / "techspec.db"

    assert keyring_path(f"sqlite:///{database}", {}) == tmp_path / "techspec.db.keys"
    assert keyring_path("postgresql://h/db", {KEYRING_ENV: "/k/ring"}) == Path("/k/ring")
    with pytest.raises(ProofError, match="every server on one PostgreSQL"):
        keyring_path("postgresql://h/db", {})


def _load_key_id(path: str) -> str:
    return KeyRing.load_or_create(Path(path)).current.key_id


def test_processes_starting_at_once_share_one_key(ring_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        ids = pool.map(_load_key_id, [str(ring_path)] * 8)

    assert len(set(ids)) == 1
    assert [p.name for p in ring_path.parent.iterdir()] == [ring_path.name]


def test_the_private_key_never_shows_in_a_repr(ring: KeyRing) -> None:
    raw, text = repr(ring.current.seed), b64url(ring.current.seed)

    assert raw not in repr(ring.current) and text not in repr(ring.current)
    assert "seed" not in repr(ring.current)
    assert text not in json.dumps(ring.public_document())
