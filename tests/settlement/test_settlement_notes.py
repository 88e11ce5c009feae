"""Signed notes, keys, checkpoints, key rotation and co-signatures."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest

from settlement.ledger import (
    Checkpoint,
    Keyring,
    KeyRole,
    NoteError,
    ProofError,
    SignedNote,
    SigningKey,
    VerifierKey,
    cosign_entry,
    cosign_note,
    sign_checkpoint,
    verify_checkpoint,
    verify_entry_cosignature,
    verify_inclusion_proof,
)
from settlement.ledger.keys import key_id_for
from tests.settlement.ledger_scenario import LEDGER_ID, SUPPLIER_ORG, T0, LedgerScenario

# The example key and note of Go's golang.org/x/mod/sumdb/note documentation: matching
# them byte for byte shows the key ids, key encodings and signatures interoperate.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_NOTE = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_keys_and_signatures_match_the_go_note_package() -> None:
    key = SigningKey.from_skey(GO_SKEY)
    assert key.verifier.vkey == GO_VKEY
    assert key.skey == GO_SKEY
    assert VerifierKey.parse(GO_VKEY) == key.verifier
    note = SignedNote.parse(GO_NOTE)
    assert SignedNote(note.text, (key.sign(note.text),)).format() == GO_NOTE
    assert note.format() == GO_NOTE
    assert key.verifier.signed(note.text, note.signatures[0])


def test_key_id_is_the_c2sp_hash() -> None:
    public_key = VerifierKey.parse(GO_VKEY).public_key
    assert key_id_for("PeterNeumann", public_key).hex() == "c74f20a3"
    assert key_id_for("PeterNeumann2", public_key).hex() != "c74f20a3"


@pytest.mark.parametrize(
    "bad",
    [
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong key id
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # space in name
        "PeterNeumann+c74f20a3+AhRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",  # not type 0x01
        "PeterNeumann+c74f20a3",
    ],
)
def test_malformed_verifier_keys_are_rejected(bad: str) -> None:
    with pytest.raises(NoteError):
        VerifierKey.parse(bad)


def test_checkpoint_text_round_trip() -> None:
    checkpoint = Checkpoint("capool/ledger/a-1", 20852163, bytes(range(32)), T0, ("note line",))
    text = checkpoint.text()
    assert text == (
        "capool/ledger/a-1\n20852163\n"
        f"{base64.b64encode(bytes(range(32))).decode()}\n"
        "time 2026-11-23T10:00:00.000000Z\nnote line\n"
    )
    assert Checkpoint.from_text(text) == checkpoint
    key = SigningKey.generate("capool/ledger/a-1")
    signed = sign_checkpoint(checkpoint, key)
    assert SignedNote.parse(signed.format()) == signed


@pytest.mark.parametrize(
    "text",
    [
        "o\n012\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\ntime 2026-11-23T10:00:00.000000Z\n",  # leading zero
        "o\n12\nAAAA\ntime 2026-11-23T10:00:00.000000Z\n",  # short root
        "o\n12\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",  # no time
        "o\n12\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\ntime 2026-11-23T10:00:00Z\n",  # time spelling
        "o\n12\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\ntime 2026-11-23T10:00:00.000000Z",  # no newline
    ],
)
def test_malformed_checkpoints_are_rejected(text: str) -> None:
    with pytest.raises(NoteError):
        Checkpoint.from_text(text)


def test_checkpoint_verifies_and_tampering_is_rejected(scenario: LedgerScenario) -> None:
    ledger, keyring = scenario.ledger, scenario.keyring
    note = scenario.checkpoints[-1]
    verified = verify_checkpoint(note.format(), keyring, origin=ledger.origin, ledger_id=LEDGER_ID)
    assert verified.checkpoint.tree_size == 26
    assert verified.checkpoint.root_hash == ledger.tree.root()

    forged_text = note.text.replace("\n26\n", "\n25\n")
    with pytest.raises(NoteError, match="does not verify"):
        verify_checkpoint(SignedNote(forged_text, note.signatures), keyring, origin=ledger.origin, ledger_id=LEDGER_ID)
    with pytest.raises(NoteError, match="origin"):
        verify_checkpoint(note, keyring, origin="capool/ledger/other", ledger_id=LEDGER_ID)


def test_checkpoint_by_an_unknown_key_is_rejected(scenario: LedgerScenario) -> None:
    impostor = SigningKey.generate(scenario.ledger.origin)
    note = scenario.ledger.checkpoint(impostor, time=T0 + timedelta(days=1))
    with pytest.raises(NoteError, match="no signature by a known log key"):
        verify_checkpoint(note, scenario.keyring, origin=scenario.ledger.origin, ledger_id=LEDGER_ID)


def test_an_organisation_key_cannot_stand_in_for_the_log(scenario: LedgerScenario) -> None:
    note = scenario.ledger.checkpoint(scenario.supplier_key, time=T0 + timedelta(days=1))
    with pytest.raises(NoteError, match="no signature by a known log key"):
        verify_checkpoint(note, scenario.keyring, origin=scenario.ledger.origin, ledger_id=LEDGER_ID)


def test_key_rotation_keeps_old_checkpoints_valid(scenario: LedgerScenario) -> None:
    ledger, keyring, old_key = scenario.ledger, scenario.keyring, scenario.log_key
    before = ledger.checkpoint(old_key, time=T0 + timedelta(days=1))
    new_key = SigningKey.generate(ledger.origin)
    keyring.rotate(old_key.verifier, new_key.verifier, T0 + timedelta(days=2))
    after = ledger.checkpoint(new_key, time=T0 + timedelta(days=3))

    for note in (before, after):
        verify_checkpoint(note, keyring, origin=ledger.origin, ledger_id=LEDGER_ID)
    # A retired key signing after its retirement is a compromised key, not a rotation.
    late = ledger.checkpoint(old_key, time=T0 + timedelta(days=3))
    with pytest.raises(NoteError, match="not valid"):
        verify_checkpoint(late, keyring, origin=ledger.origin, ledger_id=LEDGER_ID)
    early = ledger.checkpoint(new_key, time=T0 + timedelta(days=1))
    with pytest.raises(NoteError, match="not valid"):
        verify_checkpoint(early, keyring, origin=ledger.origin, ledger_id=LEDGER_ID)
    with pytest.raises(NoteError):
        keyring.rotate(old_key.verifier, SigningKey.generate(ledger.origin).verifier, T0 + timedelta(days=4))


def test_organisations_cosign_checkpoints(scenario: LedgerScenario) -> None:
    ledger, keyring = scenario.ledger, scenario.keyring
    witness = SigningKey.generate("witness.example/w1")
    cosigned = cosign_note(cosign_note(scenario.checkpoints[-1], scenario.supplier_key), witness)
    verified = verify_checkpoint(cosigned.format(), keyring, origin=ledger.origin, ledger_id=LEDGER_ID)
    # The unregistered witness is ignored, as the signed-note spec requires.
    assert [record.owner for record in verified.cosigners] == [SUPPLIER_ORG]
    over_other_text = scenario.supplier_key.sign("other text\n")
    tampered = SignedNote(cosigned.text, (cosigned.signatures[0], over_other_text))
    with pytest.raises(NoteError, match="does not verify"):
        verify_checkpoint(tampered, keyring, origin=ledger.origin, ledger_id=LEDGER_ID)


def test_entry_cosignature_by_a_concerned_organisation(scenario: LedgerScenario) -> None:
    ledger, keyring = scenario.ledger, scenario.keyring
    shipped = scenario.entries[6]
    cosignature = scenario.cosignatures[0]
    assert verify_entry_cosignature(cosignature, shipped, ledger.origin, keyring).owner == SUPPLIER_ORG

    funded = scenario.entries[1]  # concerns only the buyer
    with pytest.raises(NoteError, match="may not sign"):
        verify_entry_cosignature(
            cosign_entry(funded, ledger.origin, scenario.supplier_key, T0 + timedelta(hours=2)), funded, ledger.origin, keyring
        )
    produced = scenario.entries[3]
    moved = type(cosignature)(produced.seq, cosignature.signed_at, cosignature.signature)
    with pytest.raises(NoteError, match="does not verify"):
        verify_entry_cosignature(moved, produced, ledger.origin, keyring)
    with pytest.raises(NoteError, match="does not verify"):
        verify_entry_cosignature(cosignature, shipped, "capool/ledger/other", keyring)
    stranger = SigningKey.generate("stranger.example/k")
    with pytest.raises(NoteError, match="unregistered"):
        verify_entry_cosignature(
            cosign_entry(shipped, ledger.origin, stranger, T0 + timedelta(hours=2)), shipped, ledger.origin, keyring
        )


def test_entry_cosignature_follows_organisation_key_rotation(scenario: LedgerScenario) -> None:
    ledger, keyring = scenario.ledger, scenario.keyring
    shipped = scenario.entries[6]
    rotated = SigningKey.generate(scenario.supplier_key.name)
    keyring.rotate(scenario.supplier_key.verifier, rotated.verifier, T0 + timedelta(days=10))
    old = scenario.cosignatures[0]
    new = cosign_entry(shipped, ledger.origin, rotated, T0 + timedelta(days=11))
    assert verify_entry_cosignature(old, shipped, ledger.origin, keyring).key == scenario.supplier_key.verifier
    assert verify_entry_cosignature(new, shipped, ledger.origin, keyring).key == rotated.verifier
    stale = cosign_entry(shipped, ledger.origin, scenario.supplier_key, T0 + timedelta(days=11))
    with pytest.raises(NoteError, match="not valid"):
        verify_entry_cosignature(stale, shipped, ledger.origin, keyring)


def test_inclusion_receipt_with_checkpoint(scenario: LedgerScenario) -> None:
    ledger, keyring = scenario.ledger, scenario.keyring
    receipt = ledger.inclusion_proof(6, checkpoint=scenario.checkpoints[0])
    assert receipt.tree_size == 13
    assert set(receipt.to_json()) == {"logIndex", "treeSize", "rootHash", "hashes", "checkpoint"}
    verified = verify_inclusion_proof(
        type(receipt).from_json(receipt.to_json()), scenario.entries[6].leaf_hash, keyring, origin=ledger.origin, ledger_id=LEDGER_ID
    )
    assert verified.checkpoint.tree_size == 13
    with pytest.raises(ProofError):
        verify_inclusion_proof(receipt, scenario.entries[5].leaf_hash, keyring, origin=ledger.origin, ledger_id=LEDGER_ID)


def test_keyring_rejects_duplicates() -> None:
    key = SigningKey.generate("capool/ledger/x")
    keyring = Keyring()
    keyring.register(key.verifier, KeyRole.LOG, "x", T0)
    with pytest.raises(NoteError):
        keyring.register(key.verifier, KeyRole.LOG, "x", T0)
