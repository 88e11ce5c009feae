# pragma version ~=0.4.3
"""
@title Milestone escrow
@notice A buyer funds all milestones of an order up front in native ETH value (no
        token: nothing to approve, and the in-process test chain needs no token
        deployment). Each milestone is then, exactly once:
        - released to the supplier by the alliance arbiter (the oracle that saw the
          milestone's ledger evidence) or by the buyer (inspection accepted);
        - refunded to the buyer by the arbiter (e.g. lot rejected);
        - disputed by the buyer or supplier, after which only the arbiter settles it,
          splitting the amount between supplier and buyer.
        Evidence and reasons are 32-byte hashes, normally ledger leaf hashes, so every
        payment event points at the ledger entry that justified it.
        The platform's escrow sender may fund an order for a named buyer
        (`fund_order_for`: refunds are credited to that buyer) and, as the arbiter,
        pay out one part of a milestone (`settle_part`: an accepted or rejected lot),
        each part id at most once, so a resent transaction never pays twice.
@dev Payouts are credited and pulled with `withdraw`, so a recipient that cannot
     receive ETH blocks only its own withdrawal, never a release or a refund.
"""

MAX_MILESTONES: constant(uint256) = 16

flag Status:
    FUNDED
    RELEASED
    REFUNDED
    DISPUTED
    SETTLED

struct Order:
    buyer: address
    supplier: address
    milestone_count: uint256

struct Milestone:
    amount: uint256
    status: Status

event OrderFunded:
    order_id: indexed(bytes32)
    buyer: indexed(address)
    supplier: indexed(address)
    total: uint256
    milestone_count: uint256

event MilestoneReleased:
    order_id: indexed(bytes32)
    milestone: uint256
    amount: uint256
    evidence_hash: bytes32
    released_by: address

event MilestoneRefunded:
    order_id: indexed(bytes32)
    milestone: uint256
    amount: uint256
    evidence_hash: bytes32

event DisputeOpened:
    order_id: indexed(bytes32)
    milestone: uint256
    opened_by: address
    reason_hash: bytes32

event DisputeResolved:
    order_id: indexed(bytes32)
    milestone: uint256
    supplier_amount: uint256
    buyer_amount: uint256
    resolution_hash: bytes32

event PartSettled:
    order_id: indexed(bytes32)
    milestone: uint256
    part_id: indexed(bytes32)
    supplier_amount: uint256
    buyer_amount: uint256
    evidence_hash: bytes32


event Withdrawn:
    account: indexed(address)
    amount: uint256

event ArbiterChanged:
    previous_arbiter: indexed(address)
    new_arbiter: indexed(address)

owner: public(address)
arbiter: public(address)
orders: public(HashMap[bytes32, Order])
milestones: public(HashMap[bytes32, HashMap[uint256, Milestone]])
withdrawable: public(HashMap[address, uint256])
# Parts (lots) already paid out of a milestone: each part id settles at most once.
part_settled: public(HashMap[bytes32, bool])


@deploy
def __init__(arbiter: address):
    assert arbiter != empty(address), "arbiter cannot be the zero address"
    self.owner = msg.sender
    self.arbiter = arbiter
    log ArbiterChanged(previous_arbiter=empty(address), new_arbiter=arbiter)


@external
def set_arbiter(new_arbiter: address):
    assert msg.sender == self.owner, "only the owner changes the arbiter"
    assert new_arbiter != empty(address), "arbiter cannot be the zero address"
    log ArbiterChanged(previous_arbiter=self.arbiter, new_arbiter=new_arbiter)
    self.arbiter = new_arbiter


@payable
@external
def fund_order(order_id: bytes32, supplier: address, amounts: DynArray[uint256, MAX_MILESTONES]):
    self._fund(order_id, msg.sender, supplier, amounts)


@payable
@external
def fund_order_for(order_id: bytes32, buyer: address, supplier: address, amounts: DynArray[uint256, MAX_MILESTONES]):
    assert buyer != empty(address), "buyer cannot be the zero address"
    self._fund(order_id, buyer, supplier, amounts)


@internal
@payable
def _fund(order_id: bytes32, buyer: address, supplier: address, amounts: DynArray[uint256, MAX_MILESTONES]):
    assert self.orders[order_id].buyer == empty(address), "order already funded"
    assert supplier != empty(address) and supplier != buyer, "supplier must be another account"
    assert len(amounts) > 0, "an order has at least one milestone"
    total: uint256 = 0
    for index: uint256 in range(len(amounts), bound=MAX_MILESTONES):
        assert amounts[index] > 0, "a milestone amount is positive"
        self.milestones[order_id][index] = Milestone(amount=amounts[index], status=Status.FUNDED)
        total += amounts[index]
    assert msg.value == total, "value must equal the milestone total"
    self.orders[order_id] = Order(buyer=buyer, supplier=supplier, milestone_count=len(amounts))
    log OrderFunded(order_id=order_id, buyer=buyer, supplier=supplier, total=total, milestone_count=len(amounts))


