"""Signed checkpoints of the transparency log, in the C2SP formats a witness reads.

A checkpoint (https://c2sp.org/tlog-checkpoint) is a note whose body is three lines::

    <origin>\\n
    <tree size, decimal>\\n
    <root hash, standard base64>\\n

and a signed note (https://c2sp.org/signed-note) is that body, a blank line, and one
line per signature: ``— <key name> <base64(key id || signature)>\\n`` (U+2014, a space).
An Ed25519 signature covers the body's bytes; its 4-byte key id is the first four bytes
of ``SHA-256(key name || 0x0A || 0x01 || 32-byte public key)``.  The verifier key that a
witness configures is ``<name>+<key id, 8 hex digits>+<base64(0x01 || public key)>``.

Why these formats: any C2SP-speaking tool (a witness, ``litetlog``, the Go sumdb
``note`` package) can check our checkpoints without techspec.  Signatures by other
names (a witness's cosignature) are kept and ignored.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from techspec.proofs import ProofError

ED25519 = 0x01
"""The signed-note signature type of Ed25519."""
DASH = "\u2014"
MAX_NOTE = 1 << 16


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A tree head: the log's name, how many leaves, and their root (32 bytes)."""

    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode('ascii')}\n"


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _check_name(name: str) -> None:
    if not name or any(c.isspace() for c in name) or "+" in name:
        raise ProofError(f"a key name must be non-empty without spaces or '+': {name!r}")


def key_id(name: str, public_key: bytes) -> bytes:
    """The 4-byte signed-note key id of an Ed25519 key."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([ED25519]) + public_key).digest()[:4]


def verifier_key(name: str, public_key: bytes) -> str:
    """The C2SP verifier key string a witness is configured with."""
    _check_name(name)
    encoded = base64.b64encode(bytes([ED25519]) + public_key).decode("ascii")
    return f"{name}+{key_id(name, public_key).hex()}+{encoded}"


def parse_verifier_key(text: str) -> tuple[str, bytes]:
    """``(name, raw public key)`` from a verifier key string."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3:
        raise ProofError("a verifier key is <name>+<key id hex>+<base64 key>")
    name, hex_id, encoded = parts
    try:
        raw = base64.b64decode(encoded, validate=True)
        wanted = bytes.fromhex(hex_id)
    except (binascii.Error, ValueError):
        raise ProofError("the verifier key is not hex and base64") from None
    if len(raw) != 33 or raw[0] != ED25519:
        raise ProofError("the verifier key is not an Ed25519 key")
    if key_id(name, raw[1:]) != wanted:
        raise ProofError("the verifier key's id does not match its name and key")
    return name, raw[1:]


def sign(checkpoint: Checkpoint, name: str, private_key: Ed25519PrivateKey) -> str:
    """The checkpoint as a signed note, signed by ``name``'s key."""
    _check_name(name)
    if "\n" in checkpoint.origin or not checkpoint.origin or checkpoint.size < 0:
        raise ProofError("a checkpoint needs a one-line origin and a size of 0 or more")
    body = checkpoint.body()
    signature = private_key.sign(body.encode("utf-8"))
    stamp = key_id(name, _raw(private_key.public_key())) + signature
    return f"{body}\n{DASH} {name} {base64.b64encode(stamp).decode('ascii')}\n"


@dataclass(frozen=True, slots=True)
class Signature:
    name: str
    key_id: bytes
    signature: bytes


def parse(note: str) -> tuple[Checkpoint, list[Signature]]:
    """The checkpoint and signature lines of a signed note (signatures not checked)."""
    if len(note) > MAX_NOTE:
        raise ProofError("the checkpoint is too large")
    body, separator, tail = note.partition("\n\n")
    if not separator:
        raise ProofError("not a signed note: no blank line before the signatures")
    body += "\n"
    lines = body.split("\n")[:-1]
    if len(lines) < 3:
        raise ProofError("a checkpoint has an origin, a tree size and a root hash line")
    origin, size_text, root_text = lines[0], lines[1], lines[2]
    if (
        not size_text.isascii()
        or not size_text.isdigit()
        or (size_text != "0" and size_text[0] == "0")
    ):
        raise ProofError(f"line 2 of the checkpoint is not a tree size: {size_text!r}")
    try:
        root = base64.b64decode(root_text, validate=True)
    except (binascii.Error, ValueError):
        root = b""
    if len(root) != 32:
        raise ProofError("line 3 of the checkpoint is not a base64 SHA-256 root hash")
    signatures: list[Signature] = []
    if not tail.endswith("\n"):
        raise ProofError("the signed note does not end with a newline")
    for number, line in enumerate(tail[:-1].split("\n"), start=len(lines) + 2):
        prefix, _, rest = line.partition(" ")
        name, _, encoded = rest.partition(" ")
        try:
            stamp = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            stamp = b""
        if prefix != DASH or not name or len(stamp) < 5:
            raise ProofError(f"line {number} of the checkpoint is not a signature line")
        signatures.append(Signature(name, stamp[:4], stamp[4:]))
    if not signatures:
        raise ProofError("the checkpoint has no signature")
    return Checkpoint(origin, int(size_text), root), signatures


def verify(note: str, name: str, public_keys: Iterable[bytes]) -> Checkpoint:
    """The checkpoint, if one of ``public_keys`` signed it under ``name``; else ProofError."""
    checkpoint, signatures = parse(note)
    body = checkpoint.body().encode("utf-8")
    if not note.startswith(checkpoint.body() + "\n"):
        raise ProofError("the checkpoint has extension lines, which techspec does not sign")
    by_id = {key_id(name, raw): raw for raw in public_keys}
    for signature in signatures:
        raw = by_id.get(signature.key_id)
        if signature.name != name or raw is None:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(raw).verify(signature.signature, body)
        except InvalidSignature:
            raise ProofError(f"the signature by {name} does not match the checkpoint") from None
        return checkpoint
    raise ProofError(f"the checkpoint is not signed by {name} with a known key")
