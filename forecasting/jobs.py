"""Scheduled forecast refresh on dramatiq.

`refresh_forecasts.send("daily")` (daily) and `.send("weekly")` (weekly) fan out one
`refresh_buyer_forecasts` job per buyer with order history; `capool forecasts-refresh`
does the same in one process, for cron. Each buyer job reloads everything by id, runs in
its own transaction and is idempotent: it replaces the buyer's latest run of that
granularity and opens / updates / resolves alerts instead of duplicating them.
"""

from __future__ import annotations

import uuid

from capool.jobs import job, job_transaction
from capool.progress import Progress, silent
from forecasting import repository, service
from forecasting.models import Granularity

DEFAULT_HORIZON_DAYS = {Granularity.DAILY: 28, Granularity.WEEKLY: 28}


@job(queue_name="forecasting", max_retries=3)
async def refresh_forecasts(granularity: str = "daily") -> None:
    level = Granularity(granularity)
    async with job_transaction() as session:
        buyers = await repository.buyers_with_orders(session)
    for organisation_id, alliance_id in buyers:
        refresh_buyer_forecasts.send(str(organisation_id), str(alliance_id), level.value)


@job(queue_name="forecasting", max_retries=3)
async def refresh_buyer_forecasts(organisation_id: str, alliance_id: str, granularity: str = "daily", horizon_days: int | None = None) -> None:
    level = Granularity(granularity)
    async with job_transaction() as session:
        await refresh_one(session, uuid.UUID(organisation_id), uuid.UUID(alliance_id), level, horizon_days or DEFAULT_HORIZON_DAYS[level])


async def refresh_one(session, organisation_id: uuid.UUID, alliance_id: uuid.UUID, granularity: Granularity, horizon_days: int):
    """One buyer: new forecast run, warning lines (daily), red traffic lights as alerts."""
    run = await service.refresh_demand(session, organisation_id, alliance_id, granularity, horizon_days)
    if run is not None and granularity == Granularity.DAILY:
        await service.record_red_lights(session, service.buyer_actor(organisation_id, alliance_id))
    return run


async def refresh_all(session, granularity: Granularity, horizon_days: int, progress: Progress = silent) -> int:
    """Every buyer with order history in one transaction (`capool forecasts-refresh`);
    `progress` hears each buyer. Returns how many got a new run."""
    buyers = await repository.buyers_with_orders(session)
    refreshed = 0
    progress("buyer forecasts", 0, len(buyers))
    for done, (organisation_id, alliance_id) in enumerate(buyers, start=1):
        if await refresh_one(session, organisation_id, alliance_id, granularity, horizon_days) is not None:
            refreshed += 1
        progress("buyer forecasts", done, len(buyers))
    return refreshed