@external
def release(order_id: bytes32, milestone: uint256, evidence_hash: bytes32):
    order: Order = self._order(order_id, milestone)
    assert msg.sender == self.arbiter or msg.sender == order.buyer, "only the arbiter or the buyer releases"
    assert self.milestones[order_id][milestone].status == Status.FUNDED, "milestone is not open for release"
    amount: uint256 = self.milestones[order_id][milestone].amount
    self.milestones[order_id][milestone].status = Status.RELEASED
    self.withdrawable[order.supplier] += amount
    log MilestoneReleased(
        order_id=order_id, milestone=milestone, amount=amount, evidence_hash=evidence_hash, released_by=msg.sender
    )


@external
def refund(order_id: bytes32, milestone: uint256, evidence_hash: bytes32):
    order: Order = self._order(order_id, milestone)
    assert msg.sender == self.arbiter, "only the arbiter refunds"
    status: Status = self.milestones[order_id][milestone].status
    assert status == Status.FUNDED or status == Status.DISPUTED, "milestone is already paid out"
    amount: uint256 = self.milestones[order_id][milestone].amount
    self.milestones[order_id][milestone].status = Status.REFUNDED
    self.withdrawable[order.buyer] += amount
    log MilestoneRefunded(order_id=order_id, milestone=milestone, amount=amount, evidence_hash=evidence_hash)


@external
def open_dispute(order_id: bytes32, milestone: uint256, reason_hash: bytes32):
    order: Order = self._order(order_id, milestone)
    assert msg.sender == order.buyer or msg.sender == order.supplier or msg.sender == self.arbiter, "only the buyer, the supplier or the arbiter disputes"
    assert self.milestones[order_id][milestone].status == Status.FUNDED, "milestone is not open for dispute"
    self.milestones[order_id][milestone].status = Status.DISPUTED
    log DisputeOpened(order_id=order_id, milestone=milestone, opened_by=msg.sender, reason_hash=reason_hash)


@external
def resolve_dispute(order_id: bytes32, milestone: uint256, supplier_amount: uint256, resolution_hash: bytes32):
    order: Order = self._order(order_id, milestone)
    assert msg.sender == self.arbiter, "only the arbiter resolves disputes"
    assert self.milestones[order_id][milestone].status == Status.DISPUTED, "milestone is not disputed"
    amount: uint256 = self.milestones[order_id][milestone].amount
    assert supplier_amount <= amount, "supplier share exceeds the milestone"
    self.milestones[order_id][milestone].status = Status.SETTLED
    self.withdrawable[order.supplier] += supplier_amount
    self.withdrawable[order.buyer] += amount - supplier_amount
    log DisputeResolved(
        order_id=order_id,
        milestone=milestone,
        supplier_amount=supplier_amount,
        buyer_amount=amount - supplier_amount,
        resolution_hash=resolution_hash,
    )


@external
def settle_part(
    order_id: bytes32, milestone: uint256, part_id: bytes32, supplier_amount: uint256, buyer_amount: uint256, evidence_hash: bytes32
):
    order: Order = self._order(order_id, milestone)
    assert msg.sender == self.arbiter, "only the arbiter settles a part"
    assert self.milestones[order_id][milestone].status == Status.FUNDED, "milestone is not open for settlement"
    assert not self.part_settled[part_id], "part already settled"
    total: uint256 = supplier_amount + buyer_amount
    assert total > 0, "a part pays something"
    remaining: uint256 = self.milestones[order_id][milestone].amount
    assert total <= remaining, "part exceeds what the milestone holds"
    self.part_settled[part_id] = True
    self.milestones[order_id][milestone].amount = remaining - total
    if total == remaining:
        self.milestones[order_id][milestone].status = Status.SETTLED
    self.withdrawable[order.supplier] += supplier_amount
    self.withdrawable[order.buyer] += buyer_amount
    log PartSettled(
        order_id=order_id, milestone=milestone, part_id=part_id, supplier_amount=supplier_amount, buyer_amount=buyer_amount,
        evidence_hash=evidence_hash,
    )


@nonreentrant
@external
def withdraw():
    amount: uint256 = self.withdrawable[msg.sender]
    assert amount > 0, "nothing to withdraw"
    self.withdrawable[msg.sender] = 0
    raw_call(msg.sender, b"", value=amount)
    log Withdrawn(account=msg.sender, amount=amount)


@view
@internal
def _order(order_id: bytes32, milestone: uint256) -> Order:
    order: Order = self.orders[order_id]
    assert order.buyer != empty(address), "unknown order"
    assert milestone < order.milestone_count, "unknown milestone"
    return order
