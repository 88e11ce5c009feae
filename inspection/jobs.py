"""Dramatiq jobs of inspection: they take ids, reload rows, and are idempotent."""

from __future__ import annotations

import uuid

from capool.jobs import job, job_transaction
from inspection import service


async def inspect_image_now(image_id: str) -> None:
    """The job's body, in its own transaction (also callable without a broker: CLI, tests)."""
    async with job_transaction() as session:
        await service.run_inspection(session, uuid.UUID(image_id))


@job(queue_name="inspection", max_retries=3)
async def inspect_image(image_id: str) -> None:
    await inspect_image_now(image_id)
