"""The server's Ed25519 signing keys: a keyring kept outside the database.

Why a keyring and not one key: a signature must stay checkable after the key that made it
is retired, so rotating keeps every old *public* key (and drops its private half, so a
retired key can no longer sign).  Why outside the database: whoever can rewrite the
database must not also be able to re-sign what they rewrote.

The keyring file (mode 600, JSON, UTF-8)::

    {"format": "techspec-keyring/1",
     "keys": [{"key_id": "3f1c0e9a7b2d4c6e", "algorithm": "ed25519",
               "public_key": "<base64url, 32 raw bytes>",
               "private_key": "<base64url, 32-byte seed; absent once retired>",
               "valid_from": "2026-12-07T08:00:00Z", "valid_until": null}]}

The *current* key is the last one with a private key and no ``valid_until``.  A key id is
the first 16 hex digits of the sha256 of the raw public key, so anyone can recompute it
from the public key alone.  The published form (:meth:`KeyRing.public_document`, served at
``/.well-known/techspec-keys`` and printed by ``techspec key show``) is the same list
without private keys, ``"format": "techspec-keys/1"``.

Where the keyring comes from (:func:`resolve`): ``$TECHSPEC_SIGNING_KEY`` holding the
keyring's JSON text (a secret manager's way), else the file ``$TECHSPEC_SIGNING_KEYRING``
names, else a file beside a SQLite database (``techspec.db.keys``).  Every app instance on
one PostgreSQL database must be given the same one (the same file or the same variable).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from techspec.proofs import ProofError, secret_files

ALGORITHM = "ed25519"
KEYRING_FORMAT = "techspec-keyring/1"
PUBLIC_FORMAT = "techspec-keys/1"
KEY_ENV = "TECHSPEC_SIGNING_KEY"
"""Holds the keyring's JSON text itself (takes precedence over any file)."""
KEYRING_ENV = "TECHSPEC_SIGNING_KEYRING"
"""Names the keyring file."""
SIGNATURE_BYTES = 64


class NoKeyConfigured(ProofError):
    """No keyring was given and there is no SQLite file to keep one beside."""


def key_id_for(public_bytes: bytes) -> str:
    """The key id of a raw Ed25519 public key: 16 hex digits of its sha256."""
    return hashlib.sha256(public_bytes).hexdigest()[:16]


def b64url(data: bytes) -> str:
    """Unpadded base64url: copy-safe in Markdown (no ``|``, ``+``, ``/`` or ``=``)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_b64url(text: str, what: str) -> bytes:
    """Decode unpadded (or padded) base64url, refusing any other character."""
    stripped = text.strip().rstrip("=")
    if not stripped.isascii() or any(
        not (c.isalnum() or c in "-_") for c in stripped
    ):  # b64decode would skip junk silently
        raise ProofError(f"{what} is not base64url")
    try:
        return base64.urlsafe_b64decode(stripped + "=" * (-len(stripped) % 4))
    except (binascii.Error, ValueError):
        raise ProofError(f"{what} is not base64url") from None


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _stamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _moment(value: object, what: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ProofError(f"{what} must be an ISO 8601 time")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ProofError(f"{what} is not an ISO 8601 time: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class PublicKey:
    """One verifying key and the time it was (or is) the signing key."""

    key_id: str
    public_bytes: bytes
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    """When the key was retired; None while it is current (or when not known)."""

    def verify(self, data: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is this key's Ed25519 signature of ``data``."""
        if len(signature) != SIGNATURE_BYTES:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public_bytes).verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def to_json(self, *, current: bool = False) -> dict[str, Any]:
        return {
            "key_id": self.key_id,
            "algorithm": ALGORITHM,
            "public_key": b64url(self.public_bytes),
            "valid_from": _stamp(self.valid_from),
            "valid_until": _stamp(self.valid_until),
            "current": current,
        }

    def pem(self) -> str:
        """The key as a PEM SubjectPublicKeyInfo block (what ``openssl pkey -pubin`` reads)."""
        key = Ed25519PublicKey.from_public_bytes(self.public_bytes)
        return key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")


