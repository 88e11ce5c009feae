"""Dramatiq jobs of inspection: they take ids, reload rows, and are idempotent."""

from __future__ import annotations

import uuid

from capool.jobs import job, job_transaction
from inspection import service


async def inspect_image_now(image_id: str) -> None:
    """The job's body (also callable without a broker: CLI, tests). The attempt is counted in
    a transaction of its own, the inspection runs in another; an attempt that raises is
    retried by dramatiq until the last one, which ends the image failed with the reason."""
    image_uuid = uuid.UUID(image_id)
    async with job_transaction() as session:
        attempt = await service.begin_attempt(session, image_uuid)
    if attempt is None:
        return
    try:
        async with job_transaction() as session:
            await service.run_inspection(session, image_uuid)
    except Exception as exc:
        if attempt < service.MAX_ATTEMPTS:
            raise
        async with job_transaction() as session:
            await service.give_up(session, image_uuid, attempt, exc)


@job(queue_name="inspection", max_retries=service.MAX_ATTEMPTS - 1)
async def inspect_image(image_id: str) -> None:
    await inspect_image_now(image_id)
