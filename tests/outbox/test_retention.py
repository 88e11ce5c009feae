"""Webhook deliveries that ended are deleted with their attempts after the retention period
(`retention.webhook_deliveries_days`); pending and recent deliveries stay."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from capool import events, jobs
from capool.clock import utcnow
from capool.config import get_settings
from capool.db import create_session_factory
from marketplace.integrations import consumers, webhooks
from marketplace.integrations.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tests.conftest import World


async def test_the_retention_purge_deletes_only_old_ended_deliveries(db, database_url, world: World, monkeypatch) -> None:
    monkeypatch.setattr(get_settings().retention, "webhook_deliveries_days", 30)
    monkeypatch.setattr(get_settings().retention, "purge_batch", 2)  # several batches, each its own transaction
    now = utcnow()
    kept, dropped = set(), set()
    async with create_session_factory(db)() as session:
        endpoint = WebhookEndpoint(organisation_id=world.brand.org_id, url="https://hooks.example/capool", event_types=["order.submitted"],
                                   secret="whsec_test")
        session.add(endpoint)
        await session.flush()
        for n, (status, age_days) in enumerate([
            (DeliveryStatus.DELIVERED, 31), (DeliveryStatus.FAILED, 45), (DeliveryStatus.DELIVERED, 90),  # ended, past retention
            (DeliveryStatus.DELIVERED, 29), (DeliveryStatus.FAILED, 1),  # ended, within retention
            (DeliveryStatus.PENDING, 60),  # still being retried: never purged
        ]):
            event = events.record(session, alliance_id=world.alliance_id, organisation_id=world.brand.org_id, type="order.submitted",
                                  aggregate_type="order", aggregate_id=uuid.uuid4(), payload={"n": n})
            await session.flush()
            created = now - timedelta(days=age_days)
            delivery = WebhookDelivery(endpoint_id=endpoint.id, organisation_id=world.brand.org_id, event_id=event.id,
                                       event_type=event.type, body={"n": n}, status=status, created_at=created)
            session.add(delivery)
            await session.flush()
            session.add_all([WebhookAttempt(delivery_id=delivery.id, organisation_id=world.brand.org_id, attempted_at=created, error="HTTP 503"),
                             WebhookAttempt(delivery_id=delivery.id, organisation_id=world.brand.org_id, attempted_at=created, status_code=200)])
            (dropped if status != DeliveryStatus.PENDING and age_days > 30 else kept).add(delivery.id)
        await session.commit()

    jobs.job_database.configure(database_url)
    assert await webhooks.purge_old_deliveries() == 3
    async with create_session_factory(db)() as session:
        assert set((await session.execute(select(WebhookDelivery.id))).scalars()) == kept
        attempts = list((await session.execute(select(WebhookAttempt.delivery_id))).scalars())
    assert sorted(attempts) == sorted([*kept, *kept])
    assert await webhooks.purge_old_deliveries() == 0


def test_the_retention_purge_is_a_periodic_task() -> None:
    assert any(task.fn is consumers.apply_delivery_retention for task in jobs.periodic_tasks())
