"""Cross-tenant cases for the settlement routes and GraphQL fields (see tests/tenancy.py).

The victim is the brand: the seed appends a ledger entry and an invoice-mode payout that
concern only the brand (each payload carries a marker the leak check looks for), signs a
checkpoint and registers the brand's verifier key. Checkpoints and consistency proofs are
alliance-wide hashes by design (settlement/service.py); entries, proofs, co-signatures,
keys and statements are per party."""

from __future__ import annotations

import uuid

from capool.clock import utcnow
from capool.db import create_session_factory
from capool.tenancy.models import OrgKind, Role
from settlement import escrow_ops, service
from settlement.chain import ChainAccount
from settlement.ledger.entries import EntryType
from settlement.ledger.keys import SigningKey
from tests.conftest import _member
from tests.tenancy import Case, Ctx, GraphQLCase, Request

READERS = ("other_buyer", "floating", "outsider")
WRITERS = ("other_buyer", "outsider")  # members holding settlement:write


async def seed(ctx: Ctx) -> None:
    victim = str(ctx.world.brand.org_id)
    marker = f"victim-ledger-{uuid.uuid4()}"
    async with create_session_factory(ctx.engine)() as session:
        entry = await service.append(session, ctx.world.alliance_id, EntryType.SHIPPED, {"marker": marker}, parties=[victim],
                                     source_key=f"tenancy:{marker}")
        await service.append(session, ctx.world.alliance_id, EntryType.PAYMENT_RELEASED,
                             {"mode": "invoice", "payer_org_id": victim, "payee_org_id": victim, "currency": "CNY", "amount_minor": 1, "marker": marker},
                             parties=[victim], source_key=f"tenancy:{marker}:pay")
        await service.issue_checkpoint(session, ctx.world.alliance_id)
        await session.commit()
    key = SigningKey.generate("victim-brand")
    registered = await ctx.client.post("/v1/ledger/keys", json={"vkey": key.verifier.vkey}, headers=ctx.world.brand.headers)
    assert registered.status_code == 201, registered.text
    victim_address = ChainAccount.from_key("0x" + uuid.uuid4().hex * 2).address
    async with create_session_factory(ctx.engine)() as session:
        admin = await _member(session, ctx.world.alliance_id, "Brand admin", OrgKind.BOTH, Role.ORG_ADMIN, ctx.world.brand.org_id)
        await escrow_ops.register_account(session, admin.actor, victim_address)
        await session.commit()
    ctx.ids.update({"ledger_marker": marker, "ledger_org_key": key.verifier.vkey, "chain_account": victim_address})
    ctx.ledger_seq = entry.seq  # type: ignore[attr-defined]


def _seq(c: Ctx) -> int:
    return c.ledger_seq  # type: ignore[attr-defined]


def _month() -> str:
    return utcnow().strftime("%Y-%m")


CASES: dict[tuple[str, str], Case] = {
    ("GET", "/v1/ledger/checkpoint"): Case("absent", READERS, lambda c: Request("/v1/ledger/checkpoint")),
    ("GET", "/v1/ledger/entries"): Case("absent", READERS, lambda c: Request("/v1/ledger/entries", params={"from": 0})),
    ("GET", "/v1/ledger/entries/{seq:int}/proof"): Case("404", READERS, lambda c: Request(f"/v1/ledger/entries/{_seq(c)}/proof")),
    ("GET", "/v1/ledger/consistency"): Case("absent", READERS, lambda c: Request("/v1/ledger/consistency", params={"first": 0})),
    ("GET", "/v1/ledger/keys"): Case("absent", READERS, lambda c: Request("/v1/ledger/keys")),
    ("POST", "/v1/ledger/keys"): Case("own", ("outsider",), lambda c: Request("/v1/ledger/keys", {"vkey": SigningKey.generate("attacker").verifier.vkey})),
    ("POST", "/v1/ledger/entries/{seq:int}/cosignatures"): Case("404", WRITERS, lambda c: Request(
        f"/v1/ledger/entries/{_seq(c)}/cosignatures", {"signed_at": utcnow().isoformat(), "signature": SigningKey.generate("attacker").sign("x").line()})),
    ("POST", "/v1/settlement/accounts"): Case("own", ("outsider",), lambda c: Request(
        "/v1/settlement/accounts", {"address": ChainAccount.from_key("0x" + uuid.uuid4().hex * 2).address})),
    ("GET", "/v1/settlement/accounts"): Case("absent", ("outsider", "admin"), lambda c: Request("/v1/settlement/accounts")),
    ("GET", "/v1/allocations/{allocation_id:uuid}/escrow"): Case("404", READERS, lambda c: Request(
        f"/v1/allocations/{c.ids['allocation']}/escrow")),
    ("GET", "/v1/settlement/statements/{month:str}"): Case("absent", READERS, lambda c: Request(f"/v1/settlement/statements/{_month()}")),
}

GRAPHQL_CASES: dict[str, GraphQLCase] = {
    "Query.ledgerCheckpoint": GraphQLCase("absent", READERS, lambda c: ("{ ledgerCheckpoint { treeSize rootHash checkpoint } }", {})),
    "Query.ledgerEntries": GraphQLCase("absent", READERS, lambda c: ("{ ledgerEntries(start: 0) { seq payload } }", {})),
    "Query.ledgerInclusionProof": GraphQLCase("404", READERS, lambda c: (
        "query($seq: Int!) { ledgerInclusionProof(seq: $seq) { logIndex hashes } }", {"seq": _seq(c)})),
    "Query.ledgerConsistencyProof": GraphQLCase("absent", READERS, lambda c: ("{ ledgerConsistencyProof(first: 0) { hashes } }", {})),
    "Query.settlementStatement": GraphQLCase("absent", READERS, lambda c: (
        "query($m: String!) { settlementStatement(month: $m) }", {"m": _month()})),
    "Mutation.ledgerRegisterKey": GraphQLCase("own", ("outsider",), lambda c: (
        "mutation($k: String!) { ledgerRegisterKey(vkey: $k) { vkey errors { code } } }", {"k": SigningKey.generate("attacker").verifier.vkey})),
}
