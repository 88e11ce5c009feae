"""The buyer's order page over HTTP: allocations with the matching engine's explanation and
backups, "match now" (small runs applied at once, large ones after two approvals by
people with matching:approve), and ledger proofs verified on the server. Another
organisation's order, run or ledger entry answers 404 and changes nothing."""

from __future__ import annotations

import re
import uuid

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from capool import events
from capool.clock import utcnow
from capool.db import create_session_factory
from capool.events import OutboxEvent
from capool.tenancy.models import OrgKind, Role
from marketplace.models import Allocation
from matching.models import MatchApproval, MatchRun
from tests.conftest import Member, World, _member, place, publish
from tests.portal.conftest import csrf_of, sign_in


async def count(engine: AsyncEngine, model: type) -> int:
    async with create_session_factory(engine)() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def press(client: httpx.AsyncClient, page_path: str, action: str) -> httpx.Response:
    page = await client.get(page_path)
    assert page.status_code == 200, page.text
    return await client.post(action, data={"_csrf": csrf_of(page.text)})


async def approver(engine: AsyncEngine, world: World) -> Member:
    """Another person of the brand with matching:approve (an organisation admin)."""
    async with create_session_factory(engine)() as session:
        member = await _member(session, world.alliance_id, "Brand", OrgKind.BOTH, Role.ORG_ADMIN, world.brand.org_id)
        await session.commit()
    return member


