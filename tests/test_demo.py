"""`capool demo` loads a realistic alliance, and the demo keys drive the whole flow over REST
and GraphQL: publish, order, allocate, accept, progress, utilisation."""

from __future__ import annotations

from sqlalchemy import func, select

from capool.db import create_session_factory
from capool.demo import GARMENT, PARTS, load_demo
from capool.events import OutboxEvent
from capool.tenancy.models import Organisation, OrgKind, User
from capool.tenancy.passwords import verify_password
from marketplace.integrations.catenax.models import MaterialDemandWeek
from marketplace.models import Order, OrderStatusChange, Partnership, ProgressReport
from settlement.models import LedgerEntryRow
from tests.conftest import future, today_plus


async def test_demo_alliance_then_the_flow_with_its_keys(client, db, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # the demo writes var/demo-keys.json
    async with create_session_factory(db)() as session:
        summary = await load_demo(session, orders=40, seed=3)
        await session.commit()
    async with create_session_factory(db)() as session:
        kinds = dict((await session.execute(select(Organisation.kind, func.count()).group_by(Organisation.kind))).all())
        assert kinds[OrgKind.FACTORY] == 25 and kinds[OrgKind.BOTH] == 1  # 5 partners + 20 floating; the brand
        assert await session.scalar(select(func.count()).select_from(Partnership)) == 5
        assert await session.scalar(select(func.count()).select_from(Order)) == 40
        assert await session.scalar(select(func.count()).select_from(ProgressReport)) > 0
        assert await session.scalar(select(func.count()).select_from(OrderStatusChange)) > 40
        # The demo worked off its own outbox: its ledger is there before any worker runs.
        assert await session.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.processed_at.is_(None))) == 0
        assert await session.scalar(select(func.count()).select_from(LedgerEntryRow)) == summary["ledger"]["entries"] > 40
        # The brand's Catena-X demand, imported twice: 12 weekly buckets that remember the version they replaced.
        weeks = (await session.execute(select(MaterialDemandWeek))).scalars().all()
        assert len(weeks) == 12 and all(w.previous_quantity is not None for w in weeks)
        buyer_user = (await session.execute(select(User).where(User.email == summary["portal"]["logins"]["buyer"]))).scalar_one()
        assert verify_password(buyer_user, summary["portal"]["password"])
    assert sum(summary["orders"].values()) == 40
    assert (tmp_path / "var" / "demo-keys.json").exists()

    keys = {label: {"Authorization": f"Bearer {token}"} for label, token in summary["api_keys"].items()}
    supplier, buyer, admin = keys["supplier (Floating Works 01)"], keys["buyer (Inkwell Tees)"], keys["alliance admin"]

    # The alliance's catalogue holds the demo's processes, named in both languages; the
    # alliance admin adds one and the buyer orders it (an unknown code is refused).
    catalogue = (await client.get("/v1/processes", headers=buyer)).json()
    assert [p["code"] for p in catalogue] == sorted(GARMENT + PARTS) and all(p["names"]["zh-CN"] != p["names"]["en"] for p in catalogue)
    welding = {"reference": "DEMO-W", "product": "frame", "process": "welding", "quantity": 10, "due_at": future(15), "currency": "CNY"}
    assert (await client.post("/v1/orders", headers=buyer, json=welding)).json()["code"] == "unknown_process"
    added = await client.post("/v1/processes", headers=admin, json={"code": "welding", "names": {"en": "Welding", "zh-CN": "焊接"}})
    assert added.status_code == 201, added.text
    assert (await client.post("/v1/orders", headers=buyer, json=welding)).status_code == 201

    [resource, *_] = (await client.get("/v1/resources", headers=supplier)).json()["items"]
    offer = await client.post("/v1/offers", headers=supplier, json={
        "resource_id": resource["id"], "process": resource["processes"][0], "window_start": today_plus(1), "window_end": today_plus(10),
        "capacity_per_day": 50, "unit_price_minor": 880, "currency": "CNY", "visibility": "alliance"})
    assert offer.status_code == 201, offer.text
    order = await client.post("/v1/orders", headers=buyer, json={
        "reference": "DEMO-1", "product": "hoodie", "process": resource["processes"][0], "quantity": 120, "due_at": future(15), "currency": "CNY"})
    assert order.status_code == 201, order.text
    plan = await client.post("/v1/allocation-plans", headers=buyer, json={"items": [{"order_id": order.json()["id"], "offer_id": offer.json()["id"], "quantity": 120}]})
    assert plan.status_code == 201, plan.text
    [allocation] = plan.json()
    assert allocation["tier"] == "floating"
    accept = await client.post(f"/v1/allocations/{allocation['id']}/response", headers=supplier, json={"accept": True})
    assert accept.status_code == 200, accept.text
    progress = await client.post(f"/v1/allocations/{allocation['id']}/progress", headers=supplier,
                                 json={"operation": resource["processes"][0], "step": "scan", "quantity": 120, "operator": "demo"})
    assert progress.status_code == 201, progress.text

    rows = (await client.get("/v1/analytics/utilisation", headers=admin, params={"group_by": "tier"})).json()["rows"]
    assert {row["key"] for row in rows} >= {"floating"}
    # The dashboard's DCM comparison: the brand's demand, weeks 1, 5 and 9 raised by 40% (beyond +20%).
    [dcm] = (await client.get("/v1/catenax/comparison", headers=admin)).json()["rows"]
    assert dcm["buyer"] == "Inkwell Tees"
    assert [i for i, w in enumerate(dcm["weeks"]) if w["volatility"] == "increase"] == [1, 5, 9]
    query = "{ utilisation(groupBy: \"factory\") { label published allocated } orders(first: 5) { items { reference status } } }"
    result = (await client.post("/graphql", json={"query": query}, headers=admin)).json()
    assert "errors" not in result, result
    assert any(row["label"] == "Floating Works 01" and row["allocated"] >= 120 for row in result["data"]["utilisation"])
