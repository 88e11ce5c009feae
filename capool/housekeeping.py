"""The kernel's periodic purges (registered with `capool.jobs.periodic`; imported by capool.wiring).

A purge deletes in batches (`retention.purge_batch`), each batch in its own transaction, so
it never holds a long lock; the periodic task only enqueues the job."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from capool import idempotency
from capool.config import get_settings
from capool.jobs import job, job_transaction, periodic


async def purge_idempotency_records() -> int:
    """Delete every expired idempotency record, batch by batch; returns how many."""
    batch = get_settings().retention.purge_batch
    purged = 0
    while True:
        async with job_transaction() as session:
            deleted = await idempotency.purge_expired(session, batch=batch)
        purged += deleted
        if deleted < batch:
            return purged


@job(queue_name="housekeeping", max_retries=3)
async def purge_idempotency_records_job() -> None:
    await purge_idempotency_records()


@periodic(timedelta(hours=1))
async def purge_expired_idempotency(session: AsyncSession) -> None:
    """Expired Idempotency-Key records (a key is reusable after its TTL even before this ran)."""
    purge_idempotency_records_job.send()
