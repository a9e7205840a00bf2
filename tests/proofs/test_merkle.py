"""The Merkle tree against RFC 9162 as written: roots, inclusion and consistency proofs
agree with the RFC's recursive definitions (:mod:`rfc9162`, written independently) for
every tree size up to 70, and the verifiers refuse proofs that are off by one bit."""

from __future__ import annotations

import hashlib

import pytest

from rfc9162 import mth, path, proof
from rfc9162 import verify_consistency as reference_consistency
from rfc9162 import verify_inclusion as reference_inclusion
from techspec.proofs import merkle

LEAVES = [f"leaf {i}".encode() for i in range(70)]
HASHES = [merkle.leaf_hash(leaf) for leaf in LEAVES]


def test_hashes_are_the_rfc_ones_byte_by_byte() -> None:
    assert merkle.leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert (
        merkle.node_hash(b"a" * 32, b"b" * 32)
        == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    )
    assert hashlib.sha256(b"").digest() == merkle.EMPTY_ROOT
    # RFC 6962's test vector: the empty tree's root.
    assert (
        merkle.EMPTY_ROOT.hex()
        == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


@pytest.mark.parametrize("size", range(0, 71))
def test_the_frontier_gives_the_rfc_root_at_every_size(size: int) -> None:
    frontier: list[bytes] = []
    for n in range(size):
        merkle.append(frontier, n, HASHES[n])
    assert len(frontier) == bin(size).count("1"), "one stored hash per set bit of the size"
    assert merkle.frontier_root(frontier) == mth(LEAVES[:size])
    assert merkle.root(HASHES, 0, size) == mth(LEAVES[:size])


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 8, 9, 16, 31, 33, 70])
def test_inclusion_proofs_match_the_rfc_and_verify_both_ways(size: int) -> None:
    tree_root = mth(LEAVES[:size])
    for index in range(size):
        made = merkle.inclusion_proof(index, HASHES, size)
        assert made == path(index, LEAVES[:size])
        assert merkle.verify_inclusion(index, size, HASHES[index], made, tree_root)
        assert reference_inclusion(index, size, LEAVES[index], made, tree_root)
        # Another leaf, another index, or a flipped bit in the path: refused.
        other = HASHES[(index + 1) % size]
        assert size == 1 or not merkle.verify_inclusion(index, size, other, made, tree_root)
        if index + 1 < size:
            assert not merkle.verify_inclusion(index + 1, size, HASHES[index], made, tree_root)
        if made:
            bent = [bytes([made[0][0] ^ 1]) + made[0][1:], *made[1:]]
            assert not merkle.verify_inclusion(index, size, HASHES[index], bent, tree_root)


@pytest.mark.parametrize("size", [2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 32, 70])
def test_consistency_proofs_match_the_rfc_and_verify_both_ways(size: int) -> None:
    new_root = mth(LEAVES[:size])
    for old in range(1, size):
        old_root = mth(LEAVES[:old])
        made = merkle.consistency_proof(old, HASHES, size)
        assert made == proof(old, LEAVES[:size])
        assert merkle.verify_consistency(old, size, old_root, new_root, made)
        assert reference_consistency(old, size, old_root, new_root, made)
        # A rewritten old tree (different old root) or a different new one: refused.
        forged_old = mth([b"forged", *LEAVES[1:old]])
        assert not merkle.verify_consistency(old, size, forged_old, new_root, made)
        assert not merkle.verify_consistency(old, size, old_root, mth(LEAVES[1 : size + 1]), made)


def test_edge_sizes() -> None:
    assert merkle.consistency_proof(0, HASHES, 5) == []
    assert merkle.consistency_proof(5, HASHES, 5) == []
    assert merkle.verify_consistency(5, 5, mth(LEAVES[:5]), mth(LEAVES[:5]), [])
    assert not merkle.verify_consistency(5, 5, mth(LEAVES[:5]), mth(LEAVES[:4]), [])
    assert not merkle.verify_consistency(6, 5, mth(LEAVES[:5]), mth(LEAVES[:5]), [])
    assert not merkle.verify_consistency(3, 5, mth(LEAVES[:3]), mth(LEAVES[:5]), [])
    assert not merkle.verify_inclusion(5, 5, HASHES[0], [], mth(LEAVES[:5]))
    with pytest.raises(ValueError, match="not in a tree"):
        merkle.inclusion_proof(5, HASHES, 5)
