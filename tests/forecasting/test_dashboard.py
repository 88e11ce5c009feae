"""The alliance dashboard service: one window for every figure, each alerted process listed
once, idle factories not green, and utilisation per week, on real tables."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

import pytest

from capool.clock import utcnow
from capool.db import create_session_factory
from forecasting import dashboard, service
from forecasting.models import AlertKind, HealthAlert
from marketplace import analytics
from marketplace.models import CostSensitivity, Order, OrderStatus, Urgency
from tests.conftest import World, allocate, place, publish


async def view_of(db, world: World) -> dashboard.Dashboard:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        return await dashboard.alliance_dashboard(session, world.admin.actor)


def test_the_window_is_eight_whole_iso_weeks_around_this_one() -> None:
    # Thursday 3 December 2026 is in ISO week 49 (Monday 30 November).
    window = service.health_window(datetime(2026, 12, 3, 15, 30, tzinfo=UTC))
    assert window.start == datetime(2026, 11, 16, tzinfo=UTC)
    assert window.end == datetime(2027, 1, 11, tzinfo=UTC)
    assert window.last_day.isoformat() == "2027-01-10"
    assert len(window.weeks) == 8 and window.weeks[2] == datetime(2026, 11, 30, tzinfo=UTC)
    # Monday 00:00 is already the new week.
    assert service.health_window(datetime(2026, 12, 7, 0, 0, tzinfo=UTC)).start == datetime(2026, 11, 23, tzinfo=UTC)


async def add_delivered(db, buyer: uuid.UUID, days_ago: int, late: bool) -> None:  # type: ignore[no-untyped-def]
    delivered = datetime.combine(utcnow().date(), time(9), UTC) - timedelta(days=days_ago)
    async with create_session_factory(db)() as session:
        session.add(Order(
            buyer_org_id=buyer, reference=f"D-{days_ago}", product="tee", process="screen_printing", material="cotton", operations=[],
            certifications=[], quantity=10, due_at=delivered + timedelta(days=-1 if late else 1), urgency=Urgency.NORMAL,
            cost_sensitivity=CostSensitivity.MEDIUM, currency="CNY", status=OrderStatus.DELIVERED, created_at=delivered - timedelta(days=5),
            delivered_at=delivered,
        ))
        await session.commit()


async def test_every_figure_is_over_the_one_window(client, db, world: World) -> None:  # type: ignore[no-untyped-def]
    # On time 10 days ago (inside the window, which starts 14 to 20 days back); late 40 days
    # ago (outside it, but inside the 90 days the page used to count).
    await add_delivered(db, world.brand.org_id, 10, late=False)
    await add_delivered(db, world.brand.org_id, 40, late=True)
    view = await view_of(db, world)
    window = service.health_window()
    assert view.window == window
    assert (view.on_time.delivered, view.on_time.on_time) == (1, 1)
    on_time = next(k for k in view.report.kpis if k.name == "on_time_rate")
    assert on_time.value == 1.0
    assert (view.report.window_start, view.report.window_end) == (window.start, window.end)
    assert view.factory_grid.weeks == list(window.weeks) == view.process_grid.weeks
    assert view.dcm.weeks == [w.date() for w in window.weeks]


async def test_alerts_list_each_process_once(client, db, world: World) -> None:  # type: ignore[no-untyped-def]
    """Two buyers warned for screen printing are one row (the higher ratio's message, both
    buyers named); two buyers' work on one withdrawn offer is one row; red-light alerts and
    another alliance's alerts are not listed."""
    withdrawn = str(uuid.uuid4())
    async with create_session_factory(db)() as session:
        for org, subject, ratio in ((world.brand.org_id, "screen_printing", 0.8), (world.other_buyer.org_id, "screen_printing", 1.25),
                                    (world.brand.org_id, "dtg_printing", 0.9), (world.outsider.org_id, "screen_printing", 3.0)):
            session.add(HealthAlert(organisation_id=org, kind=AlertKind.FORECAST_WARNING, subject=subject, message=f"{subject} at {ratio:.0%}",
                                    details={"ratio": ratio}))
        for org in (world.brand.org_id, world.other_buyer.org_id):
            session.add(HealthAlert(organisation_id=org, kind=AlertKind.WITHDRAWN_WORK, subject=withdrawn, message="work on a withdrawn offer", details={}))
        session.add(HealthAlert(organisation_id=world.brand.org_id, kind=AlertKind.TRAFFIC_LIGHT, subject="process:screen_printing", message="red", details={}))
        # Resolved: not open, not listed.
        session.add(HealthAlert(organisation_id=world.brand.org_id, kind=AlertKind.FORECAST_WARNING, subject="embroidery", message="old",
                                details={"ratio": 2.0}, resolved_at=utcnow()))
        await session.commit()
    view = await view_of(db, world)
    rows = [(a.kind, a.subject, a.message, a.organisations) for a in view.alerts]
    assert rows == [
        (AlertKind.FORECAST_WARNING, "dtg_printing", "dtg_printing at 90%", ["Brand"]),
        (AlertKind.FORECAST_WARNING, "screen_printing", "screen_printing at 125%", ["Brand", "Other Buyer"]),
        (AlertKind.WITHDRAWN_WORK, withdrawn, "work on a withdrawn offer", ["Brand", "Other Buyer"]),
    ]
    assert len(view.alerts[1].alert_ids) == 2
    # The process's light carries the higher of the two ratios, once.
    light = next(light for light in view.lights if light.scope == "process" and light.key == "screen_printing")
    assert [r for r in light.reasons if "warning line" in r] == ["screen_printing: forecast demand at 125% of available capacity (warning line 70%)"]


