"""Escrow in the product: outbox consumers record intents, a job sends them.

An alliance that settles in escrow (`alliance_settlement.mode`, with a chain configured:
`configured()`) has each confirmed allocation funded in the milestone escrow contract, each
decided lot paid out of it (accepted: the factory gets accepted quantity x agreed price less
the late penalty, the buyer gets the penalty back; rejected: the buyer gets the lot's value
back; `invoice.claim_lot` computes it, as for invoices) and an order's dispute opened on its
allocations' escrows, which holds every later payout.

The chain is never called inside a database transaction nor on the event loop. An outbox
consumer only records the intent (`escrow_operations`, status pending) in its transaction;
the job `send_escrow_operation` then, for one operation:

1. claims it (a conditional UPDATE of `claimed_until`: one worker at a time);
2. pending: checks it against the chain (gas estimation runs the call: a revert is
   refused here, before any nonce is taken), reserves the sender's next nonce in the
   database (`reserve_nonce`: a conditional UPDATE of `chain_senders`, so two workers
   never sign with one nonce), signs and stores the signed transaction and its hash, all in
   one transaction: status sent;
3. sent: asks the chain for the receipt of the stored hash and, only without one,
   broadcasts the stored signed bytes again. A resend is the same transaction (same nonce,
   same hash), which the chain includes at most once, so a retry after a crash never funds
   or pays twice; the contract also refuses a second funding of an allocation and a second
   payout of a lot;
4. confirmed (receipt status 1): marks it confirmed and writes its ledger entry in one
   transaction, so the ledger never records what the chain does not hold.

A chain outage leaves the operation pending or sent with its error and attempt count; the
periodic task `retry_escrow_operations` sends the due ones again (exponential backoff).
Operations of one allocation go in order: a payout waits for the funding, and after a
confirmed dispute the allocation's payouts are held (left pending) until it is resolved.

Money is integer minor units; the chain counts token units. `to_token_units` maps them with
the alliance's `currency_decimals` and `token_decimals` (one currency unit is one token),
in integer arithmetic, and refuses an amount that does not map exactly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from hashlib import sha256
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

# settlement.chain first: it imports the chain libraries (py_ecc and py-evm raise the
# interpreter's recursion limit to 100000 on import) and puts the limit back.
from settlement.chain import MILESTONE_STATUSES, ChainAccount, SettlementChain, TransactionFailed  # isort: skip

from eth_account import Account  # noqa: E402
from web3 import Web3  # noqa: E402
from web3.exceptions import ContractLogicError, TimeExhausted, TransactionNotFound, Web3RPCError  # noqa: E402

from capool.clock import utcnow
from capool.config import ConfigurationError, get_settings
from capool.db import after_commit
from capool.errors import InvalidInput
from capool.jobs import job, job_transaction
from capool.tenancy.actor import Actor, Permission
from capool.tenancy.policy import get_visible, scoped
from marketplace.models import Allocation
from settlement import service
from settlement.contracts import MILESTONE_ESCROW, compile_contract
from settlement.ledger.entries import EntryType
from settlement.models import (
    AllianceSettlement,
    ChainSender,
    EscrowKind,
    EscrowOperation,
    EscrowStatus,
    OrganisationChainAccount,
    SettlementMode,
)

try:
    from eth_tester.exceptions import ValidationError as _TesterRefusal
except ImportError:  # pragma: no cover - without the embedded extra

    class _TesterRefusal(Exception):  # type: ignore[no-redef]
        """Stands in for the in-process chain's refusal where eth-tester is not installed."""


log = logging.getLogger(__name__)
# What a node answers when it refuses a raw transaction (known already, nonce used, a gap
# the in-process chain does not queue); a lost connection is none of these.
REFUSED = (Web3RPCError, ValueError, TransactionFailed, ContractLogicError, _TesterRefusal)

CLAIM = timedelta(minutes=5)
ACTIVE = (EscrowStatus.PENDING, EscrowStatus.SENT)


class UnmappableAmount(InvalidInput):
    """An amount in minor units that is no whole number of token units."""


def to_token_units(amount_minor: int, currency_decimals: int, token_decimals: int) -> int:
    """`amount_minor` minor units (10^-currency_decimals of a currency unit) in token units
    (10^-token_decimals of a token; one token per currency unit). Integer arithmetic only:
    with fewer token decimals than currency decimals the amount must divide exactly."""
    if amount_minor < 0:
        raise UnmappableAmount.at("/amount_minor", "an escrow amount is not negative")
    shift = token_decimals - currency_decimals
    if shift >= 0:
        return amount_minor * 10**shift
    quotient, remainder = divmod(amount_minor, 10**-shift)
    if remainder:
        raise UnmappableAmount.at(
            "/amount_minor", f"{amount_minor} minor units (10^-{currency_decimals}) are no whole number of token units (10^-{token_decimals})"
        )
    return quotient


