"""Outbox consumers of the integrations (imported by capool.wiring)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from capool import events, jobs
from capool.events import OutboxEvent
from marketplace.integrations import connectors, schedule, webhooks


@events.consumer("")
async def webhook_fan_out(session: AsyncSession, event: OutboxEvent) -> None:
    """One stored delivery per matching endpoint of every organisation that may see the event."""
    await webhooks.fan_out(session, event)


@events.consumer("allocation.accepted")
async def push_to_mes(session: AsyncSession, event: OutboxEvent) -> None:
    """Queue a push of the accepted allocation to the factory's MES connector(s)."""
    await connectors.queue_mes_push(session, event)


@jobs.periodic(timedelta(minutes=1))
async def resend_and_pull(session: AsyncSession) -> None:
    """Re-send webhook deliveries whose message was lost; start capacity pulls that are due."""
    await schedule.sweep(session)


@jobs.periodic(timedelta(hours=6))
async def apply_delivery_retention(session: AsyncSession) -> None:
    """Delete ended webhook deliveries (and their attempts) older than the retention period."""
    webhooks.purge_old_deliveries_job.send()
