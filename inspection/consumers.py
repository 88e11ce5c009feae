"""Outbox consumers of inspection (registered with capool.events.consumer; imported by capool.wiring)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from capool.events import OutboxEvent, consumer
from inspection.jobs import inspect_image


@consumer("inspection.images_uploaded")
async def enqueue_inspections(session: AsyncSession, event: OutboxEvent) -> None:
    # The upload has committed (the event exists); a redelivered event sends again, and the
    # job skips images that are no longer pending.
    for image_id in event.payload["image_ids"]:
        inspect_image.send(image_id)
