"""Signed checkpoints in the C2SP formats: byte-exact bodies and signature lines, key
ids from the spec's formula, and every alteration refused."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from rfc9162 import note_key_id, read_checkpoint
from techspec.proofs import ProofError
from techspec.proofs.checkpoint import (
    Checkpoint,
    key_id,
    parse,
    parse_verifier_key,
    sign,
    verifier_key,
    verify,
)

NAME = "example.com/log"
ROOT = hashlib.sha256(b"root").digest()


def _raw(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


@pytest.fixture
def private() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def test_a_signed_checkpoint_is_the_c2sp_note_byte_by_byte(private: Ed25519PrivateKey) -> None:
    note = sign(Checkpoint(NAME, 42, ROOT), NAME, private)
    lines = note.split("\n")
    assert lines[:4] == [NAME, "42", base64.b64encode(ROOT).decode(), ""]
    dash, name, stamp = lines[4].split(" ")
    assert (dash, name) == ("\u2014", NAME)
    raw = base64.b64decode(stamp)
    assert raw[:4] == hashlib.sha256(NAME.encode() + b"\n\x01" + _raw(private)).digest()[:4]
    assert len(raw) == 4 + 64
    assert note.endswith("\n") and lines[5:] == [""]
    # An implementation written from the specs (tests/rfc9162.py) accepts it.
    assert read_checkpoint(note, NAME, _raw(private)) == (NAME, 42, ROOT)
    assert key_id(NAME, _raw(private)) == note_key_id(NAME, _raw(private))


def test_verify_returns_the_checkpoint_signed_by_a_known_key(private: Ed25519PrivateKey) -> None:
    other = Ed25519PrivateKey.generate()
    note = sign(Checkpoint(NAME, 7, ROOT), NAME, private)
    assert verify(note, NAME, [_raw(other), _raw(private)]) == Checkpoint(NAME, 7, ROOT)
    with pytest.raises(ProofError, match=r"not signed by example\.com/log with a known key"):
        verify(note, NAME, [_raw(other)])
    with pytest.raises(ProofError, match="not signed by"):
        verify(note, "another-name", [_raw(private)])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda n: n.replace("\n7\n", "\n8\n", 1), "does not match"),
        (lambda n: n.replace(NAME, "evil.example/log", 1), "does not match"),
        (lambda n: n.replace("\n\n", "\n", 1), "no blank line"),
        (lambda n: n.replace("\n7\n", "\n07\n", 1), "not a tree size"),
        (lambda n: n.replace("\n7\n", "\n\u0667\n", 1), "not a tree size"),
        (lambda n: n[:-1], "does not end with a newline"),
        (lambda n: n.split("\n\n")[0] + "\n\nno signature here\n", "not a signature line"),
    ],
    ids=["size", "origin", "no-blank", "leading-zero", "arabic-digit", "newline", "garbage"],
)
def test_an_altered_checkpoint_is_refused(
    private: Ed25519PrivateKey, change: object, message: str
) -> None:
    note = sign(Checkpoint(NAME, 7, ROOT), NAME, private)
    altered = change(note)  # type: ignore[operator]
    with pytest.raises(ProofError, match=message):
        verify(altered, NAME, [_raw(private)])


def test_a_flipped_root_bit_is_refused(private: Ed25519PrivateKey) -> None:
    note = sign(Checkpoint(NAME, 7, ROOT), NAME, private)
    flipped = bytes([ROOT[0] ^ 1]) + ROOT[1:]
    forged = note.replace(base64.b64encode(ROOT).decode(), base64.b64encode(flipped).decode())
    with pytest.raises(ProofError, match="does not match the checkpoint"):
        verify(forged, NAME, [_raw(private)])


def test_a_cosignature_by_a_witness_is_kept_and_ignored(private: Ed25519PrivateKey) -> None:
    note = sign(Checkpoint(NAME, 7, ROOT), NAME, private)
    witness = Ed25519PrivateKey.generate()
    cosigned = note + sign(Checkpoint(NAME, 7, ROOT), "witness.example", witness).split("\n\n")[1]
    tree, signatures = parse(cosigned)
    assert [s.name for s in signatures] == [NAME, "witness.example"]
    assert verify(cosigned, NAME, [_raw(private)]) == tree


def test_verifier_keys_round_trip_and_check_their_id(private: Ed25519PrivateKey) -> None:
    text = verifier_key(NAME, _raw(private))
    name, hex_id, encoded = text.split("+", 2)
    assert (name, bytes.fromhex(hex_id)) == (NAME, note_key_id(NAME, _raw(private)))
    assert base64.b64decode(encoded) == b"\x01" + _raw(private)
    assert parse_verifier_key(text) == (NAME, _raw(private))
    with pytest.raises(ProofError, match="id does not match"):
        parse_verifier_key(f"other+{hex_id}+{encoded}")
    with pytest.raises(ProofError, match="key name"):
        sign(Checkpoint(NAME, 1, ROOT), "has space", private)


def test_parsing_is_linear_on_long_runs() -> None:
    with pytest.raises(ProofError, match="too large"):
        parse("a" * 1_000_000)
    with pytest.raises(ProofError):
        parse("\n" * 60_000)
