"""A ledger built from a realistic order story, shared by the settlement tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from settlement.ledger import (
    EntryCosignature,
    EntryType,
    InMemoryTreeStore,
    Keyring,
    KeyRole,
    Ledger,
    LedgerEntry,
    SignedNote,
    SigningKey,
    cosign_entry,
)

LEDGER_ID = "alliance-7f3a"
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
BUYER_ORG = "org-buyer"
SUPPLIER_ORG = "org-supplier"

# A realistic order life: each entry names the organisations it concerns.
ORDER_STORY: list[tuple[EntryType, dict, tuple[str, ...]]] = [
    (EntryType.ALLOCATION_CONFIRMED, {"orderId": "o-1", "capacityId": "c-9", "quantity": 500}, (BUYER_ORG, SUPPLIER_ORG)),
    (EntryType.PAYMENT_FUNDED, {"orderId": "o-1", "amountWei": 3000, "milestones": 3}, (BUYER_ORG,)),
    (EntryType.PRODUCTION_STARTED, {"orderId": "o-1", "line": "L2"}, (SUPPLIER_ORG,)),
    (EntryType.PRODUCED, {"orderId": "o-1", "quantity": 500}, (SUPPLIER_ORG,)),
    (EntryType.INSPECTION_RESULT, {"orderId": "o-1", "sample": 50, "defects": 1, "aql": 1.5}, (BUYER_ORG, SUPPLIER_ORG)),
    (EntryType.LOT_DECISION, {"orderId": "o-1", "decision": "accept"}, (BUYER_ORG, SUPPLIER_ORG)),
    (EntryType.SHIPPED, {"orderId": "o-1", "carrier": "SF", "trackingNo": "SF123"}, (SUPPLIER_ORG,)),
    (EntryType.DELIVERED, {"orderId": "o-1", "receivedBy": "warehouse-3"}, (BUYER_ORG, SUPPLIER_ORG)),
    (EntryType.PAYMENT_RELEASED, {"orderId": "o-1", "milestone": 0, "amountWei": 1000}, (BUYER_ORG, SUPPLIER_ORG)),
    (EntryType.DISPUTE_OPENED, {"orderId": "o-1", "milestone": 2, "reason": "late"}, (BUYER_ORG, SUPPLIER_ORG)),
    (EntryType.DISPUTE_RESOLVED, {"orderId": "o-1", "milestone": 2, "supplierShare": 0.6}, (BUYER_ORG, SUPPLIER_ORG)),
    (EntryType.PAYMENT_REFUNDED, {"orderId": "o-1", "milestone": 2, "amountWei": 400}, (BUYER_ORG,)),
    (EntryType.CAPACITY_WITHDRAWN, {"capacityId": "c-9", "reason": "maintenance"}, (SUPPLIER_ORG,)),
]


@dataclass
class LedgerScenario:
    """A ledger with its log key, an organisation key, and what has been issued so far."""

    ledger: Ledger
    log_key: SigningKey
    supplier_key: SigningKey
    keyring: Keyring
    entries: list[LedgerEntry] = field(default_factory=list)
    checkpoints: list[SignedNote] = field(default_factory=list)
    cosignatures: list[EntryCosignature] = field(default_factory=list)

    def append_story(self, rounds: int) -> None:
        for _ in range(rounds):
            for entry_type, payload, parties in ORDER_STORY:
                moment = T0 + timedelta(minutes=len(self.entries))
                self.entries.append(self.ledger.append(entry_type, payload, parties=parties, recorded_at=moment))

    def checkpoint(self) -> SignedNote:
        note = self.ledger.checkpoint(self.log_key, time=T0 + timedelta(minutes=len(self.entries), seconds=30))
        self.checkpoints.append(note)
        return note

    def supplier_cosigns(self, seq: int) -> EntryCosignature:
        entry = self.entries[seq]
        cosignature = cosign_entry(entry, self.ledger.origin, self.supplier_key, entry.recorded_at + timedelta(hours=1))
        self.cosignatures.append(cosignature)
        return cosignature


def new_scenario() -> LedgerScenario:
    ledger = Ledger(LEDGER_ID, InMemoryTreeStore())
    log_key = SigningKey.generate(ledger.origin)
    supplier_key = SigningKey.generate("supplier.example/ledger-cosigner")
    keyring = Keyring()
    keyring.register(log_key.verifier, KeyRole.LOG, LEDGER_ID, T0 - timedelta(days=1))
    keyring.register(supplier_key.verifier, KeyRole.ORGANISATION, SUPPLIER_ORG, T0 - timedelta(days=1))
    return LedgerScenario(ledger, log_key, supplier_key, keyring)