def allocation_key(allocation_id: uuid.UUID) -> bytes:
    """The escrow contract's order id of an allocation (each allocation is one escrow)."""
    return sha256(b"capool-allocation/" + allocation_id.bytes).digest()


def lot_part_key(lot_id: uuid.UUID) -> bytes:
    """The contract's part id of a lot: each lot is paid out of its allocation at most once."""
    return sha256(b"capool-lot/" + lot_id.bytes).digest()


# -- configuration -----------------------------------------------------------------------


class EscrowClient:
    """The escrow contract as the platform's escrow account uses it. Every method is a
    blocking chain call (or local signing): callers run them in a thread."""

    def __init__(self, web3: Web3, contract: str, sender: ChainAccount, *, confirm_timeout_s: float = 30.0) -> None:
        self.web3 = web3
        self.address = Web3.to_checksum_address(contract)
        self.contract = web3.eth.contract(address=self.address, abi=compile_contract(MILESTONE_ESCROW).abi)
        self.sender = sender
        self.confirm_timeout_s = confirm_timeout_s
        # The in-process chain (py-evm) is not thread-safe: its calls take one lock per chain.
        self._serial: Any = contextlib.nullcontext()
        if type(web3.provider).__name__ == "EthereumTesterProvider":
            if not hasattr(web3.provider, "_capool_lock"):
                web3.provider._capool_lock = threading.RLock()  # type: ignore[attr-defined]
            self._serial = web3.provider._capool_lock  # type: ignore[attr-defined]

    @classmethod
    def of_chain(cls, chain: SettlementChain, contract: str, sender: ChainAccount, **options: Any) -> EscrowClient:
        return cls(chain.web3, contract, sender, **options)

    @cached_property
    def chain_id(self) -> int:
        with self._serial:
            return int(self.web3.eth.chain_id)

    def _call(self, op: OperationView) -> tuple[Any, int]:
        key = allocation_key(op.allocation_id)
        functions = self.contract.functions
        if op.kind is EscrowKind.FUND:
            assert op.buyer_address and op.factory_address
            call = functions.fund_order_for(key, Web3.to_checksum_address(op.buyer_address), Web3.to_checksum_address(op.factory_address), [op.amount_units])
            return call, op.amount_units
        if op.kind is EscrowKind.DISPUTE:
            return functions.open_dispute(key, 0, op.evidence), 0
        assert op.lot_id is not None
        return functions.settle_part(key, 0, lot_part_key(op.lot_id), op.supplier_units, op.buyer_units, op.evidence), 0

    def prepare(self, op: OperationView) -> dict[str, Any]:
        """The unsigned transaction; estimating its gas runs it, so a revert raises here."""
        call, value = self._call(op)
        try:
            with self._serial:
                return dict(call.build_transaction({"from": self.sender.address, "value": value}))
        except (ContractLogicError, TransactionFailed) as exc:
            raise Reverted(str(exc)) from exc

    def sign(self, transaction: dict[str, Any], nonce: int) -> tuple[str, str]:
        """(tx hash, raw signed transaction), both 0x-hex; local, no chain call."""
        signed = Account.sign_transaction(transaction | {"nonce": nonce}, self.sender.private_key)
        return "0x" + bytes(signed.hash).hex(), "0x" + bytes(signed.raw_transaction).hex()

    def pending_nonce(self) -> int:
        with self._serial:
            return int(self.web3.eth.get_transaction_count(self.sender.address, "pending"))

    def mined_nonce(self) -> int:
        with self._serial:
            return int(self.web3.eth.get_transaction_count(self.sender.address, "latest"))

    def broadcast(self, raw_tx: str) -> None:
        with self._serial:
            self.web3.eth.send_raw_transaction(bytes.fromhex(raw_tx.removeprefix("0x")))

    def receipt(self, tx_hash: str, *, wait: bool) -> dict[str, Any] | None:
        try:
            if wait and isinstance(self._serial, contextlib.nullcontext):
                return dict(self.web3.eth.wait_for_transaction_receipt(tx_hash, timeout=self.confirm_timeout_s, poll_latency=0.2))
            with self._serial:  # the in-process chain mines at once: a receipt is there or never comes
                return dict(self.web3.eth.get_transaction_receipt(tx_hash))
        except (TransactionNotFound, TimeExhausted):
            return None

    def milestone_status(self, allocation_id: uuid.UUID) -> tuple[int, str]:
        """(token units still held, status) of the allocation's escrow."""
        with self._serial:
            amount, status = self.contract.functions.milestones(allocation_key(allocation_id), 0).call()
        return int(amount), MILESTONE_STATUSES.get(status, "none")

    def part_settled(self, lot_id: uuid.UUID) -> bool:
        with self._serial:
            return bool(self.contract.functions.part_settled(lot_part_key(lot_id)).call())


