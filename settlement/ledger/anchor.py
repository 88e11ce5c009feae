"""A checkpoint anchored on chain, as read back from the anchor registry, and the check
that the ledger still extends it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from settlement.ledger.errors import ProofError
from settlement.ledger.proofs import ConsistencyProof, hash_from_hex
from settlement.ledger.tree import MerkleTree


@dataclass(frozen=True)
class Anchor:
    chain_id: int
    # Block 0's hash: with the chain id, which chain (an in-process chain restarted from
    # nothing keeps its id and its contract addresses). None in exports written before it
    # was recorded.
    genesis_hash: bytes | None
    contract: str
    # Position of this anchor in the ledger's on-chain history (0 = first).
    position: int
    ledger_id_digest: bytes
    tree_size: int
    root_hash: bytes
    checkpoint_hash: bytes
    block_number: int

    def to_json(self) -> dict[str, Any]:
        return {
            "chainId": self.chain_id,
            **({"genesisHash": self.genesis_hash.hex()} if self.genesis_hash is not None else {}),
            "contract": self.contract,
            "position": self.position,
            "ledgerIdDigest": self.ledger_id_digest.hex(),
            "treeSize": self.tree_size,
            "rootHash": self.root_hash.hex(),
            "checkpointHash": self.checkpoint_hash.hex(),
            "blockNumber": self.block_number,
        }

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> Anchor:
        try:
            integers = [document[name] for name in ("chainId", "position", "treeSize", "blockNumber")]
            if any(not isinstance(value, int) or isinstance(value, bool) or value < 0 for value in integers):
                raise ProofError("anchor numbers must be non-negative integers")
            chain_id, position, tree_size, block_number = integers
            contract = document["contract"]
            if not isinstance(contract, str):
                raise ProofError("anchor contract must be an address")
            genesis = document.get("genesisHash")
            return cls(
                chain_id=chain_id,
                genesis_hash=None if genesis is None else hash_from_hex(genesis),
                contract=contract,
                position=position,
                ledger_id_digest=hash_from_hex(document["ledgerIdDigest"]),
                tree_size=tree_size,
                root_hash=hash_from_hex(document["rootHash"]),
                checkpoint_hash=hash_from_hex(document["checkpointHash"]),
                block_number=block_number,
            )
        except (KeyError, TypeError) as exc:
            raise ProofError(f"malformed anchor: {exc!r}") from exc


def verify_anchor_against_tree(anchor: Anchor, tree: MerkleTree, head_size: int | None = None) -> ConsistencyProof:
    """Prove, from stored nodes only, that the tree at `head_size` extends the anchored
    tree; returns the verified proof so callers can publish it."""
    size = tree.size if head_size is None else head_size
    if anchor.tree_size > size:
        raise ProofError(f"anchor covers {anchor.tree_size} entries but the ledger has {size}")
    proof = ConsistencyProof(anchor.tree_size, size, tree.consistency_proof(anchor.tree_size, size))
    proof.verify(anchor.root_hash, tree.root(size))
    return proof
