"""A realistic demo alliance, loaded through the same services as the API.

A T-shirt brand with three own workshops (core tier), five contracted partner factories,
twenty floating factories (garment and precision-parts shops), and a few hundred orders
over the last 90 days with allocations, shop-floor progress, inspected lots and deliveries.

Each order's history is written in causal order with increasing timestamps (allocated,
confirmed, production steps, lot decision, inspected, delivered, each after the order's
creation). At the end the demo works off its own outbox with the worker's consumers, in the
same transaction, so the ledger (milestones, lot decisions, payments) and the monthly
statements are there as soon as `capool demo` commits.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from capool import jobs
from capool.clock import utcnow
from capool.errors import Conflict
from capool.progress import Progress, silent
from capool.tenancy import service as members
from capool.tenancy.actor import Actor, user_actor
from capool.tenancy.models import Alliance, Organisation, OrgKind, Role, User
from capool.tenancy.passwords import set_password
from marketplace import allocations, capacity, catalogue, orders
from marketplace.models import CapacityOffer, OrderStatus, ProgressStep, Visibility
from marketplace.schemas import (
    OfferIn,
    OrderIn,
    PartnershipIn,
    PlanItem,
    ProcessIn,
    ProcessNames,
    ProgressIn,
    ResourceIn,
    SiteIn,
)
from quality import service as quality_service
from quality.models import LotDecision
from quality.schemas import LotIn
from settlement import invoice
from settlement.models import LedgerEntryRow

ALLIANCE = "Pearl River Capacity Alliance"
# Demo people sign in to the portal with their e-mail and this password (demo data only).
DEMO_PASSWORD = "capool-demo"
PORTAL = {"url": "/portal/", "password": DEMO_PASSWORD, "logins": {
    "buyer": "buyer@inkwell.example", "supplier": "ops@partner1.example", "own workshops": "ops@inkwell.example", "alliance admin": "admin@alliance.example",
    "approvers": "approver1@inkwell.example, approver2@inkwell.example"}}
# Catena-X identities of the demo (declared in the brand's code mapping, system "catenax").
DCM_BRAND_BPNL, DCM_PARTNER_BPNL, DCM_MATERIAL = "BPNL00000INKWELL", "BPNL0000PARTNER1", "INK-TEE-001"
GARMENT = ["screen_printing", "dtg_printing", "embroidery", "cut_and_sew", "heat_transfer"]
PARTS = ["cnc_milling", "stamping"]
MATERIALS = {"screen_printing": ["cotton", "poly_cotton"], "dtg_printing": ["cotton"], "embroidery": ["cotton", "polyester"],
             "cut_and_sew": ["cotton", "polyester"], "heat_transfer": ["polyester", "cotton"], "cnc_milling": ["aluminium", "steel"],
             "stamping": ["steel", "aluminium"]}
REGIONS = ["guangzhou", "dongguan", "foshan", "shenzhen", "zhongshan"]
# The alliance's process catalogue (marketplace.catalogue): the codes above, named in English and Chinese.
PROCESS_NAMES = {"screen_printing": ("Screen printing", "丝网印刷"), "dtg_printing": ("Direct-to-garment printing", "数码直喷印花"),
                 "embroidery": ("Embroidery", "刺绣"), "cut_and_sew": ("Cut and sew", "裁剪缝制"), "heat_transfer": ("Heat transfer printing", "热转印"),
                 "cnc_milling": ("CNC milling", "数控铣削"), "stamping": ("Stamping", "冲压")}
PRODUCTS = {"screen_printing": "Printed tee", "dtg_printing": "Photo-print tee", "embroidery": "Embroidered polo",
            "cut_and_sew": "Custom hoodie", "heat_transfer": "Team jersey", "cnc_milling": "Machined bracket", "stamping": "Stamped clip"}


def actor_for(user: User, org: Organisation, alliance: Alliance) -> Actor:
    return user_actor(user, org, alliance)


async def _member(session: AsyncSession, alliance: Alliance, name: str, kind: OrgKind, region: str, role: Role, email: str) -> tuple[Organisation, Actor]:
    org = await members.create_organisation(session, alliance.id, name, kind, region)
    user = await members.create_user(session, org.id, email, f"{name} {role.value.replace('_', ' ')}", role)
    return org, actor_for(user, org, alliance)


async def _factory(session: AsyncSession, actor: Actor, name: str, region: str, processes: list[str], rng: random.Random, visibility: Visibility, today: datetime) -> list[CapacityOffer]:
    site = await capacity.create_site(session, actor, SiteIn(name=f"{name} plant", region=region))
    offers = []
    for index, process in enumerate(processes):
        resource = await capacity.create_resource(session, actor, ResourceIn(
            site_id=site.id, name=f"{process.replace('_', ' ')} line {index + 1}",
            kind="work_centre" if process in PARTS else "crew", processes=[process], materials=MATERIALS[process],
            certifications=rng.sample(["iso9001", "oeko_tex", "bsci", "gots"], k=rng.randint(0, 2)),
            skills={} if process in PARTS else {"operators": rng.randint(4, 20)}, carbon_g_per_unit=rng.randint(80, 600),
        ))
        offers.append(await capacity.publish_offer(session, actor, OfferIn(
            resource_id=resource.id, process=process, window_start=(today - timedelta(days=100)).date(),
            window_end=(today + timedelta(days=60)).date(), capacity_per_day=rng.randint(8, 30) * 10,
            unit_price_minor=rng.randint(150, 900) * 10, currency="CNY", min_batch=rng.choice([10, 20, 50]),
            lead_time_days=rng.randint(0, 3), visibility=visibility,
        )))
    return offers


async def load_demo(
    session: AsyncSession, *, orders: int = 300, seed: int = 7, now: datetime | None = None, progress: Progress = silent
) -> dict[str, Any]:
    """Load the demo alliance in the caller's transaction; `progress` hears each phase and
    each order (the default size takes minutes)."""
    now = now or utcnow()
    rng = random.Random(seed)
    if (await session.execute(select(Alliance).where(Alliance.name == ALLIANCE))).scalar_one_or_none():
        return await _fresh_keys(session)
    progress("members, sites and capacity offers", 0, 1)
    alliance = await members.create_alliance(session, ALLIANCE)
    for code in GARMENT + PARTS:
        en, zh = PROCESS_NAMES[code]
        await catalogue.add_to_alliance(session, alliance.id, ProcessIn(code=code, names=ProcessNames(en=en, zh_cn=zh)))
    brand, brand_buyer = await _member(session, alliance, "Inkwell Tees", OrgKind.BOTH, "guangzhou", Role.BUYER, "buyer@inkwell.example")
    brand_ops_user = await members.create_user(session, brand.id, "ops@inkwell.example", "Inkwell workshop lead", Role.SUPPLIER_OPERATOR)
    brand_ops = actor_for(brand_ops_user, brand, alliance)
    # Large runs need two approvers other than the buyer who requests them: two org admins.
    approvers = [actor_for(await members.create_user(session, brand.id, f"approver{n}@inkwell.example", f"Inkwell approver {n}", Role.ORG_ADMIN), brand, alliance)
                 for n in (1, 2)]
    _, admin = await _member(session, alliance, "Alliance Office", OrgKind.BUYER, "guangzhou", Role.ALLIANCE_ADMIN, "admin@alliance.example")

    offers: list[tuple[CapacityOffer, Actor]] = []
    for index, processes in enumerate([["screen_printing", "cut_and_sew"], ["dtg_printing", "heat_transfer"], ["embroidery", "screen_printing"]]):
        for offer in await _factory(session, brand_ops, f"Inkwell workshop {index + 1}", REGIONS[index], processes, rng, Visibility.PRIVATE, now):
            offers.append((offer, brand_ops))
    partner_actors = []
    partnerships: set[tuple[Any, Any]] = set()
    for index in range(5):
        org, operator = await _member(session, alliance, f"Partner Garments {index + 1}", OrgKind.FACTORY, rng.choice(REGIONS), Role.SUPPLIER_OPERATOR, f"ops@partner{index + 1}.example")
        partner_actors.append(operator)
        for offer in await _factory(session, operator, org.name, org.region or "", rng.sample(GARMENT, k=2), rng, Visibility.PARTNERS, now):
            offers.append((offer, operator))
        await capacity.create_partnership(session, brand_buyer, PartnershipIn(factory_org_id=org.id, priority=index + 1, reserved_share_pct=20))
        partnerships.add((brand.id, org.id))
    floating_actors = []
    for index in range(20):
        processes = rng.sample(PARTS, k=1) if index % 4 == 3 else rng.sample(GARMENT, k=rng.randint(1, 2))
        org, operator = await _member(session, alliance, f"Floating Works {index + 1:02d}", OrgKind.FACTORY, rng.choice(REGIONS), Role.SUPPLIER_OPERATOR, f"ops@floating{index + 1:02d}.example")
        floating_actors.append(operator)
        for offer in await _factory(session, operator, org.name, org.region or "", processes, rng, Visibility.ALLIANCE, now):
            offers.append((offer, operator))
    _, other_buyer = await _member(session, alliance, "Northwind Outfitters", OrgKind.BUYER, "shenzhen", Role.BUYER, "buyer@northwind.example")

    progress("members, sites and capacity offers", 1, 1)
    status_counts: dict[str, int] = {}
    start = now - timedelta(days=90)
    progress("orders with allocations, progress, lots and deliveries", 0, orders)
    for number in range(orders):
        buyer = brand_buyer if number % 10 else other_buyer
        created = start + timedelta(hours=number * 90 * 24 / orders)
        process = rng.choice(GARMENT)
        order = await orders_service_place(session, buyer, number, process, rng, created)
        status = await _history(session, buyer, order, offers, rng, created, now, partnerships)
        status_counts[status] = status_counts.get(status, 0) + 1
        progress("orders with allocations, progress, lots and deliveries", number + 1, orders)

    progress("the brand's Catena-X material demand (two versions)", 0, 1)
    await _dcm_demand(session, brand_buyer, partner_actors[0], [o for o, owner in offers if owner is partner_actors[0]], rng, now)
    progress("the brand's Catena-X material demand (two versions)", 1, 1)
    progress("working off the outbox into the ledger", 0, 1)
    await jobs.work_off_outbox(session)
    progress("working off the outbox into the ledger", 1, 1)
    keys = await _issue_keys(session, {"buyer (Inkwell Tees)": brand_buyer, "supplier (Inkwell workshops)": brand_ops,
                                       "supplier (Partner Garments 1)": partner_actors[0], "supplier (Floating Works 01)": floating_actors[0],
                                       "alliance admin": admin, "buyer (Northwind Outfitters)": other_buyer,
                                       "approver 1 (Inkwell Tees)": approvers[0], "approver 2 (Inkwell Tees)": approvers[1]})
    return {"alliance": ALLIANCE, "organisations": 3 + 5 + 20, "offers": len(offers), "orders": status_counts,
            "ledger": await _ledger_summary(session, alliance, brand_buyer), "api_keys": keys, "portal": PORTAL}


async def _dcm_demand(session: AsyncSession, buyer: Actor, supplier: Actor, supplier_offers: list[CapacityOffer], rng: random.Random, now: datetime) -> None:
    """A WeekBasedMaterialDemand of the brand naming its first partner, imported twice (a
    week apart, some weeks changed by 40%), so that the dashboard compares it with capacity
    and flags the volatile weeks."""
    from marketplace.integrations import mapping
    from marketplace.integrations.catenax import service as dcm
    from marketplace.integrations.schemas import MappingIn

    offer = supplier_offers[0]
    for kind, code, ref in (("organisation", DCM_BRAND_BPNL, str(buyer.organisation_id)), ("organisation", DCM_PARTNER_BPNL, str(supplier.organisation_id)),
                            ("process", DCM_MATERIAL, offer.process)):
        await mapping.create_mapping(session, buyer, MappingIn(system="catenax", kind=kind, external_code=code, master_ref=ref))
    monday = now.date() - timedelta(days=now.weekday())
    weekly_capacity = offer.capacity_per_day * 7
    first = [round(weekly_capacity * rng.uniform(0.2, 1.3)) for _ in range(12)]
    second = [round(q * 1.4) if week % 4 == 1 else round(q * 0.6) if week % 4 == 3 else q for week, q in enumerate(first)]
    for quantities, changed in ((first, now - timedelta(days=7)), (second, now)):
        await dcm.import_material_demand(session, buyer, {
            "materialDemandId": "3f6c2a9e-8d41-4b7a-9c2e-5a1d7e0b4c61", "customer": DCM_BRAND_BPNL, "supplier": DCM_PARTNER_BPNL,
            "materialNumberCustomer": DCM_MATERIAL, "materialDescriptionCustomer": PRODUCTS[offer.process], "changedAt": changed.isoformat(),
            "unitOfMeasure": "unit:piece", "unitOfMeasureIsOmitted": False, "materialDemandIsInactive": False,
            "demandSeries": [{"customerLocation": "BPNS00000INKWELL", "demandCategory": {"demandCategoryCode": "0001"},
                              "demands": [{"pointInTime": (monday + timedelta(weeks=i)).isoformat(), "demand": q} for i, q in enumerate(quantities)]}],
        })


async def _ledger_summary(session: AsyncSession, alliance: Alliance, buyer: Actor) -> dict[str, Any]:
    entries = dict((await session.execute(
        select(LedgerEntryRow.type, func.count()).where(LedgerEntryRow.alliance_id == alliance.id).group_by(LedgerEntryRow.type)
    )).all())
    # Payment entries are dated when the ledger records them, i.e. now, so this month's
    # statement is the one that shows the demo's payments.
    statement = await invoice.monthly_statement(session, buyer, f"{utcnow():%Y-%m}")
    return {"entries": sum(entries.values()), "by_type": dict(sorted(entries.items())),
            "statement": {"organisation": "Inkwell Tees", "month": statement["month"], "currencies": statement["currencies"]}}


async def orders_service_place(session: AsyncSession, buyer: Actor, number: int, process: str, rng: random.Random, created: datetime) -> Any:
    return await orders.place_order(session, buyer, OrderIn(
        reference=f"PO-{created:%Y%m}-{number:04d}", product=PRODUCTS[process], process=process,
        material=rng.choice(MATERIALS[process]), quantity=rng.randint(5, 200) * 10, due_at=created + timedelta(days=rng.randint(6, 21)),
        currency="CNY", operations=[process, "packing"], urgency=rng.choice(["normal", "normal", "high", "urgent"]),
        cost_sensitivity=rng.choice(["low", "medium", "high"]), split_allowed=rng.random() < 0.3,
    ), now=created)


async def _history(session: AsyncSession, buyer: Actor, order: Any, offers: list[tuple[CapacityOffer, Actor]], rng: random.Random, created: datetime, now: datetime, partners: set[Any]) -> str:
    """Take the order as far as its age allows. Every step is dated after the one before it
    (created < allocated < confirmed < production steps < lot decision = inspected < delivered)
    and no later than `now`, so status histories and the ledger tell cause before effect."""
    age = now - created
    if age < timedelta(days=1):
        return order.status.value
    candidates = [(o, a) for o, a in offers if o.process == order.process and order.material in o.materials
                  and o.min_batch <= order.quantity and o.remaining >= o.capacity_for(order.quantity)
                  and (o.organisation_id == buyer.organisation_id or o.visibility == Visibility.ALLIANCE
                       or (o.visibility == Visibility.PARTNERS and (buyer.organisation_id, o.organisation_id) in partners))]
    if not candidates:
        return order.status.value
    allocated = created + timedelta(hours=rng.uniform(1, 6))
    first = rng.choice(candidates)
    for candidate in [first, *(c for c in candidates if c is not first)]:
        offer, supplier = candidate
        # An offer's own total may still have room while its resource's days, shared with the
        # resource's other offers, do not: the marketplace refuses (409) and the next one is tried.
        try:
            async with session.begin_nested():
                # Seeded history: these plans count as approved when they were made (no approval rows are seeded).
                await allocations.apply_plan(session, buyer, [PlanItem(order_id=order.id, offer_id=offer.id, quantity=order.quantity)],
                                             approved=True, now=allocated)
            break
        except Conflict:
            continue
    else:
        return order.status.value
    await session.refresh(offer)
    allocation = (await allocations.list_allocations(session, buyer, order_id=order.id)).items[0]
    if age < timedelta(days=2):
        return "allocated"
    confirmed = allocated + timedelta(hours=rng.uniform(1, 12))
    await allocations.respond(session, supplier, allocation.id, accept=True, now=confirmed)
    if age < timedelta(days=3):
        return "confirmed"
    # At least three days after creation (due dates are 6-21 days out), so after the confirmation.
    finish = created + (order.due_at - created) * rng.uniform(0.5, 1.15)
    steps = [(operation, step) for operation in order.operations for step in ProgressStep]
    for index, (operation, step) in enumerate(steps):
        at = confirmed + (finish - confirmed) * ((index + 1) / (len(steps) + 1))
        if at > now:
            return "in_production"
        await allocations.report_progress(session, supplier, allocation.id, ProgressIn(
            operation=operation, step=step, quantity=order.quantity, operator=f"operator-{rng.randint(1, 30)}", occurred_at=at))
    if finish > now:
        return "in_production"
    if not await _inspect(session, supplier, allocation.id, order.quantity, rng, finish):
        return "in_production"  # the lot failed final QC; the order waits for rework
    await orders.change_status(session, supplier, order, OrderStatus.INSPECTED, reason="final QC passed", at=finish)
    delivered = finish + timedelta(hours=rng.randint(4, 48))
    if delivered > now:
        return "inspected"
    await orders.change_status(session, buyer, order, OrderStatus.DELIVERED, at=delivered)
    return "delivered"


async def _inspect(session: AsyncSession, supplier: Actor, allocation_id: Any, quantity: int, rng: random.Random, at: datetime) -> bool:
    """Final inspection of the whole allocation as one lot, decided at `at`; True if accepted.
    About one lot in twenty-five fails on major defects (settlement credits it); the others
    pass, some with a minor defect their sample allows."""
    lot = await quality_service.create_lot(session, supplier, LotIn(allocation_id=allocation_id, quantity=quantity))
    if rng.random() < 0.04:
        counts = {"major": max(1, lot.sample_size // 4)}
    else:
        counts = {"minor": 1 if lot.sample_size >= 20 and rng.random() < 0.5 else 0}
    await quality_service.add_defect_counts(session, supplier, lot.id, counts)
    await quality_service.decide_lot(session, supplier, lot, now=at)
    return lot.decision == LotDecision.ACCEPTED


async def _issue_keys(session: AsyncSession, actors: dict[str, Actor]) -> dict[str, str]:
    keys = {}
    for label, actor in actors.items():
        issued = await members.issue_api_key(session, actor.user_id, f"demo key: {label}")
        keys[label] = issued.token
        user = await session.get(User, actor.user_id)
        set_password(user, DEMO_PASSWORD)  # the same people sign in to the portal
    Path("var").mkdir(exist_ok=True)
    Path("var/demo-keys.json").write_text(json.dumps(keys, indent=2))
    return keys


async def _fresh_keys(session: AsyncSession) -> dict[str, Any]:
    emails = {"buyer (Inkwell Tees)": "buyer@inkwell.example", "supplier (Inkwell workshops)": "ops@inkwell.example",
              "supplier (Partner Garments 1)": "ops@partner1.example", "supplier (Floating Works 01)": "ops@floating01.example",
              "alliance admin": "admin@alliance.example", "buyer (Northwind Outfitters)": "buyer@northwind.example",
              "approver 1 (Inkwell Tees)": "approver1@inkwell.example", "approver 2 (Inkwell Tees)": "approver2@inkwell.example"}
    keys = {}
    for label, email in emails.items():
        user = (await session.execute(select(User).where(User.email == email))).scalar_one()
        keys[label] = (await members.issue_api_key(session, user.id, f"demo key: {label}")).token
    Path("var").mkdir(exist_ok=True)
    Path("var/demo-keys.json").write_text(json.dumps(keys, indent=2))
    return {"alliance": ALLIANCE, "note": "demo data already loaded; issued fresh API keys", "api_keys": keys, "portal": PORTAL,
            "at": datetime.now(UTC).isoformat()}
