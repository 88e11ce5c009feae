"""A small client for the settlement contracts over web3.

By default it runs an in-process chain (web3[tester]: py-evm inside this process), so
anchoring and escrow work with no node and no configuration. Given a JSON-RPC URL and a
private key it talks to any EVM chain instead. Every transaction is signed here with the
sender's key and sent raw, so both cases take the same code path.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

# py_ecc (under eth_account) and py-evm (under eth_tester's backend) raise the interpreter's
# recursion limit when imported, to 100,000 and 12,288. C extensions such as msgspec guard
# their own recursion with that limit, so with it raised a deeply nested request body
# overflowed the C stack and killed the server. The contracts here make no deep call chains:
# import the chain libraries, py-evm included (else loaded with the first in-process chain),
# in this one place and put the limit back.
# eth-tester and py-evm are the embedded mode's dependencies (the `embedded` extra); a
# deployment that talks to a JSON-RPC node runs without them.
_RECURSION_LIMIT = sys.getrecursionlimit()
try:
    import eth_tester.backends.pyevm.main  # noqa: F401  (py-evm)
    from eth_tester import EthereumTester, PyEVMBackend
    from eth_tester.exceptions import TransactionFailed
    from web3 import EthereumTesterProvider

    EMBEDDED_CHAIN_AVAILABLE = True
except ImportError:  # pragma: no cover - exercised only where the extra is not installed
    EMBEDDED_CHAIN_AVAILABLE = False

    class TransactionFailed(Exception):  # type: ignore[no-redef]
        """Stands in for eth-tester's revert error where eth-tester is not installed."""


from eth_account import Account
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractLogicError

sys.setrecursionlimit(_RECURSION_LIMIT)

from settlement.contracts import ANCHOR_REGISTRY, MILESTONE_ESCROW, compile_contract
from settlement.ledger.anchor import Anchor
from settlement.ledger.checkpoint import Checkpoint, issued_checkpoint_hash
from settlement.ledger.entries import ledger_id_digest
from settlement.ledger.note import SignedNote


class ChainError(Exception):
    """A transaction was rejected (reverted) or could not be sent."""


@dataclass(frozen=True)
class ChainAccount:
    address: str
    private_key: bytes

    @classmethod
    def from_key(cls, private_key: bytes | str) -> ChainAccount:
        account = Account.from_key(private_key)
        return cls(account.address, bytes(account.key))


@dataclass(frozen=True)
class TxResult:
    tx_hash: str
    block_number: int
    gas_used: int
    # What the sender paid for gas, so balance checks can account for it.
    fee_wei: int


@dataclass(frozen=True)
class Deployment:
    address: str
    tx: TxResult


