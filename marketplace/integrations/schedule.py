"""Periodic work of the integrations, for the platform's sweep loops (the API's outbox sweep
and `capool worker`) or cron: re-send due webhook deliveries whose message was lost and
enqueue capacity pulls whose interval has passed."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.integrations import connectors, webhooks


async def sweep(session: AsyncSession) -> dict[str, int]:
    resent = await webhooks.sweep_webhooks(session)
    due = await connectors.due_pulls(session)
    for connector_id in due:
        connectors.run_capacity_pull.send(str(connector_id))
    return {"webhook_deliveries_resent": resent, "capacity_pulls_enqueued": len(due)}
