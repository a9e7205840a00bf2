"""An independent implementation of RFC 9162 §2.1, written from the RFC's recursive
definitions (MTH, PATH, PROOF/SUBPROOF) and its verification algorithms, for checking
``techspec.proofs`` against.  It imports nothing from techspec on purpose."""

from __future__ import annotations

import hashlib


def h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def mth(leaves: list[bytes]) -> bytes:
    """MTH over the leaf *inputs* (not hashes), exactly as §2.1.1 defines it."""
    n = len(leaves)
    if n == 0:
        return h(b"")
    if n == 1:
        return h(b"\x00" + leaves[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return h(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def path(m: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of §2.1.3.1."""
    n = len(leaves)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return [*path(m, leaves[:k]), mth(leaves[k:])]
    return [*path(m - k, leaves[k:]), mth(leaves[:k])]


def subproof(m: int, leaves: list[bytes], b: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if b else [mth(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return [*subproof(m, leaves[:k], b), mth(leaves[k:])]
    return [*subproof(m - k, leaves[k:], False), mth(leaves[:k])]


def proof(m: int, leaves: list[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) of §2.1.4.1 (0 < m < n)."""
    return subproof(m, leaves, True)


def verify_inclusion(
    index: int, size: int, leaf: bytes, audit_path: list[bytes], root: bytes
) -> bool:
    """§2.1.3.2, step by step; ``leaf`` is the leaf input."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, h(b"\x00" + leaf)
    for p in audit_path:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            r = h(b"\x01" + p + r)
            if fn % 2 == 0:
                while not (fn % 2 == 1 or fn == 0):
                    fn //= 2
                    sn //= 2
        else:
            r = h(b"\x01" + r + p)
        fn //= 2
        sn //= 2
    return sn == 0 and r == root


def verify_consistency(
    first: int, second: int, first_hash: bytes, second_hash: bytes, consistency: list[bytes]
) -> bool:
    """§2.1.4.2, step by step (0 < first < second)."""
    if not consistency:
        return False
    path_ = list(consistency)
    if first & (first - 1) == 0:
        path_ = [first_hash, *path_]
    fn, sn = first - 1, second - 1
    if fn % 2 == 1:
        while fn % 2 == 1:
            fn //= 2
            sn //= 2
    fr = sr = path_[0]
    for c in path_[1:]:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            fr = h(b"\x01" + c + fr)
            sr = h(b"\x01" + c + sr)
            if fn % 2 == 0:
                while not (fn % 2 == 1 or fn == 0):
                    fn //= 2
                    sn //= 2
        else:
            sr = h(b"\x01" + sr + c)
        fn //= 2
        sn //= 2
    return fr == first_hash and sr == second_hash and sn == 0


# -- C2SP signed notes (https://c2sp.org/signed-note, https://c2sp.org/tlog-checkpoint) --


def note_key_id(name: str, public_key: bytes) -> bytes:
    """The first four bytes of SHA-256(name || 0x0A || 0x01 || public key)."""
    return h(name.encode() + b"\n" + b"\x01" + public_key)[:4]


def read_checkpoint(note: str, name: str, public_key: bytes) -> tuple[str, int, bytes]:
    """``(origin, size, root)`` of a checkpoint signed by ``name`` with the Ed25519
    ``public_key``; AssertionError when it is not."""
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    body, blank, signatures = note.partition("\n\n")
    assert blank, "a signed note has a blank line before its signatures"
    body += "\n"
    origin, size, root = body.split("\n")[:3]
    for line in signatures.splitlines():
        dash, signer, encoded = line.split(" ")
        stamp = base64.b64decode(encoded)
        if dash == "\u2014" and signer == name and stamp[:4] == note_key_id(name, public_key):
            Ed25519PublicKey.from_public_bytes(public_key).verify(stamp[4:], body.encode())
            return origin, int(size), base64.b64decode(root)
    raise AssertionError(f"no signature by {name}")
