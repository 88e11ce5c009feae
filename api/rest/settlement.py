"""REST for settlement; app.py mounts every handler in ROUTES.

Ledger reads are per alliance (the caller's own): checkpoints and consistency proofs for
every member, entries and inclusion proofs for the entries the caller is a party to.
Proofs use the transparency-dev / Rekor field names (logIndex, treeSize, rootHash, hashes).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from msgspec import Struct
from sqlalchemy.ext.asyncio import AsyncSession

from api.authz import requires
from capool.tenancy.actor import Actor, Permission
from settlement import escrow_ops, invoice, service


class OrgKeyIn(Struct):
    vkey: str


class ChainAccountIn(Struct):
    address: str


class CosignIn(Struct):
    signed_at: datetime
    signature: str


class LedgerController(Controller):
    path = "/v1/ledger"
    tags = ["ledger"]

    @get("/checkpoint", **requires(Permission.LEDGER_READ), summary="The latest signed checkpoint (C2SP signed note) of the caller's alliance ledger")
    async def checkpoint(self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> dict[str, Any]:
        return await service.latest_checkpoint(db_session, actor)

    @get("/entries", **requires(Permission.LEDGER_READ), summary="Entries from <= seq < to that concern the caller (at most 1000)")
    async def entries(
        self,
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        start: Annotated[int, QueryParameter(name="from", ge=0)] = 0,
        end: Annotated[int | None, QueryParameter(name="to", ge=0, required=False)] = None,
    ) -> dict[str, Any]:
        return {"entries": await service.list_entries(db_session, actor, start, end)}

    @get("/entries/{seq:int}/proof", **requires(Permission.LEDGER_READ), summary="Inclusion proof of an entry (RFC 9162 2.1.3) with its checkpoint")
    async def proof(
        self, seq: FromPath[int], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor], tree_size: Annotated[int | None, QueryParameter(name="tree_size", ge=1, required=False)] = None
    ) -> dict[str, Any]:
        return await service.inclusion_proof(db_session, actor, seq, tree_size)

    @get("/consistency", **requires(Permission.LEDGER_READ), summary="Consistency proof between two tree sizes (RFC 9162 2.1.4)")
    async def consistency(
        self,
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        first: Annotated[int, QueryParameter(name="first", ge=0)],
        second: Annotated[int | None, QueryParameter(name="second", ge=0, required=False)] = None,
    ) -> dict[str, Any]:
        return await service.consistency_proof(db_session, actor, first, second)

    @post("/keys", **requires(Permission.SETTLEMENT_WRITE), status_code=201, summary="Register the caller organisation's Ed25519 verifier key (signed-note vkey)")
    async def register_key(self, data: JSONBody[OrgKeyIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> dict[str, Any]:
        row = await service.register_org_key(db_session, actor, data.vkey)
        return {"id": str(row.id), "vkey": row.vkey, "organisation_id": str(row.organisation_id)}

    @get("/keys", **requires(Permission.LEDGER_READ), summary="The caller organisation's registered verifier keys")
    async def keys(self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> dict[str, Any]:
        rows = await service.list_org_keys(db_session, actor)
        return {"keys": [{"id": str(row.id), "vkey": row.vkey} for row in rows]}

    @post("/entries/{seq:int}/cosignatures", **requires(Permission.SETTLEMENT_WRITE), status_code=201, summary="Counter-sign an entry that concerns the caller")
    async def cosign(self, seq: FromPath[int], data: JSONBody[CosignIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> dict[str, Any]:
        row = await service.cosign(db_session, actor, seq, data.signed_at, data.signature)
        return {"seq": row.seq, "organisation_id": str(row.organisation_id), "signature": row.signature}


class StatementController(Controller):
    path = "/v1/settlement"
    tags = ["settlement"]

    @get("/statements/{month:str}", **requires(Permission.LEDGER_READ), summary="Monthly statement of the caller's organisation (earned, paid, in escrow)")
    async def statement(self, month: FromPath[str], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> dict[str, Any]:
        return await invoice.monthly_statement(db_session, actor, month)


class EscrowController(Controller):
    """Escrow settlement (settlement/escrow_ops.py): the chain addresses organisations are paid
    and refunded at, and the escrow of an allocation."""

    tags = ["settlement"]

    @post("/v1/settlement/accounts", **requires(Permission.MEMBERS_ADMIN), status_code=201,
          summary="Register (or replace) the caller organisation's chain address for escrow payouts and refunds")
    async def register_account(self, data: JSONBody[ChainAccountIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> dict[str, Any]:
        row = await escrow_ops.register_account(db_session, actor, data.address)
        return _account_json(row)

    @get("/v1/settlement/accounts", **requires(Permission.MEMBERS_ADMIN), summary="The caller organisation's registered chain address")
    async def accounts(self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> dict[str, Any]:
        return {"accounts": [_account_json(row) for row in await escrow_ops.list_accounts(db_session, actor)]}

    @get("/v1/allocations/{allocation_id:uuid}/escrow", **requires(Permission.LEDGER_READ),
         summary="The escrow of an allocation: state, what is held, released and refunded, and every chain operation")
    async def allocation_escrow(self, allocation_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> dict[str, Any]:
        return await escrow_ops.allocation_escrow(db_session, actor, allocation_id)


def _account_json(row: Any) -> dict[str, Any]:
    return {"organisation_id": str(row.organisation_id), "address": row.address, "registered_at": row.registered_at.isoformat()}


ROUTES: list[Any] = [LedgerController, StatementController, EscrowController]
