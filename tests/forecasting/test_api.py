"""Forecasting and health over REST and GraphQL, with tenancy and bad input."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from capool.db import create_session_factory
from capool.events import OutboxEvent
from capool.tenancy.models import Role
from forecasting import service
from forecasting.jobs import refresh_one
from forecasting.models import AlertKind, ForecastRun, Granularity, HealthAlert, TelemetryReading
from marketplace.models import CapacityOffer, CostSensitivity, Order, OrderStatus, Urgency
from tests.conftest import World, allocate, place, publish


async def add_history(db, buyer_org_id: uuid.UUID, per_day: int, days: int = 90, process: str = "screen_printing") -> None:  # type: ignore[no-untyped-def]
    """Orders placed one a day over the past `days` days (written directly: the API stamps them now)."""
    today = datetime.combine(datetime.now(UTC).date(), time(9), UTC)
    async with create_session_factory(db)() as session:
        for d in range(1, days + 1):
            placed = today - timedelta(days=d)
            session.add(Order(
                buyer_org_id=buyer_org_id, reference=f"H-{process}-{d}", product="tee", process=process, material="cotton",
                operations=[], certifications=[], quantity=per_day, due_at=placed + timedelta(days=10), urgency=Urgency.NORMAL,
                cost_sensitivity=CostSensitivity.MEDIUM, currency="CNY", status=OrderStatus.SUBMITTED, created_at=placed,
            ))
        await session.commit()


async def refresh(db, world: World, member=None):  # type: ignore[no-untyped-def]
    member = member or world.brand
    async with create_session_factory(db)() as session:
        run = await refresh_one(session, member.org_id, world.alliance_id, Granularity.DAILY, 28)
        await session.commit()
        return run


async def events_of(db, type_: str) -> list[OutboxEvent]:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        return list((await session.execute(select(OutboxEvent).where(OutboxEvent.type == type_).order_by(OutboxEvent.id))).scalars())


async def count(db, model) -> int:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_demand_forecast_is_stored_with_model_and_version_and_read_per_tenant(client, db, world: World) -> None:
    await add_history(db, world.brand.org_id, per_day=100)
    run = await refresh(db, world)
    assert run is not None and run.horizon == 28 and run.engine_version
    response = await client.get("/v1/forecasts/demand", params={"process": "screen_printing", "horizon": 14}, headers=world.brand.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["run_id"] == str(run.id) and body["engine"] == "capool-statsforecast-cv"
    assert [p["step"] for p in body["points"]] == list(range(1, 15))
    first = body["points"][0]
    assert abs(first["yhat"] - 100) < 1e-6 and first["lo_95"] <= first["lo_80"] <= first["yhat"] <= first["hi_80"] <= first["hi_95"]
    assert first["period_start"] == datetime.now(UTC).date().isoformat()
    # Other organisations never see the brand's forecast.
    for member in (world.other_buyer, world.outsider):
        other = await client.get("/v1/forecasts/demand", headers=member.headers)
        assert other.status_code == 200 and other.json()["run_id"] is None and other.json()["points"] == []
    # A second refresh replaces the latest run instead of piling up latest runs.
    await refresh(db, world)
    async with create_session_factory(db)() as session:
        latest = await session.scalar(select(func.count()).select_from(ForecastRun).where(ForecastRun.is_latest.is_(True)))
    assert latest == 1


async def test_bad_forecast_queries_answer_422(client, world: World) -> None:
    for params in ({"horizon": 3}, {"horizon": 29}, {"horizon": "x"}, {"granularity": "hourly"}, {"process": "Bad Process!"}):
        response = await client.get("/v1/forecasts/demand", params=params, headers=world.brand.headers)
        assert response.status_code == 422, (params, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    response = await client.get("/v1/health/kpis", params={"start": "2026-01-02T00:00:00Z", "end": "2026-01-01T00:00:00Z"}, headers=world.brand.headers)
    assert response.status_code == 422 and response.json()["errors"][0]["pointer"] == "/end"


async def test_warning_line_proposes_partner_then_floating_capacity(client, db, world: World) -> None:
    await add_history(db, world.brand.org_id, per_day=100)
    await publish(client, world.brand_ops, per_day=50, days=28)  # core: 1400
    partner_offer = await publish(client, world.partner, per_day=30, days=28, visibility="partners")  # 840
    floating_offer = await publish(client, world.floating, per_day=100, days=28)  # 2800
    await refresh(db, world)
    warnings = await events_of(db, "forecast.warning")
    assert len(warnings) == 1
    payload = warnings[0].payload
    assert payload["process"] == "screen_printing" and payload["available_capacity"] == 1400
    assert round(payload["forecast_demand"]) == 2800 and payload["needed"] == 2600 and payload["uncovered"] == 0
    assert [(p["offer_id"], p["tier"], p["quantity"]) for p in payload["proposal"]] == [
        (partner_offer["id"], "partner", 840), (floating_offer["id"], "floating", 1760)]
    # Refreshing again updates the open warning instead of raising it twice.
    await refresh(db, world)
    assert len(await events_of(db, "forecast.warning")) == 1
    lights = await client.get("/v1/health/lights", headers=world.brand.headers)
    process = next(light for light in lights.json() if light["scope"] == "process" and light["key"] == "screen_printing")
    # Over the warning line and only 3 suppliers? brand, partner, floating = 3: a single risk.
    assert process["colour"] == "yellow" and "warning line" in process["reasons"][0]


async def test_warning_line_counts_booked_load_and_leaves_withdrawn_offers_out(client, db, world: World) -> None:
    """Capacity is published minus booked: the brand's own 50 a day for 28 days is 1400, of
    which another buyer has booked 300 -> 1100 left. A floating offer of 100 a day that was
    withdrawn gives nothing. Demand 100 a day x 28 = 2800, so 2800 / 0.7 - 1100 = 2900 more
    is needed and nobody else offers it."""
    await add_history(db, world.brand.org_id, per_day=100)
    own = await publish(client, world.brand_ops, per_day=50, days=28)
    floating = await publish(client, world.floating, per_day=100, days=28)
    order = await place(client, world.other_buyer, quantity=300)
    await allocate(client, world.other_buyer, [(order["id"], own["id"], 300)])
    response = await client.post(f"/v1/offers/{floating['id']}/withdraw", json={"reason": "press broken"}, headers=world.floating.headers)
    assert response.status_code == 200, response.text
    await refresh(db, world)
    [warning] = await events_of(db, "forecast.warning")
    payload = warning.payload
    assert payload["available_capacity"] == 1100 and round(payload["forecast_demand"]) == 2800
    assert payload["needed"] == 2900 and payload["proposal"] == [] and payload["uncovered"] == 2900
    weeks = payload["weeks"]
    # ISO weeks from today for 28 days: 4 or 5 of them, together the whole window.
    assert [w["week"] for w in weeks] == sorted({(datetime.now(UTC).date() + timedelta(days=d)).strftime("%G-W%V") for d in range(28)})
    assert sum(w["published"] for w in weeks) == 1400 and sum(w["booked"] for w in weeks) == 300
    assert sum(w["available_capacity"] for w in weeks) == 1100
    # Every week is over the line: 100 a day of demand against at most 50 a day.
    assert all(w["warning"] for w in weeks) and round(sum(w["forecast_demand"] for w in weeks)) == 2800
    # The same figures over REST, per ISO week: 50 a day on the brand's own line, 300 booked by
    # the other buyer on the first six days (50 a day, earliest first), the withdrawn floating
    # offer absent. The other buyer sees the brand's alliance offer as floating capacity.
    response = await client.get("/v1/forecasts/capacity", params={"horizon": 28}, headers=world.brand.headers)
    assert response.status_code == 200, response.text
    rows = response.json()
    assert [r["week"] for r in rows] == [w["week"] for w in weeks] and {r["process"] for r in rows} == {"screen_printing"}
    today = datetime.now(UTC).date()
    for row in rows:
        start, end = date.fromisoformat(row["start"]), date.fromisoformat(row["end"])
        days = (end - start).days + 1
        booked_days = sum(1 for d in range(days) if (start + timedelta(days=d) - today).days < 6)
        assert (row["published"], row["booked"]) == (50 * days, 50 * booked_days), row
        assert row["free"] == row["available"] == 50 * (days - booked_days) and row["partner_spare"] == row["floating_spare"] == 0
    other = (await client.get("/v1/forecasts/capacity", headers=world.other_buyer.headers)).json()
    assert sum(r["floating_spare"] for r in other) == 1100 and sum(r["available"] for r in other) == 0
    bad = await client.get("/v1/forecasts/capacity", params={"horizon": 40}, headers=world.brand.headers)
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")


async def test_below_the_warning_line_no_warning(client, db, world: World) -> None:
    await add_history(db, world.brand.org_id, per_day=10)
    await publish(client, world.brand_ops, per_day=50, days=28)
    await refresh(db, world)
    assert await events_of(db, "forecast.warning") == []


async def test_partner_sees_15_days_of_what_it_supplies_and_others_see_nothing(client, db, world: World) -> None:
    await add_history(db, world.brand.org_id, per_day=100)
    await add_history(db, world.brand.org_id, per_day=5, process="embroidery")
    await publish(client, world.partner, per_day=30, days=5)  # the partner supplies screen printing only
    await publish(client, world.floating, per_day=30, days=5)
    await refresh(db, world)
    response = await client.get("/v1/forecasts/partner", headers=world.partner.headers)
    assert response.status_code == 200, response.text
    lines = response.json()
    assert len(lines) == 15 and {line["process"] for line in lines} == {"screen_printing"} and {line["buyer"] for line in lines} == {"Brand"}
    # Not a partner of the brand, a buyer, or another alliance: nothing.
    for member in (world.floating, world.other_buyer, world.outsider):
        other = await client.get("/v1/forecasts/partner", headers=member.headers)
        assert other.status_code == 200 and other.json() == []


def samples(cycles: list[float], start: int = 0) -> list[dict]:
    at = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    out = []
    for i, peak in enumerate(cycles):
        for j, share in enumerate((0.5, 1.0, 0.7)):  # three samples per cycle; the peak is the max
            out.append({"cycle": start + i, "current_a": peak * share, "measured_at": (at + timedelta(minutes=30 * i + 10 * j)).isoformat()})
    return out


async def test_equipment_rule_alerts_and_cuts_offered_capacity(client, db, world: World) -> None:
    offer = await publish(client, world.brand_ops, per_day=100, days=10)
    resource_id = offer["resource_id"]
    normal = await client.post("/v1/telemetry", headers=world.brand_ops.headers, json={"resource_id": resource_id, "readings": samples([10, 10.2, 9.8, 10.1, 9.9, 10.0, 12.0])})
    assert normal.status_code == 201, normal.text
    assert normal.json()["alert_opened"] is False and normal.json()["cycles_checked"] == 7
    alert = await client.post("/v1/telemetry", headers=world.brand_ops.headers, json={"resource_id": resource_id, "readings": samples([12.5, 8.0], start=7)})
    body = alert.json()
    assert alert.status_code == 201 and body["alert_opened"] is True and body["offers_reduced"] == [offer["id"]]
    read = await client.get(f"/v1/offers/{offer['id']}", headers=world.brand_ops.headers)
    assert read.json()["capacity_per_day"] == 50
    [event] = await events_of(db, "equipment.alert")
    assert [d["cycle"] for d in event.payload["deviations"]] == [6, 7, 8]
    assert [e.payload["offer_id"] for e in await events_of(db, "capacity.changed")] == [offer["id"]]
    # The open alert is not raised again by more bad cycles.
    again = await client.post("/v1/telemetry", headers=world.brand_ops.headers, json={"resource_id": resource_id, "readings": samples([13.0], start=9)})
    assert again.json()["alert_opened"] is False and len(await events_of(db, "equipment.alert")) == 1
    lights = (await client.get("/v1/health/lights", headers=world.brand_ops.headers)).json()
    factory = next(light for light in lights if light["scope"] == "factory" and light["key"] == str(world.brand.org_id))
    # Two risks: nothing is allocated on its offer (0%, under the 75%-85% band) and the maintenance alert.
    assert factory["colour"] == "red" and len(factory["reasons"]) == 2
    assert "at 0% utilisation, under the 75%-85% band" in factory["reasons"][0] and "maintenance alert" in factory["reasons"][1]


async def test_equipment_alert_withdraws_an_offer_whose_allocations_would_not_fit(client, db, world: World) -> None:
    from tests.conftest import allocate, place

    offer = await publish(client, world.partner, per_day=10, days=2)
    order = await place(client, world.brand, quantity=15)
    await allocate(client, world.brand, [(order["id"], offer["id"], 15)])
    response = await client.post("/v1/telemetry", headers=world.partner.headers,
                                 json={"resource_id": offer["resource_id"], "readings": samples([10] * 6 + [20, 20, 20])})
    assert response.json()["offers_withdrawn"] == [offer["id"]]
    [withdrawn] = await events_of(db, "capacity.withdrawn")
    assert withdrawn.payload["affected_allocations"]


async def test_telemetry_across_tenants_and_bad_input(client, db, world: World) -> None:
    offer = await publish(client, world.brand_ops, per_day=100, days=10)
    body = {"resource_id": offer["resource_id"], "readings": samples([10.0])}
    # Another factory's resource: 404, nothing stored; a buyer-only organisation: 403.
    assert (await client.post("/v1/telemetry", headers=world.partner.headers, json=body)).status_code == 404
    assert (await client.post("/v1/telemetry", headers=world.outsider.headers, json=body)).status_code == 404
    assert (await client.post("/v1/telemetry", headers=world.other_buyer.headers, json=body)).status_code == 403
    assert (await client.post("/v1/telemetry", headers=world.partner.headers, json={**body, "resource_id": str(uuid.uuid4())})).status_code == 404
    assert await count(db, TelemetryReading) == 0
    bad = dict(body, readings=[{"cycle": 1, "current_a": -1.0, "measured_at": "2026-11-23T08:00:00Z"}])
    response = await client.post("/v1/telemetry", headers=world.brand_ops.headers, json=bad)
    assert response.status_code == 422 and response.json()["errors"][0]["pointer"] == "/readings/0/current_a"
    naive = dict(body, readings=[{"cycle": 1, "current_a": 1.0, "measured_at": "2026-11-23T08:00:00"}])
    assert (await client.post("/v1/telemetry", headers=world.brand_ops.headers, json=naive)).status_code == 422
    assert (await client.post("/v1/telemetry", headers=world.brand_ops.headers, json=dict(body, readings=[]))).status_code == 422
    assert await count(db, TelemetryReading) == 0


async def test_lights_for_the_alliance_admin_and_red_with_several_risks(client, db, world: World) -> None:
    await add_history(db, world.brand.org_id, per_day=100)
    await publish(client, world.brand_ops, per_day=10, days=28)
    await publish(client, world.partner, per_day=10, days=28)  # two suppliers only, and over the warning line
    await refresh(db, world)
    lights = (await client.get("/v1/health/lights", headers=world.admin.headers)).json()
    by = {(light["scope"], light["key"]): light for light in lights}
    process = by[("process", "screen_printing")]
    assert process["colour"] == "red" and len(process["reasons"]) == 2
    assert by[("alliance", "alliance")]["colour"] == "red"
    assert by[("factory", str(world.floating.org_id))]["colour"] == "green"
    red = await events_of(db, "health.alert")
    assert {(e.payload["scope"], e.payload["key"]) for e in red} == {("alliance", "alliance"), ("process", "screen_printing")}
    async with create_session_factory(db)() as session:
        kinds = sorted(a.kind for a in (await session.execute(select(HealthAlert))).scalars())
    assert AlertKind.TRAFFIC_LIGHT in kinds and AlertKind.FORECAST_WARNING in kinds
    # The other alliance sees none of it.
    outsider = (await client.get("/v1/health/lights", headers=world.outsider.headers)).json()
    assert all(light["colour"] == "green" for light in outsider) and ("process", "screen_printing") not in {(x["scope"], x["key"]) for x in outsider}


async def test_kpis_from_marketplace_tables(client, db, world: World) -> None:
    from tests.conftest import allocate, place

    core = await publish(client, world.brand_ops, per_day=100, days=10)
    floating = await publish(client, world.floating, per_day=100, days=10)
    order = await place(client, world.brand, quantity=200, split_allowed=True)
    await allocate(client, world.brand, [(order["id"], core["id"], 100), (order["id"], floating["id"], 100)])
    response = await client.get("/v1/health/kpis", headers=world.brand.headers)
    assert response.status_code == 200, response.text
    kpis = {k["name"]: k for k in response.json()["kpis"]}
    assert kpis["external_share"]["value"] == 0.5 and kpis["external_share"]["met"] is True
    assert kpis["core_share"]["value"] == 0.5 and kpis["core_share"]["met"] is True
    assert kpis["switching_cost_share"]["value"] == 0.0
    assert response.json()["self_check"]["points"]["real_time_capacity_visibility"] is True
    outsider = (await client.get("/v1/health/kpis", headers=world.outsider.headers)).json()
    assert {k["name"]: k["value"] for k in outsider["kpis"]}["external_share"] is None


async def test_graphql_queries(client, db, world: World) -> None:
    await add_history(db, world.brand.org_id, per_day=100)
    await refresh(db, world)
    query = """{ demandForecast(process: "screen_printing", horizon: 7) { runId engineVersion points { step yhat lo95 hi95 } }
                 trafficLights { scope key colour reasons }
                 kpis { kpis { name value met } selfCheck { score verdict } } }"""
    response = await client.post("/graphql", json={"query": query}, headers=world.brand.headers)
    data = response.json()
    assert "errors" not in data, data
    assert len(data["data"]["demandForecast"]["points"]) == 7
    assert data["data"]["trafficLights"][0]["scope"] == "alliance"
    assert {k["name"] for k in data["data"]["kpis"]["kpis"]} >= {"utilisation", "fulfilment_rate", "cycle_volatility"}
    bad = await client.post("/graphql", json={"query": '{ demandForecast(horizon: 99) { runId } }'}, headers=world.brand.headers)
    assert bad.json()["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    other = await client.post("/graphql", json={"query": '{ demandForecast { runId points { step } } }'}, headers=world.other_buyer.headers)
    assert other.json()["data"]["demandForecast"] == {"runId": None, "points": []}


async def test_service_requires_forecast_read(db, world: World) -> None:
    import dataclasses

    import pytest

    from capool.errors import PermissionDenied

    auditor = dataclasses.replace(world.brand.actor, role=Role.AUDITOR, permissions=frozenset())
    async with create_session_factory(db)() as session:
        with pytest.raises(PermissionDenied):
            await service.demand_forecast(session, auditor, None, 7, Granularity.DAILY)
    assert await count(db, CapacityOffer) == 0


async def test_the_scheduled_job_refreshes_every_buyer(db, database_url: str, world: World) -> None:
    import asyncio

    from capool import jobs
    from forecasting.jobs import refresh_forecasts

    await add_history(db, world.brand.org_id, per_day=20)
    await add_history(db, world.other_buyer.org_id, per_day=5, process="cutting")
    broker = jobs.use_broker(None)
    jobs.job_database.configure(database_url)
    worker = jobs.start_worker(broker, threads=1)
    try:
        refresh_forecasts.send("daily")
        refresh_forecasts.send("weekly")
        # The fan-out jobs send one message per buyer to the same queue; join waits for all.
        await asyncio.to_thread(broker.join, refresh_forecasts.queue_name, timeout=120_000, fail_fast=True)
        await asyncio.to_thread(worker.join)
    finally:
        worker.stop()
        jobs.use_broker(None)
    async with create_session_factory(db)() as session:
        runs = list((await session.execute(select(ForecastRun).where(ForecastRun.is_latest.is_(True)))).scalars())
    assert sorted((r.organisation_id == world.brand.org_id, r.granularity.value, r.horizon) for r in runs) == [
        (False, "daily", 28), (False, "weekly", 4), (True, "daily", 28), (True, "weekly", 4)]
    assert {next(iter(r.params["models"])) for r in runs} == {"screen_printing", "cutting"}