async def test_an_idle_factory_is_not_green(client, db, world: World) -> None:  # type: ignore[no-untyped-def]
    """The floating factory publishes 100 a day and gets nothing: 0% over the window, one risk.
    The partner is 1300 of 1400 (93%): over the band. The brand publishes nothing: no light risk."""
    await publish(client, world.floating, per_day=100, days=14)
    busy = await publish(client, world.partner, per_day=100, days=14)
    order = await place(client, world.brand, quantity=1300)
    await allocate(client, world.brand, [(order["id"], busy["id"], 1300)])
    view = await view_of(db, world)
    lights = {(light.scope, light.key): light for light in view.lights}
    idle = lights[("factory", str(world.floating.org_id))]
    assert idle.colour == "yellow" and idle.reasons == ["Floating Factory at 0% utilisation, under the 75%-85% band (idle capacity)"]
    partner = lights[("factory", str(world.partner.org_id))]
    assert partner.colour == "yellow" and partner.reasons == ["Partner Factory at 93% utilisation, over the 75%-85% band"]
    assert lights[("factory", str(world.brand.org_id))].reasons == []
    # Utilisation per week over the window: the two offers' weeks hold 1300 of 2800 published
    # (1400 each); weeks without an offer have nothing published.
    weekly = [w for w in view.weekly if w.published]
    assert sum(w.allocated for w in weekly) == 1300 and sum(w.published for w in weekly) == 2800
    assert all(w.unit == "piece" for w in view.weekly)
    # The same figures as analytics.utilisation gives for one of those weeks on its own.
    week = weekly[0]
    async with create_session_factory(db)() as session:
        alone = await analytics.utilisation(session, world.admin.actor, week.week, week.week + timedelta(weeks=1), "factory")
    assert (sum(r.allocated for r in alone), sum(r.published or 0 for r in alone)) == (week.allocated, week.published)


def test_aggregate_refuses_a_window_outside_its_facts() -> None:
    start = datetime(2026, 11, 16, tzinfo=UTC)
    facts = analytics.UtilisationFacts(start, start + timedelta(weeks=1), False, [], [], {}, {})
    assert analytics.aggregate(facts, "factory") == []
    with pytest.raises(ValueError):
        analytics.aggregate(facts, "factory", start, start + timedelta(weeks=2))
