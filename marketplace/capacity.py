"""Factories' side: sites, resources, capacity offers; buyers' partnerships."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from capool import events
from capool.clock import utcnow
from capool.currencies import check_currencies
from capool.errors import Conflict, InvalidInput, NotFound
from capool.ids import parse_ids
from capool.pagination import Page, paginate
from capool.tenancy.actor import Actor, Permission
from capool.tenancy.models import Organisation
from capool.tenancy.policy import get_visible, get_writable
from marketplace import catalogue, repository
from marketplace import days as capacity_days
from marketplace.models import CapacityOffer, OfferStatus, Partnership, Resource, Site
from marketplace.schemas import OfferChange, OfferIn, PartnershipIn, ResourceIn, SiteIn


async def create_site(session: AsyncSession, actor: Actor, data: SiteIn) -> Site:
    actor.require(Permission.CAPACITY_WRITE)
    site = Site(organisation_id=actor.organisation_id, name=data.name, region=data.region, address=data.address)
    session.add(site)
    await session.flush()
    return site


async def list_sites(session: AsyncSession, actor: Actor, cursor: str | None = None, limit: int = 50) -> Page[Site]:
    actor.require(Permission.CAPACITY_READ)
    return await paginate(session, repository.sites_query(actor), Site.id, cursor, limit)


async def create_resource(session: AsyncSession, actor: Actor, data: ResourceIn) -> Resource:
    actor.require(Permission.CAPACITY_WRITE)
    await get_writable(session, actor, Site, data.site_id)
    await catalogue.check_processes(session, actor.alliance_id, {f"/processes/{i}": code for i, code in enumerate(data.processes)})
    resource = Resource(
        organisation_id=actor.organisation_id,
        site_id=data.site_id,
        name=data.name,
        kind=data.kind,
        processes=sorted(set(data.processes)),
        materials=sorted(set(data.materials)),
        certifications=sorted(set(data.certifications)),
        skills=dict(data.skills),
        carbon_g_per_unit=data.carbon_g_per_unit,
        working_weekdays=sorted(set(data.working_weekdays)),
    )
    session.add(resource)
    await session.flush()
    return resource


async def list_resources(
    session: AsyncSession, actor: Actor, site_id: uuid.UUID | None = None, cursor: str | None = None, limit: int = 50
) -> Page[Resource]:
    actor.require(Permission.CAPACITY_READ)
    return await paginate(session, repository.resources_query(actor, site_id), Resource.id, cursor, limit)


async def publish_offer(session: AsyncSession, actor: Actor, data: OfferIn) -> CapacityOffer:
    actor.require(Permission.CAPACITY_WRITE)
    # The resource's row lock serialises offers published on it at once: they share its days.
    resource = await get_writable(session, actor, Resource, data.resource_id, for_update=True)
    await catalogue.check_processes(session, actor.alliance_id, {"/process": data.process})
    check_currencies({"/currency": data.currency})
    if data.process not in resource.processes:
        raise InvalidInput.at("/process", f"resource {resource.name!r} does not offer process {data.process!r} (it offers {', '.join(resource.processes)})")
    if data.window_end < data.window_start:
        raise InvalidInput.at("/window_end", "window_end must not be before window_start")
    if data.window_end < utcnow().date():
        raise InvalidInput.at("/window_end", "the offer window has already ended")
    materials = sorted(set(data.materials)) if data.materials is not None else list(resource.materials)
    unsupported = sorted(set(materials) - set(resource.materials))
    if unsupported:
        raise InvalidInput.at("/materials", f"resource {resource.name!r} does not handle {', '.join(unsupported)}")
    others = await repository.active_offers_of_resource(session, resource.id)
    _check_same_unit(others, data.window_start, data.window_end, data.capacity_unit.value)
    offer = CapacityOffer(
        organisation_id=actor.organisation_id,
        resource_id=resource.id,
        process=data.process,
        materials=materials,
        window_start=data.window_start,
        window_end=data.window_end,
        capacity_unit=data.capacity_unit,
        capacity_per_day=data.capacity_per_day,
        units_per_hour=data.units_per_hour,
        total_capacity=0,
        reserved=0,
        unit_price_minor=data.unit_price_minor,
        currency=data.currency,
        min_batch=data.min_batch,
        lead_time_days=data.lead_time_days,
        visibility=data.visibility,
        status=OfferStatus.ACTIVE,
    )
    sellable = capacity_days.window_days(offer, resource)
    if not sellable:
        raise InvalidInput.at("/window_end", f"resource {resource.name!r} works on none of the window's days (its calendar: ISO weekdays {resource.working_weekdays})")
    offer.total_capacity = data.capacity_per_day * len(sellable)
    session.add(offer)
    await session.flush()
    await repository.add_resource_days(session, resource.organisation_id, resource.id, {d: offer.capacity_per_day for d in sellable})
    events.emit(session, actor, "capacity.published", "capacity_offer", offer.id, {"offer_id": str(offer.id), "process": offer.process, "total_capacity": offer.total_capacity})
    return offer


async def get_offer(session: AsyncSession, actor: Actor, offer_id: uuid.UUID) -> CapacityOffer:
    actor.require(Permission.CAPACITY_READ)
    return await get_visible(session, actor, CapacityOffer, offer_id)


async def organisation_names(session: AsyncSession, actor: Actor, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Names of the organisations among `ids` in the actor's alliance (a page names factories
    and buyers instead of showing their ids)."""
    return await repository.organisation_names(session, set(ids), alliance_id=actor.alliance_id)


