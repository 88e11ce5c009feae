"""The Merkle tree against RFC 9162's definitions and the published RFC 6962 vectors."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from settlement.ledger import (
    ConsistencyProof,
    InclusionProof,
    InMemoryTreeStore,
    MerkleTree,
    NodeKey,
    ProofError,
    verify_consistency,
    verify_inclusion,
)
from settlement.ledger.hashing import EMPTY_ROOT, leaf_hash, node_hash


def reference_root(leaves: Sequence[bytes]) -> bytes:
    """MTH exactly as RFC 9162 2.1.1 defines it, recursively over the leaf data."""
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaf_hash(leaves[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(reference_root(leaves[:k]), reference_root(leaves[k:]))


def reference_path(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 2.1.3.1."""
    n = len(leaves)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return reference_path(m, leaves[:k]) + [reference_root(leaves[k:])]
    return reference_path(m - k, leaves[k:]) + [reference_root(leaves[:k])]


def reference_subproof(m: int, leaves: Sequence[bytes], whole: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) of RFC 9162 2.1.4.1."""
    n = len(leaves)
    if m == n:
        return [] if whole else [reference_root(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return reference_subproof(m, leaves[:k], whole) + [reference_root(leaves[k:])]
    return reference_subproof(m - k, leaves[k:], False) + [reference_root(leaves[:k])]


# The RFC 6962 test vectors used by every CT implementation (certificate-transparency-go,
# transparency-dev/merkle): eight leaves, the roots of sizes 1..8, and some proofs.
CT_LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f")]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_INCLUSION = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
CT_CONSISTENCY = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]

# Roots of trees over DATA[:n] with DATA[i] = bytes([i]), derived once from
# reference_root; they pin the incremental tree to fixed values beyond the CT sizes.
DATA = [bytes([i]) for i in range(64)]
FIXED_ROOTS = {
    13: "df5ee130e5a247600d190c31074458de3c0dc58f0b0d8a6a2b3dd4fd7e569501",
    32: "e3cefa6fc4ca8482c126f391f261f8d6aa7921e763af8f2f838d75c3c4b9a5e3",
    64: "4433a69f32158463382405ec957c31b8bc89a1f08964b920f6cf53dc13098cb3",
}


def tree_over(leaves: Sequence[bytes], batch: int = 1) -> MerkleTree:
    tree = MerkleTree(InMemoryTreeStore())
    hashes = [leaf_hash(leaf) for leaf in leaves]
    for start in range(0, len(hashes), batch):
        tree.append(hashes[start : start + batch])
    return tree


def test_ct_vector_roots_for_every_size() -> None:
    tree = tree_over(CT_LEAVES)
    assert tree.root(0) == EMPTY_ROOT
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    for size, expected in enumerate(CT_ROOTS, start=1):
        assert tree.root(size).hex() == expected
        assert reference_root(CT_LEAVES[:size]).hex() == expected


@pytest.mark.parametrize(("index", "size", "expected"), CT_INCLUSION)
def test_ct_vector_inclusion_proofs(index: int, size: int, expected: list[str]) -> None:
    tree = tree_over(CT_LEAVES)
    proof = tree.inclusion_proof(index, size)
    assert [value.hex() for value in proof] == expected
    verify_inclusion(index, size, leaf_hash(CT_LEAVES[index]), proof, bytes.fromhex(CT_ROOTS[size - 1]))


@pytest.mark.parametrize(("old", "new", "expected"), CT_CONSISTENCY)
def test_ct_vector_consistency_proofs(old: int, new: int, expected: list[str]) -> None:
    tree = tree_over(CT_LEAVES)
    proof = tree.consistency_proof(old, new)
    assert [value.hex() for value in proof] == expected
    verify_consistency(old, new, bytes.fromhex(CT_ROOTS[old - 1]), bytes.fromhex(CT_ROOTS[new - 1]), proof)


@pytest.mark.parametrize("batch", [1, 3, 64])
def test_incremental_roots_match_the_recursive_definition_for_sizes_up_to_64(batch: int) -> None:
    tree = tree_over(DATA, batch)
    for size in range(0, 65):
        assert tree.root(size) == reference_root(DATA[:size]), size


def test_fixed_roots() -> None:
    tree = tree_over(DATA)
    for size, expected in FIXED_ROOTS.items():
        assert tree.root(size).hex() == expected


def test_every_inclusion_proof_up_to_size_40() -> None:
    tree = tree_over(DATA[:40])
    for size in range(1, 41):
        root = reference_root(DATA[:size])
        for index in range(size):
            proof = tree.inclusion_proof(index, size)
            assert proof == reference_path(index, DATA[:size])
            verify_inclusion(index, size, leaf_hash(DATA[index]), proof, root)
            with pytest.raises(ProofError):
                verify_inclusion(index, size, leaf_hash(b"not the leaf"), proof, root)
            if size > 1:
                with pytest.raises(ProofError):
                    verify_inclusion((index + 1) % size, size, leaf_hash(DATA[index]), proof, root)


def test_every_consistency_proof_up_to_size_40() -> None:
    tree = tree_over(DATA[:40])
    roots = [reference_root(DATA[:size]) for size in range(41)]
    for new in range(1, 41):
        for old in range(0, new + 1):
            proof = tree.consistency_proof(old, new)
            if 0 < old < new:
                assert proof == reference_subproof(old, DATA[:new], True)
            verify_consistency(old, new, roots[old], roots[new], proof)
            if 0 < old < new:
                with pytest.raises(ProofError):
                    verify_consistency(old, new, roots[old], roots[new - 1], proof)
                with pytest.raises(ProofError):
                    verify_consistency(old, new, leaf_hash(b"forged"), roots[new], proof)


def test_malformed_proofs_are_rejected() -> None:
    tree = tree_over(DATA[:11])
    root = tree.root()
    proof = tree.inclusion_proof(4)
    with pytest.raises(ProofError):
        verify_inclusion(4, 11, leaf_hash(DATA[4]), proof[:-1], root)
    with pytest.raises(ProofError):
        verify_inclusion(4, 11, leaf_hash(DATA[4]), [*proof, root], root)
    with pytest.raises(ProofError):
        verify_inclusion(11, 11, leaf_hash(DATA[4]), proof, root)
    consistency = tree.consistency_proof(5, 11)
    with pytest.raises(ProofError):
        verify_consistency(5, 11, tree.root(5), root, [])
    with pytest.raises(ProofError):
        verify_consistency(5, 11, tree.root(5), root, consistency[:-1])
    with pytest.raises(ProofError):
        verify_consistency(6, 5, tree.root(6), tree.root(5), consistency)
    with pytest.raises(ValueError):
        tree.inclusion_proof(0, 12)


def test_proof_json_shapes_round_trip() -> None:
    tree = tree_over(DATA[:21])
    inclusion = InclusionProof(7, 21, tree.root(), tree.inclusion_proof(7))
    assert set(inclusion.to_json()) == {"logIndex", "treeSize", "rootHash", "hashes"}
    assert InclusionProof.from_json(inclusion.to_json()) == inclusion
    InclusionProof.from_json(inclusion.to_json()).verify(leaf_hash(DATA[7]))
    consistency = ConsistencyProof(9, 21, tree.consistency_proof(9, 21))
    assert consistency.to_json()["hashes"] == [value.hex() for value in consistency.hashes]
    ConsistencyProof.from_json(consistency.to_json()).verify(tree.root(9), tree.root(21))
    with pytest.raises(ProofError):
        InclusionProof.from_json({**inclusion.to_json(), "rootHash": "zz"})
    with pytest.raises(ProofError):
        ConsistencyProof.from_json({"oldSize": -1, "newSize": 21, "hashes": []})


class CountingStore(InMemoryTreeStore):
    """Counts the stored hashes each operation reads, and the batches it reads them in."""

    def __init__(self) -> None:
        super().__init__()
        self.hashes_read = 0
        self.batches = 0

    def get_leaf_hashes(self, indices: Sequence[int]) -> list[bytes]:
        self.hashes_read += len(indices)
        self.batches += 1
        return super().get_leaf_hashes(indices)

    def get_nodes(self, keys: Sequence[NodeKey]) -> list[bytes]:
        self.hashes_read += len(keys)
        self.batches += 1
        return super().get_nodes(keys)


def test_proofs_and_roots_read_logarithmically_many_nodes() -> None:
    store = CountingStore()
    tree = MerkleTree(store)
    size = 5_000
    tree.append([leaf_hash(index.to_bytes(4, "big")) for index in range(size)])
    bound = 2 * size.bit_length()
    for operation in (
        lambda: tree.root(size - 1),
        lambda: tree.inclusion_proof(1234, size - 7),
        lambda: tree.inclusion_proof(size - 1),
        lambda: tree.consistency_proof(1234, size - 7),
        lambda: tree.consistency_proof(4095, size),
    ):
        store.hashes_read = store.batches = 0
        operation()
        assert store.hashes_read <= bound
        # One batch for leaf hashes and one for interior nodes at most: one query each in SQL.
        assert store.batches <= 2


def test_store_is_append_only() -> None:
    store = InMemoryTreeStore()
    store.append_leaf_hashes(0, [leaf_hash(b"a")])
    with pytest.raises(ValueError):
        store.append_leaf_hashes(0, [leaf_hash(b"b")])
    with pytest.raises(ValueError):
        store.put_nodes({(1, 1): leaf_hash(b"c")})
    with pytest.raises(KeyError):
        store.get_nodes([(1, 0)])
