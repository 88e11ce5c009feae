"""The buyer portal's repair page (issue 13 item 4): accepted and in-production work on a
withdrawn offer shows as an alert with the work and what is not yet produced, with the
repair proposal for those units; the buyer applies it (org admins approve it first when it
needs two approvals). Nobody outside the buyer organisation sees or touches it."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select

from capool.db import create_session_factory
from capool.tenancy.models import Role
from forecasting.models import AlertKind, HealthAlert
from marketplace.models import Allocation
from matching.models import RunStatus
from tests.conftest import _member, place, publish
from tests.matching.test_repair import _accept, _allocations, _apply_run, _consume_withdrawal, _produce, _repair_runs, _solve_queued, _withdraw, thresholds
from tests.portal.conftest import post_form, sign_in

REPAIRS = "/portal/buyer/repairs"


async def _in_production_on_a_withdrawn_offer(client, world, db) -> tuple[dict, dict, dict, str]:
    """100 units accepted on the floating factory's offer, 30 produced, then the offer is
    withdrawn and its consumer has run: an open alert and a queued repair run."""
    first = await publish(client, world.floating, price=300, per_day=20)
    backup = await publish(client, world.partner, price=600)
    order = await place(client, world.brand, quantity=100)
    await _apply_run(client, world.brand)
    async with create_session_factory(db)() as session:
        allocation_id = str((await session.execute(select(Allocation.id).where(Allocation.order_id == uuid.UUID(order["id"])))).scalar_one())
    await _accept(client, world.floating, allocation_id)
    await _produce(client, world.floating, allocation_id, 30)
    await _withdraw(client, world.floating, first["id"])
    await _consume_withdrawal(db)
    return first, backup, order, allocation_id


def _section(html: str, offer_id: str) -> str:
    start = html.index(f'data-offer="{offer_id}"')
    return html[start: html.index("</section>", start)]


async def _open_alert(db) -> HealthAlert | None:
    async with create_session_factory(db)() as session:
        return (await session.scalars(select(HealthAlert).where(HealthAlert.kind == AlertKind.WITHDRAWN_WORK, HealthAlert.resolved_at.is_(None)))).one_or_none()


async def test_the_buyer_sees_the_alert_and_applies_the_proposal_for_the_units_not_produced(client, world, db, monkeypatch) -> None:
    thresholds(monkeypatch, share_pct=50, units=500)  # 70 units moved: below 500, no approvals
    first, backup, order, allocation_id = await _in_production_on_a_withdrawn_offer(client, world, db)
    [run] = await _repair_runs(db)

    await sign_in(client, db, world.brand)
    orders = await client.get("/portal/buyer/orders")
    assert 'id="withdrawn-work-banner"' in orders.text and f'href="{REPAIRS}"' in orders.text
    page = await client.get(REPAIRS)
    assert page.status_code == 200
    section = _section(page.text, first["id"])
    assert 'data-kind="withdrawn_work"' in section and f'data-run="{run.id}"' in section
    # The work on the withdrawn offer: 100 allocated, 30 produced; the proposal is still queued.
    assert re.search(rf'data-allocation="{allocation_id}"><td><a [^>]+>{order["reference"]}</a></td><td>100</td><td>30</td>', section)
    assert 'class="proposal-queued"' in section and "apply-repair" not in section

    await _solve_queued(db, run.id)
    section = _section((await client.get(REPAIRS)).text, first["id"])
    # The proposal: the 70 units not yet produced on the partner's offer, at the partnership's
    # agreed 450 fen (not the offer's 600), shown as money (this page is in zh-CN), applicable now.
    assert re.search(rf'<tr data-offer="{backup["id"]}"><td>{order["reference"]}</td><td class="offer">Partner Factory · line-[0-9a-f]{{6}}</td><td class="quantity">70</td><td class="money">¥4.50</td>', section)
    # The withdrawn offer is named too: the factory, its resource and process, not its id.
    assert re.search(r'<h2 class="alert" data-kind="withdrawn_work">产能 [^<]+ · line-[0-9a-f]{6} 已撤回', section), section[:600]
    assert first["id"] not in section[section.index('<h2 class="alert"'):]
    assert 'data-status="proposed"' in section and "apply-repair" in section and "approve-repair" not in section

    applied = await post_form(client, REPAIRS, f"{REPAIRS}/{run.id}/apply", {})
    assert applied.status_code == 303 and applied.headers["location"] == REPAIRS
    assert await _allocations(db, order["id"]) == [(first["id"], "accepted", 30), (backup["id"], "proposed", 70)]
    assert await _open_alert(db) is None
    after = await client.get(REPAIRS)
    assert 'id="no-repairs"' in after.text and 'data-kind="withdrawn_work"' not in after.text
    assert 'id="withdrawn-work-banner"' not in (await client.get("/portal/buyer/orders")).text


async def test_a_large_repair_waits_for_two_org_admins_and_other_buyers_cannot_see_or_touch_it(client, world, db, monkeypatch) -> None:
    thresholds(monkeypatch, share_pct=50, units=50)  # 70 of 100 units moved: two approvals
    first, backup, order, _ = await _in_production_on_a_withdrawn_offer(client, world, db)
    [run] = await _repair_runs(db)
    solved = await _solve_queued(db, run.id)
    assert (solved.status, solved.needs_approval) == (RunStatus.AWAITING_APPROVAL, True)
    async with create_session_factory(db)() as session:
        approvers = [await _member(session, world.alliance_id, "Brand", world.brand.actor.org_kind, Role.ORG_ADMIN, world.brand.org_id) for _ in range(2)]
        rival_admin = await _member(session, world.alliance_id, "Other Buyer", world.other_buyer.actor.org_kind, Role.ORG_ADMIN, world.other_buyer.org_id)
        await session.commit()

    # Another buyer organisation: no alert, no proposal; approving or applying the brand's run
    # by its id is "not found", and nothing changes.
    for outsider in (world.other_buyer, rival_admin):
        await sign_in(client, db, outsider)
        page = await client.get(REPAIRS)
        assert page.status_code == 200 and 'id="no-repairs"' in page.text and str(run.id) not in page.text
        assert 'id="withdrawn-work-banner"' not in (await client.get("/portal/buyer/orders")).text
    refused = await post_form(client, REPAIRS, f"{REPAIRS}/{run.id}/approve", {})
    assert refused.status_code == 404
    await sign_in(client, db, world.other_buyer)
    refused = await post_form(client, REPAIRS, f"{REPAIRS}/{run.id}/apply", {})
    assert refused.status_code == 404
    assert (await _repair_runs(db))[0].status == RunStatus.AWAITING_APPROVAL

    # The buyer (who requested it) may not approve and cannot apply before two approvals.
    await sign_in(client, db, world.brand)
    section = _section((await client.get(REPAIRS)).text, first["id"])
    assert 'data-status="awaiting_approval"' in section and "approve-repair" not in section and "apply-repair" not in section
    early = await post_form(client, REPAIRS, f"{REPAIRS}/{run.id}/apply", {})
    assert early.status_code == 409 and 'id="form-errors"' in early.text and "此方案需两人审批后才能应用。" in early.text  # the code's text (zh-CN page)
    assert await _allocations(db, order["id"]) == [(first["id"], "accepted", 100)]

    for n, approver in enumerate(approvers, start=1):
        await sign_in(client, db, approver)
        section = _section((await client.get(REPAIRS)).text, first["id"])
        assert "approve-repair" in section
        approved = await post_form(client, REPAIRS, f"{REPAIRS}/{run.id}/approve", {})
        assert approved.status_code == 303
        section = _section((await client.get(REPAIRS)).text, first["id"])
        assert "approve-repair" not in section  # each approver signs once
        assert f"{n} of 2" in section or f"{n} / 2" in section
    assert 'data-status="approved"' in section

    await sign_in(client, db, world.brand)
    applied = await post_form(client, REPAIRS, f"{REPAIRS}/{run.id}/apply", {})
    assert applied.status_code == 303
    assert await _allocations(db, order["id"]) == [(first["id"], "accepted", 30), (backup["id"], "proposed", 70)]
    assert await _open_alert(db) is None