class SettlementChain:
    def __init__(self, web3: Web3, accounts: Sequence[ChainAccount]) -> None:
        if not accounts:
            raise ValueError("a chain client needs at least one account to send from")
        self.web3 = web3
        self.accounts = list(accounts)
        # Chain calls run in threads (off the event loop); one send at a time per client, so
        # that two sends never take the same "pending" nonce.
        self._sending = threading.Lock()

    @classmethod
    def in_process(cls) -> SettlementChain:
        """A fresh in-process chain whose funded test accounts are all available.

        It lives in this process's memory and has eth-tester's chain id, accounts and
        therefore contract addresses, like every other in-process chain: only its genesis
        block tells it apart, so the genesis carries random extra data. An anchor recorded
        on an earlier chain (before a restart) is then never mistaken for one on this one."""
        if not EMBEDDED_CHAIN_AVAILABLE:
            raise ChainError("the embedded chain needs eth-tester and py-evm: pip install 'capool[embedded]', or set CAPOOL_CHAIN__RPC_URL")
        genesis = PyEVMBackend.generate_genesis_params(overrides={"extra_data": os.urandom(32)})
        provider = EthereumTesterProvider(EthereumTester(PyEVMBackend(genesis_parameters=genesis)))
        keys = provider.ethereum_tester.backend.account_keys
        return cls(Web3(provider), [ChainAccount.from_key(key.to_bytes()) for key in keys])

    @classmethod
    def connect(cls, rpc_url: str, private_key: bytes | str, *, timeout_s: float = 30) -> SettlementChain:
        web3 = Web3(Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": timeout_s}))
        return cls(web3, [ChainAccount.from_key(private_key)])

    @property
    def default_account(self) -> ChainAccount:
        return self.accounts[0]

    @cached_property
    def chain_id(self) -> int:
        return self.web3.eth.chain_id

    @cached_property
    def genesis_hash(self) -> bytes:
        """The hash of block 0: with the chain id, which chain this is. A chain restarted from
        nothing (the in-process one, a wiped dev node) keeps its id and gets a new genesis."""
        return bytes(self.web3.eth.get_block("earliest")["hash"])  # block 0

    def balance(self, address: str) -> int:
        return self.web3.eth.get_balance(Web3.to_checksum_address(address))

    def deploy(self, contract_name: str, *args: Any, sender: ChainAccount | None = None) -> Deployment:
        compiled = compile_contract(contract_name)
        factory = self.web3.eth.contract(abi=compiled.abi, bytecode=compiled.bytecode)
        tx, receipt = self._send(factory.constructor(*args), sender or self.default_account)
        return Deployment(receipt["contractAddress"], tx)

    def contract(self, contract_name: str, address: str) -> Contract:
        return self.web3.eth.contract(address=Web3.to_checksum_address(address), abi=compile_contract(contract_name).abi)

    def transact(self, call: ContractFunction, sender: ChainAccount, value: int = 0) -> TxResult:
        return self._send(call, sender, value)[0]

    def _send(self, call: Any, sender: ChainAccount, value: int = 0) -> tuple[TxResult, Any]:
        with self._sending:
            return self._send_one(call, sender, value)

    def _send_one(self, call: Any, sender: ChainAccount, value: int) -> tuple[TxResult, Any]:
        try:
            transaction = call.build_transaction(
                {
                    "from": sender.address,
                    "value": value,
                    "nonce": self.web3.eth.get_transaction_count(sender.address, "pending"),
                }
            )
            signed = Account.sign_transaction(transaction, sender.private_key)
            tx_hash = self.web3.eth.send_raw_transaction(signed.raw_transaction)
        except (ContractLogicError, TransactionFailed) as exc:
            # Gas estimation runs the call first, so a revert surfaces here with its reason.
            raise ChainError(str(exc)) from exc
        receipt = self.web3.eth.wait_for_transaction_receipt(tx_hash)
        if receipt["status"] != 1:
            raise ChainError(f"transaction {tx_hash.hex()} reverted")
        fee_wei = receipt["gasUsed"] * receipt["effectiveGasPrice"]
        return TxResult("0x" + bytes(tx_hash).hex(), receipt["blockNumber"], receipt["gasUsed"], fee_wei), receipt


class AnchorRegistry:
    """The on-chain history of a ledger's checkpoints; only the registry owner anchors."""

    def __init__(self, chain: SettlementChain, address: str) -> None:
        self.chain = chain
        self.address = Web3.to_checksum_address(address)
        self.contract = chain.contract(ANCHOR_REGISTRY, address)

    @classmethod
    def deploy(cls, chain: SettlementChain, *, owner: ChainAccount | None = None) -> tuple[AnchorRegistry, TxResult]:
        deployment = chain.deploy(ANCHOR_REGISTRY, sender=owner)
        return cls(chain, deployment.address), deployment.tx

    def anchor_checkpoint(self, ledger_id: str, issued: SignedNote, *, sender: ChainAccount | None = None) -> TxResult:
        """Anchor a checkpoint as the log issued it: its first signature is the log's."""
        checkpoint = Checkpoint.from_text(issued.text)
        call = self.contract.functions.anchor(
            ledger_id_digest(ledger_id),
            checkpoint.tree_size,
            checkpoint.root_hash,
            issued_checkpoint_hash(issued.text, issued.signatures[0]),
        )
        return self.chain.transact(call, sender or self.chain.default_account)

    def is_deployed(self) -> bool:
        """Whether any contract code is at the address: a call to an address without code
        only fails as an undecodable answer, which names no cause."""
        return bool(self.chain.web3.eth.get_code(self.address))

    def anchor_count(self, ledger_id: str) -> int:
        return self.contract.functions.anchor_count(ledger_id_digest(ledger_id)).call()

    def anchor_at(self, ledger_id: str, position: int) -> Anchor:
        digest = ledger_id_digest(ledger_id)
        tree_size, root_hash, checkpoint_hash, block_number = self.contract.functions.anchors(digest, position).call()
        return Anchor(
            chain_id=self.chain.chain_id,
            genesis_hash=self.chain.genesis_hash,
            contract=self.address,
            position=position,
            ledger_id_digest=digest,
            tree_size=tree_size,
            root_hash=bytes(root_hash),
            checkpoint_hash=bytes(checkpoint_hash),
            block_number=block_number,
        )

    def latest(self, ledger_id: str) -> Anchor | None:
        count = self.anchor_count(ledger_id)
        return self.anchor_at(ledger_id, count - 1) if count else None

    def history(self, ledger_id: str) -> list[Anchor]:
        return [self.anchor_at(ledger_id, position) for position in range(self.anchor_count(ledger_id))]

    def owner(self) -> str:
        return self.contract.functions.owner().call()

    def transfer_ownership(self, new_owner: str, *, sender: ChainAccount | None = None) -> TxResult:
        call = self.contract.functions.transfer_ownership(Web3.to_checksum_address(new_owner))
        return self.chain.transact(call, sender or self.chain.default_account)


@dataclass(frozen=True)
class MilestoneState:
    amount: int
    status: str


# The escrow's `Status` flag values, in declaration order (Vyper flags are bit flags).
MILESTONE_STATUSES = {1: "funded", 2: "released", 4: "refunded", 8: "disputed", 16: "settled"}


class MilestoneEscrow:
    """Milestone payments in native ETH value; see milestone_escrow.vy for the rules."""

    def __init__(self, chain: SettlementChain, address: str) -> None:
        self.chain = chain
        self.address = Web3.to_checksum_address(address)
        self.contract = chain.contract(MILESTONE_ESCROW, address)

    @classmethod
    def deploy(
        cls, chain: SettlementChain, arbiter: str, *, owner: ChainAccount | None = None
    ) -> tuple[MilestoneEscrow, TxResult]:
        deployment = chain.deploy(MILESTONE_ESCROW, Web3.to_checksum_address(arbiter), sender=owner)
        return cls(chain, deployment.address), deployment.tx

    def fund_order(
        self, order_id: bytes, supplier: str, milestone_amounts: Sequence[int], *, buyer: ChainAccount
    ) -> TxResult:
        call = self.contract.functions.fund_order(
            order_id, Web3.to_checksum_address(supplier), list(milestone_amounts)
        )
        return self.chain.transact(call, buyer, value=sum(milestone_amounts))

    def release(self, order_id: bytes, milestone: int, evidence_hash: bytes, *, sender: ChainAccount) -> TxResult:
        return self.chain.transact(self.contract.functions.release(order_id, milestone, evidence_hash), sender)

    def refund(self, order_id: bytes, milestone: int, evidence_hash: bytes, *, arbiter: ChainAccount) -> TxResult:
        return self.chain.transact(self.contract.functions.refund(order_id, milestone, evidence_hash), arbiter)

    def open_dispute(self, order_id: bytes, milestone: int, reason_hash: bytes, *, sender: ChainAccount) -> TxResult:
        return self.chain.transact(self.contract.functions.open_dispute(order_id, milestone, reason_hash), sender)

    def resolve_dispute(
        self, order_id: bytes, milestone: int, supplier_amount: int, resolution_hash: bytes, *, arbiter: ChainAccount
    ) -> TxResult:
        call = self.contract.functions.resolve_dispute(order_id, milestone, supplier_amount, resolution_hash)
        return self.chain.transact(call, arbiter)

    def withdraw(self, *, account: ChainAccount) -> TxResult:
        return self.chain.transact(self.contract.functions.withdraw(), account)

    def set_arbiter(self, new_arbiter: str, *, owner: ChainAccount) -> TxResult:
        return self.chain.transact(self.contract.functions.set_arbiter(Web3.to_checksum_address(new_arbiter)), owner)

    def milestone(self, order_id: bytes, milestone: int) -> MilestoneState:
        amount, status = self.contract.functions.milestones(order_id, milestone).call()
        return MilestoneState(amount, MILESTONE_STATUSES.get(status, "none"))

    def withdrawable(self, address: str) -> int:
        return self.contract.functions.withdrawable(Web3.to_checksum_address(address)).call()
