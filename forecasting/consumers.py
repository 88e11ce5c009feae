"""Outbox consumers and schedules of forecasting (imported by capool.wiring).

Forecasting consumes no events; it refreshes on a schedule: daily forecasts every day,
weekly ones every week, each fanned out as one job per buyer."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from capool.jobs import periodic
from forecasting import jobs


@periodic(timedelta(days=1))
async def refresh_daily(session: AsyncSession) -> None:
    jobs.refresh_forecasts.send("daily")


@periodic(timedelta(days=7))
async def refresh_weekly(session: AsyncSession) -> None:
    jobs.refresh_forecasts.send("weekly")