class Reverted(Exception):
    """The chain refuses the call (its gas estimation reverted, or its receipt failed)."""


_lock = threading.Lock()
_client: EscrowClient | None = None
_override: EscrowClient | None = None


def use_client(client: EscrowClient | None) -> None:
    """Settle escrow with this client instead of the configured chain (tests, the demo);
    None goes back to the configuration."""
    global _override
    _override = client


def configured() -> bool:
    """Whether a chain is configured for escrow: without one every alliance settles by invoice."""
    if _override is not None:
        return True
    settings = get_settings()
    return bool(settings.chain.rpc_url and settings.escrow.contract and settings.escrow.private_key)


def default_client() -> EscrowClient:
    """The configured client (no chain call: connecting is lazy)."""
    global _client
    if _override is not None:
        return _override
    with _lock:
        if _client is None:
            settings = get_settings()
            if not configured() or settings.escrow.private_key is None or settings.escrow.contract is None or not settings.chain.rpc_url:
                raise ConfigurationError("escrow needs CAPOOL_CHAIN_RPC_URL, CAPOOL_ESCROW_CONTRACT and CAPOOL_ESCROW_PRIVATE_KEY")
            web3 = Web3(Web3.HTTPProvider(settings.chain.rpc_url, request_kwargs={"timeout": 30}))
            _client = EscrowClient(web3, settings.escrow.contract, ChainAccount.from_key(settings.escrow.private_key.get_secret_value()),
                                   confirm_timeout_s=settings.escrow.confirm_timeout_s)
        return _client


# -- the alliance's mode and the organisations' accounts -----------------------------------


async def alliance_settlement(session: AsyncSession, alliance_id: uuid.UUID) -> AllianceSettlement | None:
    return await session.get(AllianceSettlement, alliance_id)


async def set_alliance_settlement(
    session: AsyncSession, alliance_id: uuid.UUID, *, mode: SettlementMode, currency: str, currency_decimals: int, token_decimals: int
) -> AllianceSettlement:
    """Set how an alliance settles from now on; allocations confirmed earlier keep their mode."""
    if not (len(currency) == 3 and currency.isalpha() and currency.isupper()):
        raise InvalidInput.at("/currency", "a currency is an ISO 4217 code such as CNY")
    if not 0 <= currency_decimals <= 6:
        raise InvalidInput.at("/currency_decimals", "currency decimals are 0 to 6")
    if not 0 <= token_decimals <= 36:
        raise InvalidInput.at("/token_decimals", "token decimals are 0 to 36")
    row = await session.get(AllianceSettlement, alliance_id, with_for_update=True)
    if row is None:
        row = AllianceSettlement(alliance_id=alliance_id)
        session.add(row)
    row.mode, row.currency, row.currency_decimals, row.token_decimals, row.updated_at = mode, currency, currency_decimals, token_decimals, utcnow()
    await session.flush()
    return row


def _checksum(address: str) -> str:
    if not Web3.is_address(address):
        raise InvalidInput.at("/address", "an address is 0x and 40 hex digits (EIP-55 checksummed if mixed-case)")
    checksummed = Web3.to_checksum_address(address)
    if int(checksummed, 16) == 0:
        raise InvalidInput.at("/address", "the zero address receives nothing")
    return checksummed


async def register_account(session: AsyncSession, actor: Actor, address: str) -> OrganisationChainAccount:
    """Register (or replace) the caller organisation's chain address. Escrows funded before
    keep the address they were funded with: the contract holds it."""
    actor.require(Permission.MEMBERS_ADMIN)
    checksummed = _checksum(address)
    taken = await session.scalar(
        select(OrganisationChainAccount.organisation_id).where(
            OrganisationChainAccount.alliance_id == actor.alliance_id, OrganisationChainAccount.address == checksummed
        )
    )
    if taken is not None and taken != actor.organisation_id:
        raise InvalidInput.at("/address", "another organisation of the alliance registered this address")
    row = (await session.execute(
        scoped(select(OrganisationChainAccount), actor, OrganisationChainAccount)
        .where(OrganisationChainAccount.organisation_id == actor.organisation_id).with_for_update()
    )).scalar_one_or_none()
    if row is None:
        row = OrganisationChainAccount(organisation_id=actor.organisation_id, alliance_id=actor.alliance_id)
        session.add(row)
    row.address, row.registered_by_user_id, row.registered_at = checksummed, actor.user_id, utcnow()
    await session.flush()
    return row


