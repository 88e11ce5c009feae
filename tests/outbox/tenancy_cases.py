"""Cross-tenant cases for the dead-letter routes (see tests/tenancy.py).

Only alliance admins hold `alliance:admin`, and the world has one alliance admin: so here the
attacker is that admin and the victim is the other alliance, which has a dead letter of the
outsider's organisation. The admin must neither see it nor retry it."""

from __future__ import annotations

import uuid

from capool.clock import utcnow
from capool.db import create_session_factory
from capool.events import OutboxConsumption, record
from capool.tenancy.models import Organisation
from tests.tenancy import Case, Ctx, Request

ADMINS = ("admin",)


async def seed(ctx: Ctx) -> None:
    async with create_session_factory(ctx.engine)() as session:
        outsider = await session.get(Organisation, ctx.world.outsider.org_id)
        assert outsider is not None
        event = record(session, alliance_id=outsider.alliance_id, organisation_id=outsider.id, type="order.submitted",
                       aggregate_type="order", aggregate_id=uuid.uuid4(), payload={"reference": "PO-ELSEWHERE"})
        event.attempts, event.last_error, event.dead_at = 8, "webhook_fan_out: RuntimeError: receiver down", utcnow()
        await session.flush()
        session.add(OutboxConsumption(event_id=event.id, consumer="marketplace.integrations.consumers.webhook_fan_out", attempts=8,
                                      last_error="RuntimeError: receiver down", last_attempt_at=utcnow()))
        await session.commit()
    ctx.ids["foreign_dead_letter"] = str(event.id)
    ctx.ids["foreign_dead_letter_aggregate"] = str(event.aggregate_id)


CASES: dict[tuple[str, str], Case] = {
    ("GET", "/v1/admin/dead-letters"): Case("absent", ADMINS, lambda c: Request("/v1/admin/dead-letters")),
    ("POST", "/v1/admin/dead-letters/{event_id:uuid}/retry"): Case(
        "404", ADMINS, lambda c: Request(f"/v1/admin/dead-letters/{c.ids['foreign_dead_letter']}/retry")),
}

GRAPHQL_CASES: dict = {}