async def test_match_now_applies_a_small_run_and_shows_why_and_the_backups(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    await publish(portal, world.partner, per_day=100, days=10, price=450)
    await publish(portal, world.floating, per_day=100, days=10, price=520)
    order = await place(portal, world.brand, quantity=300)
    path = f"/portal/buyer/orders/{order['id']}"

    # Another buyer cannot match, preview or see the brand's order: 404, nothing stored.
    await sign_in(portal, db, world.other_buyer)
    mine = await portal.get("/portal/buyer/orders")
    for action in ("match", "preview"):
        denied = await portal.post(f"{path}/{action}", data={"_csrf": csrf_of(mine.text)})
        assert denied.status_code == 404, denied.text
    assert (await portal.get(path)).status_code == 404
    assert await count(db, MatchRun) == 0

    await sign_in(portal, db, world.brand)
    page = await portal.get(path)
    assert 'id="match-button"' in page.text and "No ledger entries yet." in page.text
    preview = await press(portal, path, f"{path}/preview")
    assert preview.status_code == 200 and 'id="preview"' in preview.text
    # The plan names its offers (factory · resource · process), never their ids.
    plan = preview.text[preview.text.index('id="preview"'): preview.text.index("</table>", preview.text.index('id="preview"'))]
    assert re.search(r'<td class="offer">Partner Factory · line-[0-9a-f]{6}</td>', plan), plan
    assert not re.search(r"<td>[0-9a-f]{8}-[0-9a-f]{4}-", plan)
    assert await count(db, MatchRun) == 0  # a preview stores nothing
    matched = await press(portal, path, f"{path}/match")
    assert matched.status_code == 303, matched.text
    page = (await portal.get(path)).text
    assert 'data-status="applied"' in page
    assert "allocated" in page[page.index('id="stage"'): page.index("</dd>", page.index('id="stage"'))]
    card = page[page.index('class="card explanation"'): page.index("</article>")]
    assert "lowest weighted cost" in card or "cheaper eligible offers" in card
    backups = card[card.index('class="backups"'):]
    assert "Floating Factory" in backups or "Partner Factory" in backups
    assert not re.search(r"<td>[0-9a-f]{8}-[0-9a-f]{4}-", card)  # names, not ids
    assert await count(db, Allocation) >= 1
    assert 'id="match-button"' not in page  # the order is allocated now

    zh = (await portal.get(f"/portal/lang/zh-CN?next={path}", follow_redirects=True)).text
    assert "分配结果：理由与备选" in zh and "备选工厂" in zh and "已应用" in zh


async def test_a_large_run_waits_for_two_approvals(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    await publish(portal, world.floating, per_day=100, days=10, price=45_000)
    order = await place(portal, world.brand, quantity=100)  # 4.5 million minor units: over the approval line
    path = f"/portal/buyer/orders/{order['id']}"
    await sign_in(portal, db, world.brand)
    assert (await press(portal, path, f"{path}/match")).status_code == 303
    page = (await portal.get(path)).text
    assert 'data-status="awaiting_approval"' in page and "0 of 2" in page
    assert 'id="approve-button"' not in page  # a buyer lacks matching:approve
    assert await count(db, Allocation) == 0
    async with create_session_factory(db)() as session:
        run_id = (await session.execute(select(MatchRun.id))).scalar_one()

    first, second = await approver(db, world), await approver(db, world)
    # Someone else's order or run: 404 and no signature.
    await sign_in(portal, db, world.outsider)
    home = await portal.get("/portal/buyer/orders")
    assert (await portal.post(f"{path}/runs/{run_id}/approve", data={"_csrf": csrf_of(home.text)})).status_code == 404
    await sign_in(portal, db, world.other_buyer)
    home = await portal.get("/portal/buyer/orders")
    other_order = await place(portal, world.other_buyer, quantity=10)
    # A buyer lacks matching:approve: refused by the page's declared permission, whatever the ids.
    assert (await portal.post(f"/portal/buyer/orders/{other_order['id']}/runs/{run_id}/approve", data={"_csrf": csrf_of(home.text)})).status_code == 403
    assert await count(db, MatchApproval) == 0

    await sign_in(portal, db, first)
    assert (await press(portal, path, f"{path}/runs/{run_id}/approve")).status_code == 303
    page = (await portal.get(path)).text
    assert "1 of 2" in page and 'id="approve-button"' not in page  # one signature per person
    early = await press(portal, path, f"{path}/runs/{run_id}/apply")
    assert early.status_code == 409 and "needs two approvals" in early.text
    assert await count(db, Allocation) == 0

    await sign_in(portal, db, second)
    assert (await press(portal, path, f"{path}/runs/{run_id}/approve")).status_code == 303
    page = (await portal.get(path)).text
    assert "2 of 2" in page and 'id="apply-button"' in page
    assert (await press(portal, path, f"{path}/runs/{run_id}/apply")).status_code == 303
    assert 'data-status="applied"' in (await portal.get(path)).text
    assert await count(db, Allocation) == 1


async def drain(engine: AsyncEngine) -> None:
    """What capool.jobs.process_outbox_event does, for every waiting event, in order."""
    async with create_session_factory(engine)() as session:
        ids = list((await session.execute(select(OutboxEvent.id).where(OutboxEvent.processed_at.is_(None)).order_by(OutboxEvent.created_at))).scalars())
    for event_id in ids:
        async with create_session_factory(engine)() as session:
            row = await session.get(OutboxEvent, event_id, with_for_update=True)
            assert row is not None
            for handler in events.consumers_for(row.type):
                await handler(session, row)
            row.processed_at = utcnow()
            await session.commit()


async def test_ledger_proofs_of_an_order_verify_and_stay_private(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    await publish(portal, world.partner, per_day=100, days=10, price=450)
    order = await place(portal, world.brand, quantity=100)
    path = f"/portal/buyer/orders/{order['id']}"
    await sign_in(portal, db, world.brand)
    assert (await press(portal, path, f"{path}/match")).status_code == 303
    async with create_session_factory(db)() as session:
        allocation = (await session.execute(select(Allocation))).scalar_one()
    accepted = await portal.post(f"/v1/allocations/{allocation.id}/response", json={"accept": True}, headers=world.partner.headers)
    assert accepted.status_code == 200, accepted.text
    await drain(db)

    page = (await portal.get(path)).text
    seqs = re.findall(r'<tr data-seq="(\d+)">', page)
    assert seqs, "the accepted allocation is a ledger entry of the order"
    proof_path = f"{path}/ledger/{seqs[0]}/proof"
    proof = await portal.get(proof_path)
    assert proof.status_code == 200
    assert 'id="server-check" data-ok="true"' in proof.text
    assert 'id="verify-button"' in proof.text and '"logIndex"' in proof.text

    # Not an entry of this order, and another buyer's view: 404.
    assert (await portal.get(f"{path}/ledger/999/proof")).status_code == 404
    await sign_in(portal, db, world.other_buyer)
    assert (await portal.get(proof_path)).status_code == 404


async def test_a_tampered_proof_does_not_verify(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    from api.portal.buyer import check_proof
    from api.portal.web import page_context
    from settlement import service as ledger_service
    from settlement.ledger.entries import EntryType

    async with create_session_factory(db)() as session:
        for n in range(3):
            await ledger_service.append(session, world.alliance_id, EntryType.ALLOCATION_CONFIRMED, {"allocation_id": str(uuid.uuid4()), "n": n},
                                        parties=[str(world.brand.org_id)], source_key=f"test:{n}")
        await ledger_service.issue_checkpoint(session, world.alliance_id)
        await session.commit()

    class FakeRequest:
        cookies: dict = {}
        headers: dict = {}

    async with create_session_factory(db)() as session:
        ctx = await page_context(FakeRequest(), session)  # type: ignore[arg-type]
        ctx.actor = world.brand.actor
        entry = (await ledger_service.list_entries(session, world.brand.actor))[1]
        proof = await ledger_service.inclusion_proof(session, world.brand.actor, entry["seq"])
        assert await check_proof(session, ctx, entry, proof) == (True, "")
        bent = dict(proof, hashes=[("0" * 64)] + proof["hashes"][1:])
        ok, problem = await check_proof(session, ctx, entry, bent)
        assert not ok and problem
        forged = dict(entry, payload=entry["payload"].replace('"n":1', '"n":9'))
        assert (await check_proof(session, ctx, forged, proof))[0] is False
