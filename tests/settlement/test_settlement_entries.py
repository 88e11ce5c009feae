"""Entries: the exact leaf bytes, canonical payloads and the hash chain."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from hashlib import sha256

import pytest

from settlement.ledger import (
    GENESIS_PREV_HASH,
    EntryError,
    EntryType,
    InMemoryTreeStore,
    Ledger,
    LedgerEntry,
    check_entry,
    ledger_id_digest,
    new_entry,
)
from tests.settlement.ledger_scenario import LEDGER_ID, T0, LedgerScenario


def test_leaf_is_the_documented_canonical_json() -> None:
    entry = new_entry(
        LEDGER_ID,
        0,
        EntryType.SHIPPED,
        {"trackingNo": "SF123", "orderId": "o-1", "weightKg": 12.50, "note": "箱子"},
        prev_hash=GENESIS_PREV_HASH,
        recorded_at=T0,
        parties=["org-b", "org-a", "org-b"],
    )
    expected_leaf = (
        '{"ledgerId":"alliance-7f3a","parties":["org-a","org-b"],'
        '"payload":{"note":"箱子","orderId":"o-1","trackingNo":"SF123","weightKg":12.5},'
        f'"prevHash":"{"0" * 64}","recordedAt":"2026-11-23T10:00:00.000000Z",'
        '"seq":0,"type":"milestone.shipped","v":1}'
    ).encode()
    assert entry.leaf() == expected_leaf
    assert entry.leaf_hash == sha256(b"\x00" + expected_leaf).digest()
    assert entry.payload_json == '{"note":"箱子","orderId":"o-1","trackingNo":"SF123","weightKg":12.5}'
    assert entry.parties == ("org-a", "org-b")
    # Fixed once, so any change to the leaf format shows up as a failing known answer.
    assert entry.leaf_hash.hex() == "b3aabba35be92103f5337b79b39ad5d2ea1ec0020e94a6f4eaf3200f93510ef2"


def test_entries_chain_to_their_predecessor(scenario: LedgerScenario) -> None:
    entries = scenario.entries
    assert [entry.seq for entry in entries] == list(range(26))
    assert entries[0].prev_hash == GENESIS_PREV_HASH
    for previous, entry in zip(entries, entries[1:], strict=False):
        assert entry.prev_hash == previous.leaf_hash
        check_entry(entry)
    assert [scenario.ledger.tree.leaf_hash(entry.seq) for entry in entries] == [entry.leaf_hash for entry in entries]


def test_a_ledger_resumes_from_its_store() -> None:
    store = InMemoryTreeStore()
    first = Ledger(LEDGER_ID, store).append(EntryType.PRODUCED, {"n": 1}, recorded_at=T0)
    second = Ledger(LEDGER_ID, store).append(EntryType.SHIPPED, {"n": 2}, recorded_at=T0)
    assert (second.seq, second.prev_hash) == (1, first.leaf_hash)


@pytest.mark.parametrize(
    "change",
    [
        {"payload_json": '{"quantity":501}'},
        {"payload_json": '{"quantity": 500}'},  # same data, not canonical
        {"parties": ("org-supplier", "org-buyer")},  # not sorted
        {"entry_type": EntryType.DELIVERED},
        {"seq": 4},
        {"prev_hash": bytes(32)},
        {"recorded_at": T0 + timedelta(microseconds=1)},
    ],
)
def test_any_changed_field_breaks_the_leaf_hash(change: dict) -> None:
    entry = new_entry(LEDGER_ID, 3, EntryType.PRODUCED, {"quantity": 500}, prev_hash=b"\x01" * 32, recorded_at=T0, parties=["org-buyer", "org-supplier"])
    check_entry(entry)
    with pytest.raises(EntryError):
        check_entry(dataclasses.replace(entry, **change))


def test_entry_json_round_trip(scenario: LedgerScenario) -> None:
    for entry in scenario.entries:
        assert LedgerEntry.from_json(entry.to_json()) == entry


@pytest.mark.parametrize(
    "payload",
    [{"big": 2**60}, {"nan": float("nan")}],
)
def test_payloads_outside_rfc8785_are_refused(payload: dict) -> None:
    with pytest.raises(EntryError):
        new_entry(LEDGER_ID, 0, EntryType.PRODUCED, payload, prev_hash=GENESIS_PREV_HASH, recorded_at=T0)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        new_entry(LEDGER_ID, 0, EntryType.PRODUCED, {}, prev_hash=GENESIS_PREV_HASH, recorded_at=datetime(2026, 1, 1))


def test_ledger_id_digest_is_sha256_of_the_id() -> None:
    assert ledger_id_digest(LEDGER_ID) == sha256(LEDGER_ID.encode()).digest()