async def list_accounts(session: AsyncSession, actor: Actor) -> list[OrganisationChainAccount]:
    actor.require(Permission.MEMBERS_ADMIN)
    return list((await session.execute(scoped(select(OrganisationChainAccount), actor, OrganisationChainAccount))).scalars())


async def _address_of(session: AsyncSession, organisation_id: uuid.UUID) -> str | None:
    return await session.scalar(select(OrganisationChainAccount.address).where(OrganisationChainAccount.organisation_id == organisation_id))


# -- intents (inside the consumers' transactions; no chain call) ---------------------------


async def funding_of(session: AsyncSession, allocation_id: uuid.UUID) -> EscrowOperation | None:
    """The allocation's funding intent: an allocation with one settles in escrow."""
    return await session.scalar(select(EscrowOperation).where(EscrowOperation.intent_key == f"fund:{allocation_id}"))


async def _record(
    session: AsyncSession, allocation: Allocation, settlement: AllianceSettlement | None, *, kind: EscrowKind, intent_key: str,
    supplier_minor: int, buyer_minor: int, details: dict[str, Any], lot_id: uuid.UUID | None = None, alliance_id: uuid.UUID,
    currency_decimals: int | None = None, token_decimals: int | None = None,
) -> EscrowOperation:
    existing = await session.scalar(select(EscrowOperation).where(EscrowOperation.intent_key == intent_key))
    if existing is not None:
        return existing
    amount = supplier_minor + buyer_minor
    decimals = (currency_decimals, token_decimals) if currency_decimals is not None else (
        (settlement.currency_decimals, settlement.token_decimals) if settlement else (None, None))
    error = None
    units = (0, 0, 0)
    if decimals[0] is None or decimals[1] is None:
        error = "the alliance has no token mapping"
    else:
        try:
            units = (to_token_units(amount, decimals[0], decimals[1]), to_token_units(supplier_minor, decimals[0], decimals[1]),
                     to_token_units(buyer_minor, decimals[0], decimals[1]))
        except UnmappableAmount as exc:
            error = str(exc.args[0])
    details = details | {"currency_decimals": decimals[0], "token_decimals": decimals[1]}
    now = utcnow()
    op = EscrowOperation(
        alliance_id=alliance_id, allocation_id=allocation.id, lot_id=lot_id, buyer_org_id=allocation.buyer_org_id,
        factory_org_id=allocation.factory_org_id, intent_key=intent_key, kind=kind,
        status=EscrowStatus.FAILED if error else EscrowStatus.PENDING, currency=allocation.currency, amount_minor=amount,
        supplier_minor=supplier_minor, buyer_minor=buyer_minor, amount_units=str(units[0]), supplier_units=str(units[1]),
        buyer_units=str(units[2]), details=details, attempts=0, last_error=str(error)[:2000] if error else None, next_attempt_at=now,
    )
    session.add(op)
    await session.flush()
    if error is None:
        operation_id = str(op.id)
        after_commit(session, lambda: _enqueue(operation_id))
    return op


def _enqueue(operation_id: str) -> None:
    try:
        send_escrow_operation.send(operation_id)
    except Exception:  # the broker is away: the periodic retry sends it
        log.exception("could not enqueue escrow operation %s; the periodic retry will", operation_id)


async def record_funding(session: AsyncSession, alliance_id: uuid.UUID, allocation: Allocation) -> EscrowOperation | None:
    """On a confirmed allocation: fund quantity x agreed price, if the alliance settles in
    escrow (in the allocation's currency) and a chain is configured."""
    settlement = await alliance_settlement(session, alliance_id)
    if settlement is None or settlement.mode is not SettlementMode.ESCROW or not configured() or settlement.currency != allocation.currency:
        return None
    gross = allocation.quantity * allocation.unit_price_minor
    return await _record(session, allocation, settlement, kind=EscrowKind.FUND, intent_key=f"fund:{allocation.id}", supplier_minor=0,
                         buyer_minor=gross, alliance_id=alliance_id,
                         details={"order_id": str(allocation.order_id), "quantity": allocation.quantity, "unit_price_minor": allocation.unit_price_minor})


