"""The DCM exchange: import a buyer's WeekBasedMaterialDemand, export a factory's capacity as
WeekBasedCapacityGroup documents, compare demand with capacity per ISO week.

Identities come from the caller's code mapping under the system "catenax": kind
"organisation" maps a BPNL to a member organisation (the buyer's own BPNL to itself, its
suppliers' BPNLs to their factories), kind "process" maps a customer material number to the
capool process that makes it. A demand whose material has no process is stored (and shown
as unassigned) but not compared, since capool's capacity is published per process.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from capool.clock import utcnow
from capool.errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied
from capool.progress import Progress, silent
from capool.tenancy.actor import Actor, Permission
from capool.tenancy.models import Organisation
from capool.tenancy.policy import get_visible
from marketplace import days as capacity_days
from marketplace.integrations import mapping
from marketplace.integrations.catenax import repository, validation, weekly
from marketplace.integrations.catenax.models import MaterialDemand, MaterialDemandWeek
from marketplace.models import CapacityOffer, Resource

SYSTEM = "catenax"
PIECE = "unit:piece"
MAX_WEEKS = 104
DEFAULT_WEEKS = 12
FIRST_YEAR, LAST_YEAR = 2000, 2100
LIST_LIMIT = 500
# uuid5 namespace of capacity group ids: the same factory, customer and process keep their id.
GROUP_NAMESPACE = uuid.UUID("7c6f1a52-3d1e-5b8e-9a55-2f0c1d6a4e10")


def _uuid(value: str) -> uuid.UUID:
    return uuid.UUID(value.removeprefix("urn:uuid:"))


def _timestamp(value: str) -> datetime:
    return datetime.fromisoformat(value.upper().replace("Z", "+00:00")).astimezone(UTC)


def _window(start: date | None, weeks: int) -> list[date]:
    if not 1 <= weeks <= MAX_WEEKS:
        raise InvalidInput.at("/weeks", f"weeks must be between 1 and {MAX_WEEKS} (the DCM horizon)")
    if start is not None and not FIRST_YEAR <= start.year <= LAST_YEAR:
        raise InvalidInput.at("/start", f"start must lie in the years {FIRST_YEAR} to {LAST_YEAR}")
    return weekly.weeks_from(start or utcnow().date(), weeks)


def _comparable(demand: MaterialDemand) -> bool:
    """Active, made by a known process, in pieces (or in the unit agreed outside the payload)."""
    return not demand.inactive and demand.process is not None and demand.unit_of_measure in (None, PIECE)


# ----------------------------------------------------------------- import
@dataclass
class ImportResult:
    demand: MaterialDemand
    created: bool
    weeks: int


def _semantic_errors(document: dict[str, Any]) -> list[FieldError]:
    """What the standard says and the schema cannot: weekly buckets dated on Mondays, one
    series per customer location and demand category, one bucket per week, and the unit
    present exactly when it is not declared omitted."""
    errors: list[FieldError] = []
    omitted, unit = document["unitOfMeasureIsOmitted"], document.get("unitOfMeasure")
    if not omitted and unit is None:
        errors.append(FieldError("/unitOfMeasure", "unitOfMeasureIsOmitted is false, so unitOfMeasure must be given"))
    if omitted and unit is not None:
        errors.append(FieldError("/unitOfMeasure", "unitOfMeasureIsOmitted is true, so unitOfMeasure must be left out"))
    series_keys: set[tuple[str, str]] = set()
    for i, series in enumerate(document["demandSeries"]):
        key = (series["customerLocation"], series["demandCategory"]["demandCategoryCode"])
        if key in series_keys:
            errors.append(FieldError(f"/demandSeries/{i}", f"a second series for customer location {key[0]} and demand category {key[1]}"))
        series_keys.add(key)
        seen: set[date] = set()
        for j, demand in enumerate(series["demands"]):
            day = date.fromisoformat(demand["pointInTime"])
            if day.weekday() != 0:
                errors.append(FieldError(f"/demandSeries/{i}/demands/{j}/pointInTime",
                                         f"{day} is a {day:%A}: a weekly demand is dated on the Monday of its ISO week ({weekly.monday(day)})"))
            elif day in seen:
                errors.append(FieldError(f"/demandSeries/{i}/demands/{j}/pointInTime", f"a second demand for the week of {day}"))
            seen.add(day)
    return errors


async def _resolve_organisation(session: AsyncSession, actor: Actor, bpnl: str) -> Organisation | None:
    ref = await mapping.lookup(session, actor, SYSTEM, "organisation", bpnl)
    return await session.get(Organisation, uuid.UUID(ref)) if ref else None


async def import_material_demand(session: AsyncSession, actor: Actor, document: Any) -> ImportResult:
    """Store (or replace) one of the actor's own material demands.

    Refused with 422 when the document breaks the schema (the first error's JSON path
    leads), breaks the rules above, or names as `customer` a BPNL the actor has not mapped
    to itself; with 409 when a newer version of it is already stored, or another member of
    the alliance imports demand as that BPNL."""
    actor.require(Permission.DEMAND_WRITE)
    validation.check(validation.MATERIAL_DEMAND, document)
    errors = _semantic_errors(document)
    if errors:
        raise InvalidInput(f"not a valid weekly material demand: {errors[0].path}: {errors[0].message}", errors, code="invalid_document")

    customer = await _resolve_organisation(session, actor, document["customer"])
    if customer is None or customer.id != actor.organisation_id:
        raise InvalidInput.at("/customer", f"customer {document['customer']} is not this organisation's BPNL: map it first "
                                           f"(POST /v1/code-mappings system={SYSTEM} kind=organisation master_ref=<your organisation id>)")
    # BPNLs are declared in each member's own code mapping; one legal entity's demand comes
    # from one member of the alliance, whoever declared its BPNL first.
    if await repository.customer_bpnl_used_by_another(session, actor, document["customer"]):
        raise Conflict(f"another member of this alliance imports demand as {document['customer']}", "bpnl_claimed")
    supplier = await _resolve_organisation(session, actor, document["supplier"])
    if supplier is not None and not supplier.supplies:
        raise InvalidInput.at("/supplier", f"supplier {document['supplier']} maps to {supplier.name}, which publishes no capacity")
    material = document["materialNumberCustomer"]
    process = await mapping.lookup(session, actor, SYSTEM, "process", material)

    demand_id = _uuid(document["materialDemandId"])
    changed_at = _timestamp(document["changedAt"])
    if await repository.other_demand_for_material(session, actor, document["supplier"], material, demand_id) is not None:
        raise Conflict(f"another material demand already covers material {material} at supplier {document['supplier']}", "duplicate_material_demand")
    row = await repository.own_demand(session, actor, demand_id)
    previous: dict[tuple[str, str, date], float] = {}
    if row is not None:
        if row.changed_at > changed_at:
            raise Conflict(f"material demand {demand_id} changed at {row.changed_at.isoformat()} is stored; this version is older", "stale_material_demand")
        previous = {(w.customer_location, w.demand_category, w.week): w.quantity for w in await repository.weeks_of(session, actor, row.id)}
        await repository.delete_weeks(session, actor, row.id)
        row.version += 1
    else:
        row = MaterialDemand(buyer_org_id=actor.organisation_id, material_demand_id=demand_id)
        session.add(row)
    row.supplier_org_id = supplier.id if supplier else None
    row.customer_bpnl, row.supplier_bpnl = document["customer"], document["supplier"]
    row.material_number_customer, row.material_number_supplier = material, document.get("materialNumberSupplier")
    row.description = document["materialDescriptionCustomer"]
    row.process, row.unit_of_measure = process, document.get("unitOfMeasure")
    row.inactive, row.changed_at, row.document = document["materialDemandIsInactive"], changed_at, document
    await session.flush()

    count = 0
    for series in document["demandSeries"]:
        location, category = series["customerLocation"], series["demandCategory"]["demandCategoryCode"]
        for demand in series["demands"]:
            week = date.fromisoformat(demand["pointInTime"])
            session.add(MaterialDemandWeek(demand_id=row.id, buyer_org_id=actor.organisation_id, supplier_org_id=row.supplier_org_id,
                                           customer_location=location, demand_category=category, week=week, quantity=float(demand["demand"]),
                                           previous_quantity=previous.get((location, category, week))))
            count += 1
    await session.flush()
    return ImportResult(row, created=row.version == 1, weeks=count)


async def import_material_demands(session: AsyncSession, actor: Actor, documents: list[Any], progress: Progress = silent) -> list[ImportResult]:
    """Several documents in the caller's one transaction (all or none when it rolls back on
    the first refusal); `progress` hears each document."""
    results = []
    progress("material demands", 0, len(documents))
    for done, document in enumerate(documents, start=1):
        results.append(await import_material_demand(session, actor, document))
        progress("material demands", done, len(documents))
    return results


async def list_demands(session: AsyncSession, actor: Actor) -> list[MaterialDemand]:
    actor.require(Permission.FORECAST_READ)
    return await repository.visible_demands(session, actor, LIST_LIMIT)


async def get_demand(session: AsyncSession, actor: Actor, demand_id: uuid.UUID) -> MaterialDemand:
    actor.require(Permission.FORECAST_READ)
    return await get_visible(session, actor, MaterialDemand, demand_id)


# ----------------------------------------------------------------- export
def _offer_facts(offer: CapacityOffer, resource: Resource) -> weekly.OfferFacts:
    per_day = capacity_days.pieces_for(offer, offer.capacity_per_day)
    return weekly.OfferFacts(offer.id, offer.organisation_id, offer.process, offer.window_start, offer.window_end, per_day, offer.visibility.value,
                             resource.id, frozenset(capacity_days.window_days(offer, resource)))


@dataclass
class Facts:
    offers: list[weekly.OfferFacts]
    bookings: list[weekly.BookingFacts]
    shares: dict[tuple[uuid.UUID, uuid.UUID], int]


async def _facts(session: AsyncSession, actor: Actor, weeks: list[date], factory_org_id: uuid.UUID | None) -> Facts:
    offers, bookings, days, partnerships = await repository.capacity_facts(session, actor, weeks[0], weeks[-1] + weekly.WEEK, factory_org_id=factory_org_id)
    facts: dict[uuid.UUID, weekly.OfferFacts] = {o.id: _offer_facts(o, r) for o, r in offers}
    booking_facts = []
    for allocation, offer, resource in bookings:
        offer_facts = facts.get(offer.id) or _offer_facts(offer, resource)
        booking_facts.append(weekly.BookingFacts(offer_facts, allocation.buyer_org_id, allocation.quantity, allocation.slot_start, allocation.slot_end,
                                                 days.get(allocation.id, {})))
    return Facts(list(facts.values()), booking_facts, {(p.buyer_org_id, p.factory_org_id): p.reserved_share_pct for p in partnerships})


def _number(value: float) -> float | int:
    rounded = round(value, 3)
    return int(rounded) if rounded == int(rounded) else rounded


@dataclass
class SkippedCustomer:
    customer_org_id: uuid.UUID
    reason: str


@dataclass
class CapacityExport:
    groups: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[SkippedCustomer] = field(default_factory=list)


async def export_capacity_groups(session: AsyncSession, actor: Actor, customer_org_id: uuid.UUID | None = None, start: date | None = None,
                                 weeks: int = DEFAULT_WEEKS) -> CapacityExport:
    """The actor's own factory as WeekBasedCapacityGroup documents: one per customer and
    process, capacities per ISO week from `start` (its week's Monday), each validated
    against the official schema.

    Customers: `customer_org_id`, or every buyer with an active partnership with this
    factory, a booking on its capacity in the window, or a material demand naming it as
    supplier. BPNLs come from this factory's code mapping (system "catenax", kind
    "organisation"), else from the demands that name it."""
    actor.require(Permission.CAPACITY_READ)
    window = _window(start, weeks)
    factory_id = actor.organisation_id
    facts = await _facts(session, actor, window, factory_id)
    demands = [(w, d) for w, d in await repository.demand_weeks_between(session, actor, window[0], window[-1] + weekly.WEEK, supplier_org_id=factory_id)]
    known = await repository.alliance_organisations(session, actor)
    if customer_org_id is not None:
        if customer_org_id not in known or not known[customer_org_id].buys:
            raise NotFound("organisation", customer_org_id)
        customers = {customer_org_id}
    else:
        customers = {buyer for buyer, factory in facts.shares if factory == factory_id}
        customers |= {b.buyer_id for b in facts.bookings}
        customers |= {d.buyer_org_id for _, d in demands}

    bpnls = await repository.codes_of(session, actor, SYSTEM, "organisation", {str(c) for c in customers | {factory_id}})
    for _, demand in demands:
        bpnls.setdefault(str(demand.buyer_org_id), demand.customer_bpnl)
        bpnls.setdefault(str(factory_id), demand.supplier_bpnl)
    result = CapacityExport()
    supplier_bpnl = bpnls.get(str(factory_id))
    now = utcnow()
    for customer in sorted(customers):
        customer_bpnl = bpnls.get(str(customer))
        if supplier_bpnl is None or customer_bpnl is None:
            missing = "this factory's" if supplier_bpnl is None else "the customer's"
            result.skipped.append(SkippedCustomer(customer, f"{missing} BPNL is unknown: map it (system {SYSTEM}, kind organisation)"))
            continue
        processes = {o.process for o in facts.offers if weekly.open_to(o, customer, set(facts.shares))}
        processes |= {b.offer.process for b in facts.bookings if b.buyer_id == customer}
        linked: dict[str, dict[tuple[str, str, str], dict[str, Any]]] = {}
        for _, demand in demands:
            if demand.buyer_org_id == customer and _comparable(demand):
                assert demand.process is not None
                processes.add(demand.process)
                for series in demand.document["demandSeries"]:
                    key = (demand.material_number_customer, series["customerLocation"], series["demandCategory"]["demandCategoryCode"])
                    entry = {"materialNumberCustomer": key[0], "customerLocation": key[1], "demandCategory": {"demandCategoryCode": key[2]},
                             "loadFactor": 1.0}
                    if demand.material_number_supplier:
                        entry["materialNumberSupplier"] = demand.material_number_supplier
                    linked.setdefault(demand.process, {})[key] = entry
        for process in sorted(processes):
            capacities = weekly.capacity_weeks(factory_id, customer, process, window, facts.offers, facts.bookings, facts.shares)
            document = _capacity_group(factory_id, known, customer, process, supplier_bpnl, customer_bpnl, capacities,
                                       list(linked.get(process, {}).values()), now)
            validation.check(validation.CAPACITY_GROUP, document)
            result.groups.append(document)
    return result


def _capacity_group(factory_id: uuid.UUID, known: dict[uuid.UUID, Organisation], customer: uuid.UUID, process: str, supplier_bpnl: str,
                    customer_bpnl: str, capacities: list[weekly.WeekCapacity], linked: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    factory_name = known[factory_id].name if factory_id in known else str(factory_id)
    customer_name = known[customer].name if customer in known else str(customer)
    rows = []
    for week in capacities:
        row: dict[str, Any] = {"pointInTime": week.week.isoformat(), "actualCapacity": _number(week.actual), "maximumCapacity": _number(week.maximum)}
        if week.agreed is not None:
            row["agreedCapacity"] = _number(week.agreed)
        rows.append(row)
    document: dict[str, Any] = {
        "capacityGroupId": str(uuid.uuid5(GROUP_NAMESPACE, f"{factory_id}/{customer}/{process}")),
        "name": f"{factory_name}: {process} for {customer_name}",
        "customer": customer_bpnl,
        "supplier": supplier_bpnl,
        "unitOfMeasure": PIECE,
        "unitOfMeasureIsOmitted": False,
        "capacityGroupIsInactive": False,
        "changedAt": now.isoformat().replace("+00:00", "Z"),
        "capacities": rows,
        "demandVolatilityParameters": {
            "startReferenceDateTime": datetime.combine(capacities[0].week, time.min, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            **weekly.DEFAULT_VOLATILITY,
        },
    }
    if linked:
        document["linkedDemandSeries"] = sorted(linked, key=lambda e: (e["materialNumberCustomer"], e["customerLocation"], e["demandCategory"]["demandCategoryCode"]))
    return document


# ----------------------------------------------------------------- comparison
@dataclass
class WeekComparison:
    week: date
    iso_week: str
    demand: float
    previous_demand: float | None
    actual: float
    maximum: float
    agreed: float | None
    status: str
    colour: str
    volatility: str | None


@dataclass
class ComparisonRow:
    buyer_org_id: uuid.UUID
    buyer: str
    process: str
    weeks: list[WeekComparison]


@dataclass
class Comparison:
    weeks: list[date]
    rows: list[ComparisonRow]
    volatility_parameters: dict[str, Any]
    # Active demands that cannot be compared: no process mapped, or not in pieces.
    not_compared: int


async def compare(session: AsyncSession, actor: Actor, start: date | None = None, weeks: int = DEFAULT_WEEKS) -> Comparison:
    """Demand against capacity per buyer, process and ISO week. Alliance admins compare every
    member's demand; any other member its own, against the capacity open to it. The
    capacity of a (buyer, process) is the sum over the alliance's factories of what each
    would export as its capacity group for that buyer."""
    actor.require(Permission.ANALYTICS_READ)
    window = _window(start, weeks)
    end = window[-1] + weekly.WEEK
    if actor.is_alliance_admin:
        buckets = await repository.alliance_demand_weeks(session, actor, window[0], end)
    elif actor.can(Permission.FORECAST_READ):
        buckets = await repository.demand_weeks_between(session, actor, window[0], end, buyer_org_id=actor.organisation_id)
    else:
        raise PermissionDenied("comparing demand needs the forecast:read permission")
    demand: dict[tuple[uuid.UUID, str], dict[date, list[float]]] = {}
    skipped: set[uuid.UUID] = set()
    for bucket, material in buckets:
        if not _comparable(material):
            if not material.inactive:
                skipped.add(material.id)
            continue
        assert material.process is not None
        totals = demand.setdefault((material.buyer_org_id, material.process), {}).setdefault(bucket.week, [0.0, 0.0, 0.0])
        totals[0] += bucket.quantity
        # The reference: the replaced quantity, or the quantity itself for a bucket with none.
        totals[1] += bucket.quantity if bucket.previous_quantity is None else bucket.previous_quantity
        totals[2] += 0.0 if bucket.previous_quantity is None else 1.0
    facts = await _facts(session, actor, window, None) if demand else Facts([], [], {})
    names = await repository.alliance_organisations(session, actor, {buyer for buyer, _ in demand})
    factories = {o.factory_id for o in facts.offers} | {b.offer.factory_id for b in facts.bookings}
    parameters = weekly.DEFAULT_VOLATILITY
    # The sub-horizons roll from the current week; past weeks raise no volatility alert.
    this_week = weekly.monday(utcnow().date())
    thresholds = [weekly.thresholds_for(parameters, (week - this_week).days // 7) if week >= this_week else None for week in window]
    rows = []
    for (buyer, process), per_week in sorted(demand.items(), key=lambda item: (names[item[0][0]].name if item[0][0] in names else "", item[0][1])):
        actual = [0.0] * len(window)
        maximum = [0.0] * len(window)
        agreed: list[float | None] = [None] * len(window)
        for factory in factories:
            for i, week in enumerate(weekly.capacity_weeks(factory, buyer, process, window, facts.offers, facts.bookings, facts.shares)):
                actual[i] += week.actual
                maximum[i] += week.maximum
                if week.agreed is not None:
                    agreed[i] = (agreed[i] or 0.0) + week.agreed
        cells = []
        for i, week in enumerate(window):
            quantity, reference, referenced = per_week.get(week, [0.0, 0.0, 0.0])
            previous = reference if referenced else None
            matched = weekly.match(quantity, actual[i], maximum[i])
            cells.append(WeekComparison(week, weekly.iso_week(week), quantity, previous, actual[i], maximum[i], agreed[i], matched.status,
                                        matched.colour, weekly.volatility(quantity, previous, thresholds[i])))
        rows.append(ComparisonRow(buyer, names[buyer].name if buyer in names else str(buyer), process, cells))
    return Comparison(window, rows, parameters, len(skipped))
