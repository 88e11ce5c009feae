"""GraphQL for settlement: Query / Mutation types merged into the schema by api.graphql.schema.

Field names are prefixed `ledger` / `settlement`; proofs keep the Rekor field names
(logIndex, treeSize, rootHash, hashes) as the REST routes do.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.graphql.permissions import requires
from api.graphql.support import UserError, call, mutate
from capool.tenancy.actor import Permission
from settlement import invoice, service


@strawberry.type
class LedgerCheckpoint:
    origin: str
    tree_size: int = strawberry.field(name="treeSize")
    root_hash: str = strawberry.field(name="rootHash")
    checkpoint: str | None
    log_keys: list[str] = strawberry.field(name="logKeys")


@strawberry.type
class LedgerEntry:
    seq: int
    type: str
    recorded_at: str = strawberry.field(name="recordedAt")
    parties: list[str]
    payload: str
    prev_hash: str = strawberry.field(name="prevHash")
    leaf_hash: str = strawberry.field(name="leafHash")


@strawberry.type
class LedgerInclusionProof:
    log_index: int = strawberry.field(name="logIndex")
    tree_size: int = strawberry.field(name="treeSize")
    root_hash: str = strawberry.field(name="rootHash")
    hashes: list[str]
    leaf_hash: str = strawberry.field(name="leafHash")
    checkpoint: str | None


@strawberry.type
class LedgerConsistencyProof:
    old_size: int = strawberry.field(name="oldSize")
    new_size: int = strawberry.field(name="newSize")
    hashes: list[str]
    old_root_hash: str = strawberry.field(name="oldRootHash")
    new_root_hash: str = strawberry.field(name="newRootHash")


def _entry(document: dict[str, Any]) -> LedgerEntry:
    return LedgerEntry(
        seq=document["seq"], type=document["type"], recorded_at=document["recordedAt"], parties=document["parties"],
        payload=document["payload"], prev_hash=document["prevHash"], leaf_hash=document["leafHash"],
    )


@strawberry.type
class SettlementQuery:
    @strawberry.field(extensions=requires(Permission.LEDGER_READ), description="Latest signed checkpoint of the caller's alliance ledger")
    async def ledger_checkpoint(self, info: Info) -> LedgerCheckpoint:
        document = await call(info, service.latest_checkpoint)
        return LedgerCheckpoint(
            origin=document["origin"], tree_size=document["treeSize"], root_hash=document["rootHash"],
            checkpoint=document["checkpoint"], log_keys=document["logKeys"],
        )

    @strawberry.field(extensions=requires(Permission.LEDGER_READ), description="Entries from <= seq < to that concern the caller")
    async def ledger_entries(self, info: Info, start: int = 0, end: int | None = None) -> list[LedgerEntry]:
        return [_entry(d) for d in await call(info, lambda s, a: service.list_entries(s, a, start, end))]

    @strawberry.field(extensions=requires(Permission.LEDGER_READ), description="RFC 9162 inclusion proof of an entry")
    async def ledger_inclusion_proof(self, info: Info, seq: int, tree_size: int | None = None) -> LedgerInclusionProof:
        d = await call(info, lambda s, a: service.inclusion_proof(s, a, seq, tree_size))
        return LedgerInclusionProof(
            log_index=d["logIndex"], tree_size=d["treeSize"], root_hash=d["rootHash"], hashes=d["hashes"],
            leaf_hash=d["leafHash"], checkpoint=d.get("checkpoint"),
        )

    @strawberry.field(extensions=requires(Permission.LEDGER_READ), description="RFC 9162 consistency proof between two tree sizes")
    async def ledger_consistency_proof(self, info: Info, first: int, second: int | None = None) -> LedgerConsistencyProof:
        d = await call(info, lambda s, a: service.consistency_proof(s, a, first, second))
        return LedgerConsistencyProof(
            old_size=d["oldSize"], new_size=d["newSize"], hashes=d["hashes"], old_root_hash=d["oldRootHash"], new_root_hash=d["newRootHash"],
        )

    @strawberry.field(extensions=requires(Permission.LEDGER_READ), description="Monthly statement (YYYY-MM) of the caller's organisation")
    async def settlement_statement(self, info: Info, month: str) -> JSON:
        return await call(info, lambda s, a: invoice.monthly_statement(s, a, month))


@strawberry.type
class LedgerKeyPayload:
    vkey: str | None
    errors: list[UserError]


@strawberry.type
class SettlementMutation:
    @strawberry.mutation(extensions=requires(Permission.SETTLEMENT_WRITE), description="Register the caller organisation's Ed25519 verifier key")
    async def ledger_register_key(self, info: Info, vkey: str) -> LedgerKeyPayload:
        row, errors = await mutate(info, lambda s, a: service.register_org_key(s, a, vkey))
        return LedgerKeyPayload(vkey=row.vkey if row else None, errors=errors)


QUERIES: tuple[type, ...] = (SettlementQuery,)
MUTATIONS: tuple[type, ...] = (SettlementMutation,)