async def record_lot(session: AsyncSession, alliance_id: uuid.UUID, funding: EscrowOperation, payout: Any, evidence: bytes) -> EscrowOperation:
    """A decided lot of an escrowed allocation (`payout`: invoice.LotPayout): release its pay
    to the factory (the penalty back to the buyer), or refund the buyer for a rejected lot."""
    details = {"order_id": str(payout.allocation.order_id), "quantity": payout.lot.quantity, "unit_price_minor": payout.allocation.unit_price_minor,
               "gross_minor": payout.gross_minor, "days_late": payout.days_late, "penalty_minor": payout.penalty_minor, "evidence": evidence.hex()}
    decimals = funding.details.get("currency_decimals"), funding.details.get("token_decimals")
    if payout.accepted:
        return await _record(session, payout.allocation, None, kind=EscrowKind.RELEASE, intent_key=f"release:{payout.lot.id}", lot_id=payout.lot.id,
                             supplier_minor=payout.gross_minor - payout.penalty_minor, buyer_minor=payout.penalty_minor, details=details,
                             alliance_id=alliance_id, currency_decimals=decimals[0], token_decimals=decimals[1])
    return await _record(session, payout.allocation, None, kind=EscrowKind.REFUND, intent_key=f"refund:{payout.lot.id}", lot_id=payout.lot.id,
                         supplier_minor=0, buyer_minor=payout.gross_minor, details=details | {"reason": "lot rejected"}, alliance_id=alliance_id,
                         currency_decimals=decimals[0], token_decimals=decimals[1])


async def record_dispute(session: AsyncSession, alliance_id: uuid.UUID, allocation: Allocation, funding: EscrowOperation, reason: str) -> EscrowOperation:
    """An order's dispute opens on its allocation's escrow: later payouts are held."""
    return await _record(session, allocation, None, kind=EscrowKind.DISPUTE, intent_key=f"dispute:{allocation.id}", supplier_minor=0, buyer_minor=0,
                         details={"order_id": str(allocation.order_id), "reason": reason, "evidence": sha256(reason.encode()).hexdigest()},
                         alliance_id=alliance_id, currency_decimals=funding.details.get("currency_decimals"),
                         token_decimals=funding.details.get("token_decimals"))


# -- the nonce manager ---------------------------------------------------------------------