async def offer_labels(session: AsyncSession, actor: Actor, offer_ids: Iterable[uuid.UUID | str | None]) -> dict[str, str]:
    """Id (as text) -> "factory · resource" of the offers among `offer_ids` the actor
    may see, for pages that would otherwise show a bare offer id (matching plans, repairs,
    withdrawn-work alerts); ids that are not UUIDs, or offers hidden from the actor, are absent."""
    ids = parse_ids(offer_ids)
    if not ids:
        return {}
    visible = await repository.visible_by_ids(session, actor, CapacityOffer, ids)
    names = await repository.offer_names(session, list(visible))
    return {str(oid): " · ".join(part for part in names.get(oid, ("", "")) if part) for oid in visible}


async def list_offers(
    session: AsyncSession,
    actor: Actor,
    *,
    process: str | None = None,
    organisation_id: uuid.UUID | None = None,
    status: OfferStatus | None = None,
    available_on: date | None = None,
    min_remaining: int | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[CapacityOffer]:
    actor.require(Permission.CAPACITY_READ)
    statement = repository.offers_query(
        actor, process=process, organisation_id=organisation_id, status=status, available_on=available_on, min_remaining=min_remaining
    )
    return await paginate(session, statement, CapacityOffer.id, cursor, limit)


async def change_offer(session: AsyncSession, actor: Actor, offer_id: uuid.UUID, change: OfferChange) -> CapacityOffer:
    actor.require(Permission.CAPACITY_WRITE)
    offer = await get_writable(session, actor, CapacityOffer, offer_id, for_update=True)
    if offer.status != OfferStatus.ACTIVE:
        raise Conflict(f"offer {offer.id} is {offer.status.value}; withdrawn offers cannot change", "offer_withdrawn")
    per_day = change.capacity_per_day or offer.capacity_per_day
    window_end = change.window_end or offer.window_end
    if window_end < offer.window_start:
        raise InvalidInput.at("/window_end", "window_end must not be before window_start")
    resource = await session.get(Resource, offer.resource_id, with_for_update=True)
    assert resource is not None
    old_days = capacity_days.window_days(offer, resource)
    new_days = capacity_days.calendar_days(offer.window_start, window_end, resource)
    total = per_day * len(new_days)
    if total < offer.reserved:
        # Shrinking below what is already allocated would silently drop committed work.
        raise Conflict(
            f"offer {offer.id} has {offer.reserved} already reserved; the change would leave only {total}. "
            "Withdraw the offer instead so that its allocations are re-matched.",
            "capacity_below_reserved",
        )
    booked = await repository.booked_by_offer_day(session, [offer.id], offer.window_start, max(window_end, offer.window_end))
    for (_, day), used in sorted(booked.items()):
        if used > (per_day if day <= window_end else 0):
            raise Conflict(
                f"offer {offer.id} has {used} booked on {day.isoformat()}; the change would leave {per_day if day <= window_end else 0} that day. "
                "Withdraw the offer instead so that its allocations are re-matched.",
                "capacity_below_reserved",
            )
    before = {"total_capacity": offer.total_capacity, "unit_price_minor": offer.unit_price_minor}
    offer.capacity_per_day = per_day
    offer.window_end = window_end
    offer.total_capacity = total
    for field in ("unit_price_minor", "min_batch", "lead_time_days", "visibility"):
        value = getattr(change, field)
        if value is not None:
            setattr(offer, field, value)
    offer.version += 1
    await session.flush()
    await _resize_resource_days(session, resource, set(old_days) | set(new_days))
    events.emit(session, actor, "capacity.changed", "capacity_offer", offer.id, {"offer_id": str(offer.id), "before": before, "after": {"total_capacity": offer.total_capacity, "unit_price_minor": offer.unit_price_minor}})
    return offer


def _check_same_unit(others: list[CapacityOffer], start: date, end: date, unit: str) -> None:
    """Overlapping offers of one resource share its days, counted in one unit."""
    for other in others:
        if other.window_start <= end and other.window_end >= start and other.capacity_unit.value != unit:
            raise Conflict(
                f"offer {other.id} sells this resource's days from {other.window_start.isoformat()} to {other.window_end.isoformat()} "
                f"in {other.capacity_unit.value}s; an overlapping offer of the same resource shares those days and must count them in the same unit",
                "capacity_unit_mismatch",
            )


async def _resize_resource_days(session: AsyncSession, resource: Resource, days: set[date]) -> None:
    """Recompute the resource's capacity on `days` from its active offers (the largest daily
    rate of the offers selling each day). A day keeps at least what is booked on it: work of
    a withdrawn offer stays booked until it is released or repaired."""
    if not days:
        return
    offers = await repository.active_offers_of_resource(session, resource.id)
    capacities = capacity_days.resource_day_capacities(offers, resource)
    await repository.add_resource_days(session, resource.organisation_id, resource.id, {d: c for d, c in capacities.items() if d in days})
    existing = await repository.resource_days(session, [resource.id], min(days), max(days))
    for day in sorted(days):
        row = existing.get((resource.id, day))
        target = max(capacities.get(day, 0), row.booked if row is not None else 0)
        if row is not None and row.capacity != target and not await repository.set_resource_day_capacity(session, resource.id, day, target):
            raise Conflict(f"resource {resource.name!r} has more booked on {day.isoformat()} than the change would leave; nothing was changed", "capacity_below_reserved")


async def withdraw_offer(session: AsyncSession, actor: Actor, offer_id: uuid.UUID, reason: str) -> tuple[CapacityOffer, list[uuid.UUID]]:
    """Stop new reservations. Existing allocations stay and are listed in the event, so the
    matching engine's repair mode can move them; nothing allocated disappears."""
    actor.require(Permission.CAPACITY_WRITE)
    offer = await get_writable(session, actor, CapacityOffer, offer_id, for_update=True)
    if offer.status == OfferStatus.WITHDRAWN:
        raise Conflict(f"offer {offer.id} is already withdrawn", "offer_withdrawn")
    offer.status = OfferStatus.WITHDRAWN
    offer.version += 1
    affected = [a.id for a in await repository.active_allocations_on_offer(session, offer.id)]
    await session.flush()
    events.emit(session, actor, "capacity.withdrawn", "capacity_offer", offer.id, {"offer_id": str(offer.id), "reason": reason, "affected_allocations": [str(i) for i in affected]})
    return offer, affected


async def create_partnership(session: AsyncSession, actor: Actor, data: PartnershipIn) -> Partnership:
    actor.require(Permission.PARTNERSHIPS_WRITE)
    factory = await repository.organisation(session, data.factory_org_id)
    if factory is None or factory.alliance_id != actor.alliance_id:
        raise NotFound("organisation", data.factory_org_id)
    if factory.id == actor.organisation_id:
        raise InvalidInput.at("/factory_org_id", "an organisation cannot partner with itself; its own capacity is the core tier")
    if not factory.supplies:
        raise InvalidInput.at("/factory_org_id", f"{factory.name} is not a factory")
    if (data.agreed_unit_price_minor is None) != (data.currency is None):
        raise InvalidInput.at("/currency", "an agreed price needs its currency, and a currency needs a price")
    check_currencies({"/currency": data.currency})
    if await repository.find_partnership(session, actor.organisation_id, factory.id):
        raise Conflict(f"a partnership with {factory.name} already exists")
    partnership = Partnership(
        buyer_org_id=actor.organisation_id,
        factory_org_id=factory.id,
        priority=data.priority,
        agreed_unit_price_minor=data.agreed_unit_price_minor,
        currency=data.currency,
        reserved_share_pct=data.reserved_share_pct,
        active=True,
    )
    session.add(partnership)
    await session.flush()
    events.emit(session, actor, "partnership.created", "partnership", partnership.id, {"factory_org_id": str(factory.id)})
    return partnership


async def end_partnership(session: AsyncSession, actor: Actor, partnership_id: uuid.UUID) -> Partnership:
    actor.require(Permission.PARTNERSHIPS_WRITE)
    partnership = await get_writable(session, actor, Partnership, partnership_id)
    partnership.active = False
    events.emit(session, actor, "partnership.ended", "partnership", partnership.id, {"factory_org_id": str(partnership.factory_org_id)})
    return partnership


async def list_partnerships(session: AsyncSession, actor: Actor, cursor: str | None = None, limit: int = 50) -> Page[Partnership]:
    actor.require(Permission.CAPACITY_READ)
    return await paginate(session, repository.partnerships_query(actor), Partnership.id, cursor, limit)


async def members(session: AsyncSession, actor: Actor) -> list[Organisation]:
    from capool.tenancy.service import list_alliance_members

    return await list_alliance_members(session, actor)
