"""An append-only Merkle tree hashed as in RFC 9162 (Certificate Transparency 2.0), §2.1.

* leaf hash ``= SHA-256(0x00 || leaf)``, node hash ``= SHA-256(0x01 || left || right)``;
* the root of ``n`` leaves (MTH) splits them at ``k``, the largest power of two below
  ``n``: ``MTH(D[0:n]) = node(MTH(D[0:k]), MTH(D[k:n]))``; the empty tree's root is
  ``SHA-256()``.

Appending needs only the *frontier*: the roots of the perfect subtrees the leaves so far
fall into, largest first (one per set bit of the tree size).  A new leaf merges with the
smallest ones while they are the same size, so an append costs O(log n) hashes and the
store keeps O(log n) hashes for it, whatever the size of the log.  The root folds the
frontier from the right, which is exactly MTH's split.

Proofs (RFC 9162 §2.1.3 inclusion, §2.1.4 consistency) are made from the leaf hashes and
checked with the RFC's verification algorithms, which need only the proof, the sizes and
the roots.  Written here rather than taken from ``pymerkle`` (see docs/specs/0008-proofs.md):
the store must keep the frontier in its own transaction, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH of the empty tree (RFC 9162: the hash of an empty string)."""


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def append(frontier: list[bytes], size: int, leaf: bytes) -> list[bytes]:
    """The frontier of ``size + 1`` leaves, from that of ``size`` leaves and the new
    leaf's hash (the list is changed in place and returned)."""
    node = leaf
    while size & 1:
        node = node_hash(frontier.pop(), node)
        size >>= 1
    frontier.append(node)
    return frontier


def frontier_root(frontier: Sequence[bytes]) -> bytes:
    """The tree's root (MTH) from its frontier."""
    if not frontier:
        return EMPTY_ROOT
    root = frontier[-1]
    for node in reversed(frontier[:-1]):
        root = node_hash(node, root)
    return root


def root(leaves: Sequence[bytes], start: int = 0, end: int | None = None) -> bytes:
    """MTH of the leaf hashes ``leaves[start:end]``, in O(end - start) hashes."""
    stop = len(leaves) if end is None else end
    frontier: list[bytes] = []
    for size, index in enumerate(range(start, stop)):
        append(frontier, size, leaves[index])
    return frontier_root(frontier)


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def inclusion_proof(index: int, leaves: Sequence[bytes], size: int | None = None) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, leaf to root."""
    n = len(leaves) if size is None else size
    if not 0 <= index < n <= len(leaves):
        raise ValueError(f"leaf {index} is not in a tree of {n} leaves")
    path: list[bytes] = []
    start, end, m = 0, n, index
    while end - start > 1:
        k = _split(end - start)
        if m < k:
            path.append(root(leaves, start + k, end))
            end = start + k
        else:
            path.append(root(leaves, start, start + k))
            start, m = start + k, m - k
    path.reverse()
    return path


def consistency_proof(
    old_size: int, leaves: Sequence[bytes], size: int | None = None
) -> list[bytes]:
    """PROOF(old_size, D[0:size]) of RFC 9162 §2.1.4.1: what shows the tree of
    ``old_size`` leaves is a prefix of the tree of ``size`` leaves."""
    n = len(leaves) if size is None else size
    if not 0 <= old_size <= n <= len(leaves):
        raise ValueError(f"no consistency proof from {old_size} to {n} leaves")
    if old_size in (0, n):
        return []
    proof: list[bytes] = []
    start, end, m, whole = 0, n, old_size, True
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            proof.append(root(leaves, start + k, end))
            end = start + k
        else:
            proof.append(root(leaves, start, start + k))
            start, m, whole = start + k, m - k, False
    if not whole:
        proof.append(root(leaves, start, end))
    proof.reverse()
    return proof


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` put the leaf hash ``leaf`` at ``index`` of the
    tree of ``size`` leaves whose root is ``expected_root``?"""
    if index >= size or index < 0:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == expected_root


def verify_consistency(
    old_size: int, size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: does ``proof`` show the tree of ``old_size`` leaves with root
    ``old_root`` is a prefix of the tree of ``size`` leaves with root ``new_root``?"""
    if not 0 <= old_size <= size:
        return False
    if old_size == size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root


class PackedHashes(Sequence[bytes]):
    """Leaf hashes packed 32 bytes apiece: a million of them in 32 MB, not 100."""

    def __init__(self, packed: bytes) -> None:
        if len(packed) % 32:
            raise ValueError("packed hashes are 32 bytes each")
        self._packed = packed

    def __len__(self) -> int:
        return len(self._packed) // 32

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._packed[32 * index : 32 * index + 32]