async def reserve_nonce(session: AsyncSession, chain_id: int, address: str, chain_next: int) -> int:
    """Take the sender's next nonce: the larger of the stored one and the chain's pending
    count (another component may have sent from the key), moved on by a conditional UPDATE
    that only succeeds while nobody moved it since it was read. Two workers that race read
    the same value; the database lets one UPDATE match and the other reads again."""
    for _ in range(1000):
        current = await session.scalar(select(ChainSender.next_nonce).where(ChainSender.chain_id == chain_id, ChainSender.address == address))
        if current is None:
            insert = postgresql_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
            await session.execute(insert(ChainSender).values(chain_id=chain_id, address=address, next_nonce=chain_next, updated_at=utcnow())
                                  .on_conflict_do_nothing(index_elements=["chain_id", "address"]))
            continue
        nonce = max(current, chain_next)
        moved = await session.execute(
            update(ChainSender)
            .where(ChainSender.chain_id == chain_id, ChainSender.address == address, ChainSender.next_nonce == current)
            .values(next_nonce=nonce + 1, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount == 1:
            return nonce
    raise RuntimeError(f"could not reserve a nonce for {address} on chain {chain_id}")


# -- the job -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OperationView:
    """What a send needs of an operation, read in one transaction and used outside any."""

    id: uuid.UUID
    alliance_id: uuid.UUID
    allocation_id: uuid.UUID
    lot_id: uuid.UUID | None
    kind: EscrowKind
    status: EscrowStatus
    amount_units: int
    supplier_units: int
    buyer_units: int
    evidence: bytes
    buyer_address: str | None
    factory_address: str | None
    tx_hash: str | None
    raw_tx: str | None
    nonce: int | None


def _backoff(attempts: int) -> timedelta:
    settings = get_settings().escrow
    return timedelta(seconds=min(settings.retry_seconds * 2 ** max(attempts - 1, 0), settings.max_backoff_s))


async def _claim(operation_id: uuid.UUID) -> OperationView | None:
    """Take the operation for this worker, if it is due for work and nobody holds it; wait
    (leave it pending) while an earlier operation of its allocation is unfinished or a
    confirmed dispute holds its payout."""
    now = utcnow()
    async with job_transaction() as session:
        taken = await session.execute(
            update(EscrowOperation)
            .where(EscrowOperation.id == operation_id, EscrowOperation.status.in_(ACTIVE),
                   (EscrowOperation.claimed_until.is_(None)) | (EscrowOperation.claimed_until < now))
            .values(claimed_until=now + CLAIM)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:
            return None
        op = await session.get(EscrowOperation, operation_id, populate_existing=True)
        assert op is not None
        earlier = list((await session.execute(
            select(EscrowOperation).where(EscrowOperation.allocation_id == op.allocation_id, EscrowOperation.id < op.id,
                                          EscrowOperation.status != EscrowStatus.CONFIRMED).order_by(EscrowOperation.id)
        )).scalars())
        wait = None
        if failed := next((e for e in earlier if e.status is EscrowStatus.FAILED), None):
            if op.status is EscrowStatus.PENDING:
                op.status, op.last_error, op.claimed_until = EscrowStatus.FAILED, f"the allocation's {failed.kind.value} operation {failed.id} failed", None
                return None
        elif earlier:
            wait = f"waiting for the allocation's {earlier[0].kind.value} operation {earlier[0].id}"
        elif op.kind in (EscrowKind.RELEASE, EscrowKind.REFUND) and op.status is EscrowStatus.PENDING and await session.scalar(
            select(EscrowOperation.id).where(EscrowOperation.allocation_id == op.allocation_id, EscrowOperation.kind == EscrowKind.DISPUTE,
                                             EscrowOperation.status == EscrowStatus.CONFIRMED)):
            wait = "held: the allocation's escrow is disputed"
        buyer = factory = None
        if wait is None and op.kind is EscrowKind.FUND and op.status is EscrowStatus.PENDING:
            buyer, factory = await _address_of(session, op.buyer_org_id), await _address_of(session, op.factory_org_id)
            if buyer is None or factory is None:
                missing = [name for name, value in (("buyer", buyer), ("factory", factory)) if value is None]
                wait = f"waiting for the {' and the '.join(missing)} to register a chain account"
        if wait is not None:
            op.last_error, op.claimed_until, op.next_attempt_at = wait, None, now + _backoff(1)
            return None
        op.attempts += 1
        return OperationView(
            op.id, op.alliance_id, op.allocation_id, op.lot_id, op.kind, op.status, int(op.amount_units), int(op.supplier_units),
            int(op.buyer_units), bytes.fromhex(op.details.get("evidence", "00" * 32)), buyer, factory, op.tx_hash, op.raw_tx, op.nonce,
        )


async def _release(operation_id: uuid.UUID, *, error: str | None = None, status: EscrowStatus | None = None, delay: bool = True) -> None:
    async with job_transaction() as session:
        op = await session.get(EscrowOperation, operation_id, with_for_update=True)
        if op is None:
            return
        op.claimed_until = None
        if error is not None:
            op.last_error = error[:2000]
        if status is not None:
            op.status = status
        if delay:
            op.next_attempt_at = utcnow() + _backoff(op.attempts)


async def _sign(view: OperationView, client: EscrowClient) -> OperationView | None:
    """Pending -> sent: preflight, reserve a nonce, store the signed transaction."""
    try:
        transaction = await asyncio.to_thread(client.prepare, view)
    except Reverted as exc:
        amount, state = await asyncio.to_thread(client.milestone_status, view.allocation_id)
        if state == "disputed" and view.kind in (EscrowKind.RELEASE, EscrowKind.REFUND):
            await _release(view.id, error=f"held: the allocation's escrow is disputed ({exc})")
        else:
            await _release(view.id, error=f"the chain refuses it: {exc} (escrow holds {amount} units, {state})", status=EscrowStatus.FAILED, delay=False)
        return None
    chain_next = await asyncio.to_thread(client.pending_nonce)
    chain_id = await asyncio.to_thread(lambda: client.chain_id)
    async with job_transaction() as session:
        nonce = await reserve_nonce(session, chain_id, client.sender.address, chain_next)
        tx_hash, raw_tx = client.sign(transaction, nonce)  # local signing, no chain call
        stored = await session.execute(
            update(EscrowOperation)
            .where(EscrowOperation.id == view.id, EscrowOperation.status == EscrowStatus.PENDING)
            .values(status=EscrowStatus.SENT, chain_id=chain_id, contract=client.address, sender=client.sender.address, nonce=nonce,
                    tx_hash=tx_hash, raw_tx=raw_tx, last_error=None)
            .execution_options(synchronize_session=False)
        )
        if stored.rowcount != 1:
            raise RuntimeError(f"escrow operation {view.id} changed while this worker held it")
    return OperationView(**{**view.__dict__, "status": EscrowStatus.SENT, "tx_hash": tx_hash, "raw_tx": raw_tx, "nonce": nonce})


async def _confirm(view: OperationView, client: EscrowClient) -> EscrowStatus:
    """Sent -> confirmed (or failed): the receipt of the stored hash, broadcasting the stored
    signed bytes only while the chain knows no receipt for them."""
    assert view.tx_hash and view.raw_tx and view.nonce is not None
    receipt = await asyncio.to_thread(client.receipt, view.tx_hash, wait=False)
    if receipt is None:
        try:
            await asyncio.to_thread(client.broadcast, view.raw_tx)
        except REFUSED as exc:  # the node refused it: known already, or its nonce is used
            receipt = await asyncio.to_thread(client.receipt, view.tx_hash, wait=False)
            if receipt is None and await asyncio.to_thread(client.mined_nonce) > view.nonce:
                await _release(view.id, error=f"nonce {view.nonce} was used by another transaction: {exc}", status=EscrowStatus.FAILED, delay=False)
                return EscrowStatus.FAILED
        if receipt is None:
            receipt = await asyncio.to_thread(client.receipt, view.tx_hash, wait=True)
    if receipt is None:
        await _release(view.id, error=f"transaction {view.tx_hash} not mined within {client.confirm_timeout_s}s")
        return EscrowStatus.SENT
    if receipt["status"] != 1:
        await _release(view.id, error=f"transaction {view.tx_hash} reverted in block {receipt['blockNumber']}", status=EscrowStatus.FAILED, delay=False)
        return EscrowStatus.FAILED
    async with job_transaction() as session:
        op = await session.get(EscrowOperation, view.id, with_for_update=True)
        assert op is not None
        if op.status is not EscrowStatus.SENT:
            return op.status
        op.status, op.block_number, op.confirmed_at, op.claimed_until, op.last_error = (
            EscrowStatus.CONFIRMED, int(receipt["blockNumber"]), utcnow(), None, None)
        await _write_ledger(session, op)
        await service.issue_checkpoint(session, op.alliance_id)
        # The allocation's next operations waited for this one: due now.
        following = list((await session.execute(
            select(EscrowOperation).where(EscrowOperation.allocation_id == op.allocation_id, EscrowOperation.id > op.id,
                                          EscrowOperation.status.in_(ACTIVE)).order_by(EscrowOperation.id).limit(1)
        )).scalars())
        for nxt in following:
            nxt.next_attempt_at = utcnow()
            after_commit(session, lambda ident=str(nxt.id): _enqueue(ident))
    return EscrowStatus.CONFIRMED


async def _write_ledger(session: AsyncSession, op: EscrowOperation) -> None:
    """The ledger entries of a confirmed operation (source keys per operation: written once)."""
    parties = [op.buyer_org_id, op.factory_org_id]
    common = {
        "mode": "escrow", "order_id": op.details.get("order_id"), "allocation_id": str(op.allocation_id), "payer_org_id": str(op.buyer_org_id),
        "payee_org_id": str(op.factory_org_id), "currency": op.currency, "tx": op.tx_hash, "chain_id": op.chain_id, "contract": op.contract,
        "token_decimals": op.details.get("token_decimals"),
    }
    if op.lot_id is not None:
        common["lot_id"] = str(op.lot_id)
    source = f"escrow:{op.id}"
    if op.kind is EscrowKind.FUND:
        await service.append(session, op.alliance_id, EntryType.PAYMENT_FUNDED, common | {
            "amount_minor": op.amount_minor, "amount_units": op.amount_units, "quantity": op.details.get("quantity"),
            "unit_price_minor": op.details.get("unit_price_minor")}, parties=parties, source_key=source)
    elif op.kind is EscrowKind.RELEASE:
        lot = {key: op.details.get(key) for key in ("quantity", "unit_price_minor", "gross_minor", "days_late", "penalty_minor", "evidence")}
        await service.append(session, op.alliance_id, EntryType.PAYMENT_RELEASED, common | lot | {
            "amount_minor": op.supplier_minor, "amount_units": op.supplier_units}, parties=parties, source_key=source)
        if op.buyer_minor:
            await service.append(session, op.alliance_id, EntryType.PAYMENT_REFUNDED, common | {
                "amount_minor": op.buyer_minor, "amount_units": op.buyer_units, "reason": "late-delivery penalty", "evidence": op.details.get("evidence")},
                parties=parties, source_key=source + ":penalty")
    elif op.kind is EscrowKind.REFUND:
        lot = {key: op.details.get(key) for key in ("quantity", "unit_price_minor", "gross_minor", "evidence", "reason")}
        await service.append(session, op.alliance_id, EntryType.PAYMENT_REFUNDED, common | lot | {
            "amount_minor": op.buyer_minor, "amount_units": op.buyer_units}, parties=parties, source_key=source)
    else:
        await service.append(session, op.alliance_id, EntryType.DISPUTE_OPENED, common | {
            "reason": op.details.get("reason"), "held": True}, parties=parties, source_key=source)


async def advance(operation_id: uuid.UUID, client: EscrowClient) -> EscrowStatus | None:
    """One step of one operation as far as it goes now; the status it was left in, or None
    when this worker did not take it (held by another worker, finished, or waiting)."""
    view = await _claim(operation_id)
    if view is None:
        return None
    try:
        if view.status is EscrowStatus.PENDING:
            signed = await _sign(view, client)
            if signed is None:
                return None
            view = signed
        return await _confirm(view, client)
    except Exception as exc:  # noqa: BLE001 (the chain or the database is away: recorded, retried later)
        log.warning("escrow operation %s: %s: %s", operation_id, type(exc).__name__, exc)
        await _release(operation_id, error=f"{type(exc).__name__}: {exc}")
        return view.status


async def due_operations(session: AsyncSession, *, limit: int = 500) -> list[uuid.UUID]:
    now = utcnow()
    return list((await session.execute(
        select(EscrowOperation.id)
        .where(EscrowOperation.status.in_(ACTIVE), EscrowOperation.next_attempt_at <= now,
               (EscrowOperation.claimed_until.is_(None)) | (EscrowOperation.claimed_until < now))
        # Signed ones by nonce first: a node that refuses a nonce gap gets them in order.
        .order_by(EscrowOperation.nonce.is_(None), EscrowOperation.nonce, EscrowOperation.id).limit(limit)
    )).scalars())


async def run_due(client: EscrowClient) -> dict[uuid.UUID, EscrowStatus | None]:
    """Advance every due operation in creation order (what the periodic retry enqueues)."""
    async with job_transaction(read_only=True) as session:
        ids = await due_operations(session)
    return {operation_id: await advance(operation_id, client) for operation_id in ids}


@job(queue_name="settlement", max_retries=0)
async def send_escrow_operation(operation_id: str) -> None:
    """Send (or confirm) one escrow operation; what fails stays recorded on it and the
    periodic `retry_escrow_operations` sends it again."""
    await advance(uuid.UUID(operation_id), await asyncio.to_thread(default_client))


async def enqueue_due(session: AsyncSession) -> int:
    """Periodic (settlement.consumers.retry_escrow_operations): re-send what is due."""
    if not configured():
        return 0
    ids = await due_operations(session)
    for operation_id in ids:
        _enqueue(str(operation_id))
    return len(ids)


# -- reads ---------------------------------------------------------------------------------


def _operation_json(op: EscrowOperation) -> dict[str, Any]:
    return {
        "id": str(op.id), "kind": op.kind.value, "status": op.status.value, "lot_id": str(op.lot_id) if op.lot_id else None,
        "currency": op.currency, "amount_minor": op.amount_minor, "supplier_minor": op.supplier_minor, "buyer_minor": op.buyer_minor,
        "amount_units": op.amount_units, "supplier_units": op.supplier_units, "buyer_units": op.buyer_units, "tx_hash": op.tx_hash,
        "nonce": op.nonce, "block_number": op.block_number, "attempts": op.attempts, "last_error": op.last_error,
        "created_at": op.created_at.isoformat(), "confirmed_at": op.confirmed_at.isoformat() if op.confirmed_at else None,
    }


def state_of(operations: list[EscrowOperation]) -> str:
    """The allocation's escrow state as the ledger knows it (confirmed operations only):
    none (invoice mode), funding, failed, funded, disputed (payouts held), settled."""
    confirmed = {op.kind for op in operations if op.status is EscrowStatus.CONFIRMED}
    if not operations:
        return "none"
    if EscrowKind.FUND not in confirmed:
        return "failed" if any(op.kind is EscrowKind.FUND and op.status is EscrowStatus.FAILED for op in operations) else "funding"
    return "disputed" if EscrowKind.DISPUTE in confirmed else "funded"


async def allocation_escrow(session: AsyncSession, actor: Actor, allocation_id: uuid.UUID) -> dict[str, Any]:
    """The escrow of an allocation the caller may read: its state, what the confirmed
    operations hold and paid out (minor units), and every operation."""
    actor.require(Permission.LEDGER_READ)
    allocation = await get_visible(session, actor, Allocation, allocation_id)
    operations = list((await session.execute(
        scoped(select(EscrowOperation), actor, EscrowOperation).where(EscrowOperation.allocation_id == allocation.id).order_by(EscrowOperation.id)
    )).scalars())
    confirmed = [op for op in operations if op.status is EscrowStatus.CONFIRMED]
    funded = sum(op.amount_minor for op in confirmed if op.kind is EscrowKind.FUND)
    released = sum(op.supplier_minor for op in confirmed if op.kind is EscrowKind.RELEASE)
    refunded = sum(op.buyer_minor for op in confirmed if op.kind in (EscrowKind.RELEASE, EscrowKind.REFUND))
    state = state_of(operations)
    if state == "funded" and funded and funded == released + refunded:
        state = "settled"  # every unit paid out or refunded
    return {
        "allocation_id": str(allocation.id), "mode": "escrow" if operations else "invoice", "state": state,
        "currency": allocation.currency, "funded_minor": funded, "released_minor": released, "refunded_minor": refunded,
        "held_minor": funded - released - refunded, "operations": [_operation_json(op) for op in operations],
    }
