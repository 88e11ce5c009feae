"""The supplier's inspection lot pages and monthly statement over HTTP: open a lot for an
allocation, see its ISO 2859-1 plan, report counts by defect class and images, see the AQL
decision; the statement of the month. Another organisation's ids answer 404 and change nothing."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from capool.clock import utcnow
from capool.config import get_settings
from capool.db import create_session_factory
from inspection import store
from inspection.models import InspectionImage
from quality.models import InspectionLot
from tests.conftest import World, allocate, place, publish
from tests.inspection.test_api import run_jobs
from tests.portal.conftest import csrf_of, post_form, sign_in


@pytest.fixture(autouse=True)
def storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = tmp_path / "inspection-store"
    monkeypatch.setenv("CAPOOL_INSPECTION_STORAGE_DIR", str(root))
    get_settings.cache_clear()
    yield root
    get_settings.cache_clear()


async def lot_row(engine: AsyncEngine) -> InspectionLot | None:
    async with create_session_factory(engine)() as session:
        return (await session.execute(select(InspectionLot))).scalar_one_or_none()


async def accepted_allocation(portal: httpx.AsyncClient, world: World, quantity: int = 500) -> dict:
    offer = await publish(portal, world.partner, per_day=100, days=10)
    order = await place(portal, world.brand, quantity=quantity, aql=2.5)
    [allocation] = await allocate(portal, world.brand, [(order["id"], offer["id"], quantity)])
    accepted = await portal.post(f"/v1/allocations/{allocation['id']}/response", json={"accept": True}, headers=world.partner.headers)
    assert accepted.status_code == 200, accepted.text
    return allocation


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (32, 24), 128).save(buffer, format="PNG")
    return buffer.getvalue()


async def test_supplier_reports_results_and_sees_the_aql_decision(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    allocation = await accepted_allocation(portal, world)
    inspection = f"/portal/supplier/allocations/{allocation['id']}/inspection"

    # Another factory: the allocation and its lot pages answer 404, nothing is opened.
    await sign_in(portal, db, world.floating)
    assert (await portal.get(inspection)).status_code == 404
    page = await portal.get("/portal/supplier/allocations")
    assert (await portal.post(f"/portal/supplier/allocations/{allocation['id']}/lots", data={"_csrf": csrf_of(page.text), "quantity": "500"})).status_code == 404
    assert await lot_row(db) is None

    await sign_in(portal, db, world.partner)
    incoming = await portal.get("/portal/supplier/allocations")
    assert inspection in incoming.text
    bad = await post_form(portal, inspection, f"/portal/supplier/allocations/{allocation['id']}/lots", {"quantity": "1", "level": "II", "aql_major": "2.5"})
    assert bad.status_code == 422 and 'data-field="quantity"' in bad.text
    assert await lot_row(db) is None
    opened = await post_form(portal, inspection, f"/portal/supplier/allocations/{allocation['id']}/lots", {"quantity": "500", "level": "II", "aql_critical": "0", "aql_major": "2.5", "aql_minor": "4"})
    assert opened.status_code == 303, opened.text
    lot_path = opened.headers["location"]
    page = (await portal.get(lot_path)).text
    # ISO 2859-1: 500 pieces at level II is code letter H, 50 samples; AQL 2.5 accepts 3, rejects 4.
    assert 'id="sample-size">50<' in page
    major = page[page.index('data-class="major"'): page.index("</tr>", page.index('data-class="major"'))]
    assert "<td>3</td><td>4</td>" in major
    assert 'data-decision="open"' in page

    negative = await post_form(portal, lot_path, f"{lot_path}/results", {"class_0": "stain", "severity_0": "major", "count_0": "-1", "final": "on"})
    assert negative.status_code == 422
    assert (await lot_row(db)).major == 0  # type: ignore[union-attr]

    upload_page = await portal.get(lot_path)
    uploaded = await portal.post(f"{lot_path}/images", data={"_csrf": csrf_of(upload_page.text)}, files={"files": ("tile.png", png(), "image/png")})
    assert uploaded.status_code == 303, uploaded.text
    assert "1 image(s)" in (await portal.get(lot_path)).text
    # The image is still being inspected: a final report cannot decide the lot yet.
    held = await post_form(portal, lot_path, f"{lot_path}/results", {"final": "on"})
    assert held.status_code == 409 and "still being inspected" in held.text
    await run_jobs(db)
    async with create_session_factory(db)() as session:
        image = (await session.execute(select(InspectionImage))).scalar_one()
    assert image.status.value == "inspected"
    # What the camera found counts with the built-in model's card (the image is one unit).
    severity = store.builtin_card()["defect_severity"]
    camera_major = sum(n for label, n in image.defect_counts.items() if severity.get(label, "major") == "major")

    partial = await post_form(portal, lot_path, f"{lot_path}/results", {"class_0": "stain", "severity_0": "major", "count_0": "2"})
    assert partial.status_code == 303
    assert 'data-decision="open"' in (await portal.get(lot_path)).text
    final = await post_form(portal, lot_path, f"{lot_path}/results", {"class_0": "stain", "severity_0": "major", "count_0": "1", "class_1": "open_seam", "severity_1": "major", "count_1": "1", "final": "on"})
    assert final.status_code == 303
    page = (await portal.get(lot_path)).text
    assert 'data-decision="rejected"' in page  # at least 4 major nonconforming units: Re 4
    assert re.search(r"<td>stain</td><td>major</td><td>3</td>", page)
    assert 'id="results-form"' not in page  # a decided lot takes no more results
    zh = (await portal.get(f"/portal/lang/zh-CN?next={lot_path}", follow_redirects=True)).text
    assert "拒收" in zh and "抽样方案" in zh

    # The lot's buyer reads it (no forms); another factory gets 404 and cannot add counts.
    await sign_in(portal, db, world.brand)
    buyer_view = await portal.get(lot_path)
    assert buyer_view.status_code == 200 and 'id="results-form"' not in buyer_view.text
    order_page = (await portal.get(f"/portal/buyer/orders/{allocation['order_id']}")).text
    reports = order_page[order_page.index('id="quality"'): order_page.index("</table>", order_page.index('id="quality"'))]
    assert lot_path in reports and "rejected" in reports
    await sign_in(portal, db, world.floating)
    assert (await portal.get(lot_path)).status_code == 404
    page = await portal.get("/portal/supplier/allocations")
    denied = await portal.post(f"{lot_path}/results", data={"_csrf": csrf_of(page.text), "class_0": "stain", "severity_0": "major", "count_0": "9"})
    assert denied.status_code == 404
    denied_images = await portal.post(f"{lot_path}/images", data={"_csrf": csrf_of(page.text)}, files={"files": ("tile.png", png(), "image/png")})
    assert denied_images.status_code == 404
    assert (await lot_row(db)).major == 4 + camera_major  # type: ignore[union-attr]
    async with create_session_factory(db)() as session:
        assert int(await session.scalar(select(func.count()).select_from(InspectionImage)) or 0) == 1


async def test_monthly_statement(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    from settlement import service as ledger_service
    from settlement.ledger.entries import EntryType

    # A released payment, as settlement records it, from the brand to the partner factory.
    async with create_session_factory(db)() as session:
        await ledger_service.append(session, world.alliance_id, EntryType.PAYMENT_RELEASED, {
            "order_id": "o-1", "payer_org_id": str(world.brand.org_id), "payee_org_id": str(world.partner.org_id),
            "currency": "CNY", "amount_minor": 45_000, "penalty_minor": 450, "mode": "direct",
        }, parties=[str(world.brand.org_id), str(world.partner.org_id)], source_key="test:payment")
        await session.commit()
    month = utcnow().strftime("%Y-%m")

    await sign_in(portal, db, world.partner)
    page = await portal.get("/portal/supplier/statements")
    assert page.status_code == 200
    row = page.text[page.text.index('data-currency="CNY"'):]
    row = row[: row.index("</tr>")]
    # Earned 45000 fen and a 450 fen penalty, as money in the page's language.
    assert '<td class="money">CN¥450.00</td>' in row and '<td class="money">CN¥4.50</td>' in row and "45000" not in row
    assert f"Monthly statement {month}" in page.text
    assert "No payments this month." in (await portal.get("/portal/supplier/statements?month=2020-01")).text
    bad = await portal.get("/portal/supplier/statements?month=2026-13")
    assert bad.status_code == 422 and "YYYY-MM" in bad.text
    zh = (await portal.get("/portal/lang/zh-CN?next=/portal/supplier/statements", follow_redirects=True)).text
    assert "月度对账单" in zh and "收入" in zh and '<td class="money">¥450.00</td>' in zh

    # Another factory's statement does not show the partner's payment.
    await sign_in(portal, db, world.floating)
    other = await portal.get("/portal/supplier/statements")
    assert other.status_code == 200 and "450.00" not in other.text and "No payments this month." in other.text
