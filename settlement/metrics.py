"""The ledger's own figure on `/metrics`: how many entries all ledgers hold, read from the
ledger heads whenever metrics are scraped."""

from __future__ import annotations

from prometheus_client import Gauge
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from capool.observability import REGISTRY, database_gauge
from settlement.models import LedgerHead

LEDGER_ENTRIES = Gauge("capool_ledger_entries", "Entries on all ledgers", registry=REGISTRY)


@database_gauge
async def ledger_entries(session: AsyncSession) -> None:
    LEDGER_ENTRIES.set((await session.execute(select(func.coalesce(func.sum(LedgerHead.size), 0)))).scalar_one())
