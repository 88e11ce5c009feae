"""The switching state is readable (REST, GraphQL, portal) and a discontinued supplier and
product resume, on tightened inspection, when the alliance's quality office confirms the
corrective action; nobody else can resume it."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from capool.db import create_session_factory
from capool.events import OutboxEvent
from capool.tenancy.models import OrgKind, Role
from tests.conftest import World, _member
from tests.portal.conftest import portal  # noqa: F401  (the portal client fixture)
from tests.quality.test_api import _allocation, _lot, _results
from tests.tenancy import snapshot


async def _discontinue(client: httpx.AsyncClient, world: World) -> tuple[dict, str]:
    allocation = await _allocation(client, world)
    for _ in range(7):  # 2 rejections on normal switch to tightened; 5 more on tightened discontinue
        lot = await _lot(client, world.partner, allocation["id"])
        assert (await _results(client, world.partner, lot["id"], major=5))["decision"] == "rejected"
    return allocation, lot["product"]


async def _switching(client: httpx.AsyncClient, member, product: str, factory: str | None = None) -> httpx.Response:  # type: ignore[no-untyped-def]
    params = {"product": product, **({"factory": factory} if factory else {})}
    return await client.get("/v1/quality/switching", headers=member.headers, params=params)


async def test_the_switching_state_follows_the_lots(client: httpx.AsyncClient, world: World) -> None:
    allocation = await _allocation(client, world)
    first = await _lot(client, world.partner, allocation["id"])
    fresh = await _switching(client, world.partner, first["product"])
    assert fresh.status_code == 200, fresh.text
    assert fresh.json() == {
        "factory_org_id": str(world.partner.org_id), "product": first["product"], "severity": "normal", "discontinued": False,
        "switching_score": 0, "recent_normal": [], "tightened_accepted_run": 0, "tightened_rejections": 0, "updated_at": None,
    }
    # Lot 1200, AQL 1.0: J, n=80, Ac 2. One major defect is also accepted at 0.65 (Ac 1): +3.
    await _results(client, world.partner, first["id"], major=1)
    after_one = (await _switching(client, world.partner, first["product"])).json()
    assert (after_one["severity"], after_one["switching_score"], after_one["recent_normal"]) == ("normal", 3, [True])
    second = await _lot(client, world.partner, allocation["id"])
    await _results(client, world.partner, second["id"], major=3)  # rejected: the score resets
    third = await _lot(client, world.partner, allocation["id"])
    await _results(client, world.partner, third["id"], major=3)  # two rejections in five lots: tightened
    state = (await _switching(client, world.partner, first["product"])).json()
    assert (state["severity"], state["switching_score"], state["recent_normal"], state["tightened_rejections"]) == ("tightened", 0, [], 0)
    assert state["updated_at"] is not None
    # The alliance's quality office reads any factory of its alliance; GraphQL answers the same.
    office = await _switching(client, world.admin, first["product"], str(world.partner.org_id))
    assert office.status_code == 200 and office.json() == state
    query = "query($p: String!, $f: UUID) { qualitySwitching(product: $p, factoryOrgId: $f) { severity discontinued switchingScore } }"
    answer = await client.post("/graphql", headers=world.admin.headers, json={"query": query, "variables": {"p": first["product"], "f": str(world.partner.org_id)}})
    assert answer.json()["data"]["qualitySwitching"] == {"severity": "tightened", "discontinued": False, "switchingScore": 0}
    # Another factory, the buyer, and another alliance: 404.
    for member in (world.floating, world.brand, world.outsider):
        denied = await _switching(client, member, first["product"], str(world.partner.org_id))
        assert denied.status_code == 404, (member, denied.text)
    assert (await _switching(client, world.partner, "")).status_code == 422


async def test_the_quality_office_resumes_a_discontinued_supplier_on_tightened(client: httpx.AsyncClient, world: World, db) -> None:  # type: ignore[no-untyped-def]
    allocation, product = await _discontinue(client, world)
    stopped = (await _switching(client, world.partner, product)).json()
    assert (stopped["severity"], stopped["discontinued"], stopped["tightened_rejections"]) == ("tightened", True, 5)
    blocked = await client.post("/v1/quality/lots", headers=world.partner.headers, json={"allocation_id": allocation["id"], "quantity": 100, "lot_size": 1200})
    assert blocked.status_code == 409 and blocked.json()["code"] == "inspection_discontinued"

    body = {"factory_org_id": str(world.partner.org_id), "product": product, "note": "moved the screen-printing dryer; 3 test lots clean"}
    before = await snapshot(db)
    # The supplier itself, the buyer and an org admin of another alliance may not resume it.
    for member in (world.partner, world.brand):
        refused = await client.post("/v1/quality/switching/resume", headers=member.headers, json=body)
        assert refused.status_code == 403, refused.text
    async with create_session_factory(db)() as session:
        from capool.tenancy import service as members

        elsewhere = await members.create_alliance(session, "Elsewhere")
        foreign_office = await _member(session, elsewhere.id, "Other Office", OrgKind.BUYER, Role.ALLIANCE_ADMIN)
        await session.commit()
    before = await snapshot(db)
    foreign = await client.post("/v1/quality/switching/resume", headers=foreign_office.headers, json=body)
    assert foreign.status_code == 404, foreign.text
    no_note = await client.post("/v1/quality/switching/resume", headers=world.admin.headers, json={**body, "note": "  "})
    assert no_note.status_code == 422 and no_note.json()["errors"][0]["pointer"] == "/note"
    assert await snapshot(db) == before

    resumed = await client.post("/v1/quality/switching/resume", headers=world.admin.headers, json=body)
    assert resumed.status_code == 200, resumed.text
    assert (resumed.json()["severity"], resumed.json()["discontinued"], resumed.json()["tightened_rejections"]) == ("tightened", False, 0)
    async with create_session_factory(db)() as session:
        event = (await session.execute(select(OutboxEvent).where(OutboxEvent.type == "quality.inspection_resumed"))).scalar_one()
        assert event.payload == {"factory_org_id": str(world.partner.org_id), "product": product, "severity": "tightened",
                                 "resumed_by": str(world.admin.user_id), "note": body["note"]}
    # Lots open again, on tightened inspection (J at AQL 1.0: 1/2), and the rules run on.
    lot = await _lot(client, world.partner, allocation["id"])
    assert (lot["severity"], lot["plan"]["classes"]["major"]["ac"]) == ("tightened", 1)
    again = await client.post("/v1/quality/switching/resume", headers=world.admin.headers, json=body)
    assert again.status_code == 409 and again.json()["code"] == "not_discontinued"


async def test_graphql_resume_inspection(client: httpx.AsyncClient, world: World) -> None:
    _, product = await _discontinue(client, world)
    mutation = """mutation($input: ResumeInspectionInput!) { resumeInspection(input: $input) {
        switching { severity discontinued } errors { code field } } }"""
    variables = {"input": {"factoryOrgId": str(world.partner.org_id), "product": product, "note": "new squeegees"}}
    answer = await client.post("/graphql", headers=world.admin.headers, json={"query": mutation, "variables": variables})
    assert answer.json()["data"]["resumeInspection"] == {"switching": {"severity": "tightened", "discontinued": False}, "errors": []}
    again = await client.post("/graphql", headers=world.admin.headers, json={"query": mutation, "variables": variables})
    assert again.json()["data"]["resumeInspection"]["errors"][0]["code"] == "NOT_DISCONTINUED"


async def test_the_portal_lot_page_shows_the_switching_state(client: httpx.AsyncClient, world: World, db, portal) -> None:  # type: ignore[no-untyped-def]
    from tests.portal.conftest import sign_in

    allocation = await _allocation(client, world)
    lot = await _lot(client, world.partner, allocation["id"])
    await _results(client, world.partner, lot["id"], major=1)
    await sign_in(portal, db, world.partner)
    page = await portal.get(f"/portal/supplier/lots/{lot['id']}")
    assert page.status_code == 200, page.text
    assert 'id="switching" data-severity="normal" data-discontinued="no"' in page.text
    assert "switching score 3" in page.text
    # The Found column shows what the major class was judged on: 1 unit (AQL 1.0, percent nonconforming).
    assert '<tr data-class="major">' in page.text and ">1 unit(s)</td>" in page.text
