"""Outbox consumers of matching (registered with capool.events.consumer; imported by capool.wiring),
and the dramatiq job that solves queued batch runs."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from capool.events import OutboxEvent, consumer
from capool.jobs import job, job_transaction
from matching import service


@job(queue_name="matching", max_retries=3)
async def run_matching(run_id: str) -> None:
    """Solve one queued run in its own transaction (idempotent: a solved run is left alone)."""
    async with job_transaction() as session:
        await service.execute_queued(session, uuid.UUID(run_id))


@consumer("matching.run.requested")
async def enqueue_requested_run(session: AsyncSession, event: OutboxEvent) -> None:
    # The run row was committed together with this event, so the job will find it.
    run_matching.send(event.payload["run_id"])


@consumer("capacity.withdrawn")
async def repair_after_withdrawal(session: AsyncSession, event: OutboxEvent) -> None:
    # Short writes only (release, queue the repair runs, alert); the matching job solves them
    # outside any transaction, as it does every queued run.
    payload = event.payload
    await service.queue_repairs(session, uuid.UUID(payload["offer_id"]), [uuid.UUID(a) for a in payload.get("affected_allocations", [])])
