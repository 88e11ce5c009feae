"""The migrations are a single line of history and build exactly the models' schema."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select

from capool.db import create_engine, create_session_factory
from capool.migrate import alembic_config, upgrade
from capool.models import metadata
from capool.tenancy.models import Alliance, Organisation, OrgKind
from marketplace.integrations.models import CodeMapping
from marketplace.models import (
    CapacityOffer,
    CapacityUnit,
    CostSensitivity,
    Order,
    OrderStatus,
    ProcessCode,
    Resource,
    ResourceKind,
    Site,
    Urgency,
    Visibility,
)
from tests.conftest import _fresh_postgres_database


def test_single_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


async def test_migrated_schema_matches_models(engine) -> None:
    def diff(connection):  # type: ignore[no-untyped-def]
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)

    async with engine.connect() as connection:
        assert await connection.run_sync(diff) == []


async def test_existing_alliances_get_the_processes_they_use(backend: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Upgrading a database in use: every process code its rows name joins the catalogue of
    the alliance that names it (orders, resources, offers, process code mappings), so no
    stored row names an unknown code; the downgrade removes the catalogue again."""
    before = ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision("0071_process_catalogue").down_revision
    assert isinstance(before, str)
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}" if backend == "sqlite" else await _fresh_postgres_database("_catalogue")
    await asyncio.to_thread(upgrade, url, before)
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            first, second = Alliance(name="First"), Alliance(name="Second")
            buyer, factory = (Organisation(alliance_id=first.id, name=n, kind=OrgKind.BOTH, region=None) for n in ("Buyer", "Factory"))
            elsewhere = Organisation(alliance_id=second.id, name="Elsewhere", kind=OrgKind.BUYER, region=None)
            site = Site(organisation_id=factory.id, name="plant", region="foshan", address=None)
            resource = Resource(organisation_id=factory.id, site_id=site.id, name="line", kind=ResourceKind.CREW, processes=["screen_printing", "sewing"],
                                materials=[], certifications=[], skills={})
            offer = CapacityOffer(organisation_id=factory.id, resource_id=resource.id, process="sewing", materials=[], window_start=date.today(),
                                  window_end=date.today(), capacity_unit=CapacityUnit.PIECE, capacity_per_day=1, total_capacity=1, reserved=0,
                                  unit_price_minor=1, currency="CNY", visibility=Visibility.ALLIANCE)

            def order(org: Organisation, process: str) -> Order:
                return Order(buyer_org_id=org.id, reference=f"PO-{uuid.uuid4().hex[:6]}", product="tee", process=process, material=None, operations=[process],
                             certifications=[], quantity=1, due_at=datetime.now(UTC) + timedelta(days=3), urgency=Urgency.NORMAL,
                             cost_sensitivity=CostSensitivity.MEDIUM, max_unit_price_minor=None, currency="CNY", min_quality_score=None,
                             status=OrderStatus.SUBMITTED, delivered_at=None)

            mapping = CodeMapping(organisation_id=buyer.id, system="catenax", kind="process", external_code="MAT-1", master_ref="dyeing")
            for rows in ([first, second], [buyer, factory, elsewhere], [site], [resource], [offer, order(buyer, "laser_cutting"), order(elsewhere, "sewing"), mapping]):
                session.add_all(rows)
                await session.flush()
            await session.commit()
        await asyncio.to_thread(upgrade, url)
        async with create_session_factory(engine)() as session:
            found = {(row.alliance_id, row.code): (row.name_en, row.name_zh_cn, row.retired_at)
                     for row in (await session.execute(select(ProcessCode))).scalars()}
        assert found == {
            (first.id, "dyeing"): ("Dyeing", "Dyeing", None),
            (first.id, "laser_cutting"): ("Laser cutting", "Laser cutting", None),
            (first.id, "screen_printing"): ("Screen printing", "丝网印刷", None),
            (first.id, "sewing"): ("Sewing", "缝制", None),
            (second.id, "sewing"): ("Sewing", "缝制", None),
        }
        await asyncio.to_thread(command.downgrade, alembic_config(url), before)
        await asyncio.to_thread(upgrade, url)
    finally:
        await engine.dispose()
