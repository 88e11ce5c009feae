# pragma version ~=0.4.3
"""
@title Ledger anchor registry
@notice Publishes signed checkpoints of capool settlement ledgers on chain, so a
        rewritten ledger is caught by anyone holding the chain, not only by holders
        of an earlier export. One history per ledger id; its tree size only grows.
@dev ledger_id is SHA-256 of the ledger id string; root_hash is the RFC 9162 root at
     tree_size; checkpoint_hash is SHA-256 of the checkpoint as the log signed it.
"""

struct Anchor:
    tree_size: uint256
    root_hash: bytes32
    checkpoint_hash: bytes32
    block_number: uint256

event Anchored:
    ledger_id: indexed(bytes32)
    tree_size: uint256
    root_hash: bytes32
    checkpoint_hash: bytes32
    position: uint256

event OwnershipTransferred:
    previous_owner: indexed(address)
    new_owner: indexed(address)

owner: public(address)
anchor_count: public(HashMap[bytes32, uint256])
# ledger id => position => anchor; positions count from 0 in anchoring order.
anchors: public(HashMap[bytes32, HashMap[uint256, Anchor]])


@deploy
def __init__():
    self.owner = msg.sender
    log OwnershipTransferred(previous_owner=empty(address), new_owner=msg.sender)


@external
def anchor(ledger_id: bytes32, tree_size: uint256, root_hash: bytes32, checkpoint_hash: bytes32):
    assert msg.sender == self.owner, "only the owner anchors"
    count: uint256 = self.anchor_count[ledger_id]
    if count > 0:
        assert tree_size > self.anchors[ledger_id][count - 1].tree_size, "tree size must grow"
    else:
        assert tree_size > 0, "an empty tree is not anchored"
    self.anchors[ledger_id][count] = Anchor(
        tree_size=tree_size,
        root_hash=root_hash,
        checkpoint_hash=checkpoint_hash,
        block_number=block.number,
    )
    self.anchor_count[ledger_id] = count + 1
    log Anchored(
        ledger_id=ledger_id,
        tree_size=tree_size,
        root_hash=root_hash,
        checkpoint_hash=checkpoint_hash,
        position=count,
    )


@view
@external
def latest(ledger_id: bytes32) -> Anchor:
    count: uint256 = self.anchor_count[ledger_id]
    assert count > 0, "ledger never anchored"
    return self.anchors[ledger_id][count - 1]


@external
def transfer_ownership(new_owner: address):
    assert msg.sender == self.owner, "only the owner transfers ownership"
    assert new_owner != empty(address), "owner cannot be the zero address"
    log OwnershipTransferred(previous_owner=self.owner, new_owner=new_owner)
    self.owner = new_owner