@dataclass(frozen=True, slots=True)
class SigningKey:
    """The current key: its public half plus the 32-byte private seed."""

    public: PublicKey
    seed: bytes = field(repr=False)
    """Never in a repr, so no log line or traceback shows it."""

    @property
    def key_id(self) -> str:
        return self.public.key_id

    @property
    def public_bytes(self) -> bytes:
        return self.public.public_bytes

    def sign(self, data: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(data)

    @classmethod
    def generate(cls, valid_from: datetime | None = None) -> SigningKey:
        private = Ed25519PrivateKey.generate()
        seed = private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        raw = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return cls(PublicKey(key_id_for(raw), raw, valid_from or _now()), seed)


class KeyRing:
    """Every key the server has signed with; the current one (if this ring can sign)."""

    def __init__(self, keys: Iterable[PublicKey], current: SigningKey | None = None) -> None:
        self._keys = {key.key_id: key for key in keys}
        if current is not None:
            self._keys[current.key_id] = current.public
        self._current = current

    # -- reading ---------------------------------------------------------------------

    @property
    def current(self) -> SigningKey:
        """The key that signs; a ring read from public keys has none."""
        if self._current is None:
            raise ProofError("this keyring holds public keys only: it cannot sign")
        return self._current

    @property
    def can_sign(self) -> bool:
        return self._current is not None

    def public_keys(self) -> list[PublicKey]:
        """Every key, oldest first (the order they were made in)."""
        return list(self._keys.values())

    def get(self, key_id: str) -> PublicKey | None:
        return self._keys.get(key_id)

    def sign(self, data: bytes) -> bytes:
        """The current key's signature of ``data``."""
        return self.current.sign(data)

    def verify(self, key_id: str, data: bytes, signature: bytes) -> bool:
        """Whether key ``key_id`` of this ring signed ``data`` (False for an unknown key)."""
        key = self._keys.get(key_id)
        return key is not None and key.verify(data, signature)

    def merged(self, other: KeyRing) -> KeyRing:
        """A verify-only ring with the public keys of both."""
        return KeyRing([*self.public_keys(), *other.public_keys()])

    # -- the published form ------------------------------------------------------------

    def public_document(self) -> dict[str, Any]:
        """What ``/.well-known/techspec-keys`` serves: the public keys, oldest first."""
        current = self._current.key_id if self._current else None
        return {
            "format": PUBLIC_FORMAT,
            "keys": [k.to_json(current=k.key_id == current) for k in self.public_keys()],
        }

    @classmethod
    def from_public_document(cls, data: object, source: str = "the key document") -> KeyRing:
        """A verify-only ring from :meth:`public_document`'s JSON (or a keyring file's)."""
        if not isinstance(data, Mapping) or data.get("format") not in (
            PUBLIC_FORMAT,
            KEYRING_FORMAT,
        ):
            raise ProofError(f"{source} is not a techspec key document ({PUBLIC_FORMAT})")
        return cls(_public_entry(entry, source) for entry in _entries(data, source))

    @classmethod
    def read_public(cls, path: Path) -> KeyRing:
        """Verifying keys from a file: a key document (JSON) or a PEM public key."""
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise ProofError(f"cannot read the key: {error.strerror}", path=str(path)) from None
        return cls.parse_public(raw, str(path))

    @classmethod
    def parse_public(cls, raw: bytes, source: str) -> KeyRing:
        text = raw.decode("utf-8", "replace").strip()
        if text.startswith("-----BEGIN"):
            try:
                key = serialization.load_pem_public_key(raw)
            except ValueError:
                raise ProofError("not a PEM public key", path=source) from None
            if not isinstance(key, Ed25519PublicKey):
                raise ProofError("the PEM key is not an Ed25519 key", path=source)
            public = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            return cls([PublicKey(key_id_for(public), public)])
        try:
            data = json.loads(text)
        except ValueError:
            raise ProofError("not a key document (JSON) or a PEM public key", path=source) from None
        return cls.from_public_document(data, source)

    # -- the keyring file --------------------------------------------------------------

    def to_text(self) -> str:
        """The keyring file's JSON (private: the current key's seed is in it)."""
        entries = []
        for key in self.public_keys():
            entry = key.to_json()
            del entry["current"]
            if self._current is not None and key.key_id == self._current.key_id:
                entry["private_key"] = b64url(self._current.seed)
            entries.append(entry)
        return json.dumps({"format": KEYRING_FORMAT, "keys": entries}, indent=2) + "\n"

    @classmethod
    def from_text(cls, text: str, source: str) -> KeyRing:
        """A keyring from its file's JSON text; it must hold a current (signing) key."""
        try:
            data = json.loads(text)
        except ValueError:
            raise ProofError("the keyring is not JSON", path=source) from None
        if not isinstance(data, Mapping) or data.get("format") != KEYRING_FORMAT:
            raise ProofError(f"not a techspec keyring ({KEYRING_FORMAT})", path=source)
        keys: list[PublicKey] = []
        current: SigningKey | None = None
        for entry in _entries(data, source):
            public = _public_entry(entry, source)
            seed_text = entry.get("private_key")
            if seed_text is None:
                keys.append(public)
                continue
            if not isinstance(seed_text, str):
                raise ProofError(f"key {public.key_id}: private_key is not text", path=source)
            seed = from_b64url(seed_text, f"{source}: key {public.key_id}'s private_key")
            if len(seed) != 32:
                raise ProofError(f"key {public.key_id}: private_key is not 32 bytes", path=source)
            signing = SigningKey(public, seed)
            derived = Ed25519PrivateKey.from_private_bytes(seed).public_key()
            raw = derived.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            if raw != public.public_bytes:
                raise ProofError(
                    f"key {public.key_id}: the private key does not match the public key",
                    path=source,
                )
            if public.valid_until is None:
                current = signing
            keys.append(public)
        if current is None:
            raise ProofError("the keyring has no current key (one with a private key)", path=source)
        return cls(keys, current)

    @classmethod
    def load(cls, path: Path) -> KeyRing:
        """The keyring in ``path``, refused when others may read it (like ssh's keys)."""
        try:
            mode = path.stat().st_mode
            if mode & 0o077:
                raise ProofError(
                    f"the keyring is readable by others (mode {stat.S_IMODE(mode):03o}); "
                    f"run: chmod 600 {path}",
                    path=str(path),
                )
            text = path.read_text("utf-8")
        except OSError as error:
            raise ProofError(f"cannot read the keyring: {error.strerror}", path=str(path)) from None
        return cls.from_text(text, str(path))

    @classmethod
    def load_or_create(cls, path: Path) -> KeyRing:
        """The keyring in ``path``; made (one new key, mode 600) when there is none.

        Two processes starting at once agree: the file appears whole or not at all (a
        hard link of a finished temporary file), and the loser reads the winner's.
        """
        if not path.exists():
            ring = cls([], SigningKey.generate())
            with contextlib.suppress(FileExistsError):
                secret_files.write_new(path, ring.to_text())
        return cls.load(path)

    def rotated(self) -> KeyRing:
        """This ring with a new current key; the old one is retired (public key only)."""
        now = _now()
        old = [replace(k, valid_until=k.valid_until or now) for k in self.public_keys()]
        return KeyRing(old, SigningKey.generate(now))

    @classmethod
    def rotate(cls, path: Path) -> KeyRing:
        """Rotate the keyring file in place (written whole, then renamed over the old)."""
        ring = cls.load(path).rotated()
        secret_files.replace(path, ring.to_text())
        return ring


def resolve(
    database_url: str | None = None,
    environ: Mapping[str, str] | None = None,
    path: Path | None = None,
    *,
    create: bool = True,
) -> KeyRing:
    """The server's keyring: ``$TECHSPEC_SIGNING_KEY``, else ``path`` or the file
    ``$TECHSPEC_SIGNING_KEYRING`` names, else the file beside a SQLite database.  The file
    is made on first use when ``create``."""
    source = os.environ if environ is None else environ
    text = source.get(KEY_ENV, "").strip()
    if text:
        return KeyRing.from_text(text, f"${KEY_ENV}")
    found = keyring_path(database_url, source, path)
    return KeyRing.load_or_create(found) if create else KeyRing.load(found)


def keyring_path(
    database_url: str | None = None,
    environ: Mapping[str, str] | None = None,
    path: Path | None = None,
) -> Path:
    """Where the keyring file is: ``path``, ``$TECHSPEC_SIGNING_KEYRING``, beside a SQLite
    file (``<db>.keys``); a PostgreSQL (or in-memory) store needs one of the first two."""
    source = os.environ if environ is None else environ
    if path is not None:
        return path
    named = source.get(KEYRING_ENV, "").strip()
    if named:
        return Path(named)
    beside = secret_files.beside_database(database_url or "", ".keys")
    if beside is None:
        raise NoKeyConfigured(
            f"no signing key: set {KEY_ENV} (the keyring's text) or {KEYRING_ENV} (its file); "
            "every server on one PostgreSQL database must share the same one"
        )
    return beside


def _entries(data: Mapping[str, Any], source: str) -> list[Mapping[str, Any]]:
    keys = data.get("keys")
    if not isinstance(keys, list) or not all(isinstance(k, Mapping) for k in keys):
        raise ProofError(f"{source}: 'keys' must be a list of objects")
    return keys


def _public_entry(entry: Mapping[str, Any], source: str) -> PublicKey:
    if entry.get("algorithm") != ALGORITHM:
        raise ProofError(f"{source}: only {ALGORITHM} keys are supported")
    text = entry.get("public_key")
    if not isinstance(text, str):
        raise ProofError(f"{source}: a key lacks its public_key")
    public = from_b64url(text, f"{source}: public_key")
    if len(public) != 32:
        raise ProofError(f"{source}: a public_key is not 32 bytes")
    key_id = key_id_for(public)
    if entry.get("key_id", key_id) != key_id:
        raise ProofError(f"{source}: key_id {entry.get('key_id')!r} is not the key's id ({key_id})")
    return PublicKey(
        key_id,
        public,
        _moment(entry.get("valid_from"), f"{source}: valid_from"),
        _moment(entry.get("valid_until"), f"{source}: valid_until"),
    )
