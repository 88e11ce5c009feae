"""Supplier portal: sites and resources, capacity on a calendar, incoming allocations and
shop-floor reporting by QR code."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from sqlalchemy.ext.asyncio import AsyncSession

from api.portal.access import requires
from api.portal.charts import bar, qr_svg
from api.portal.choices import DEFAULT_CURRENCY, currency_choices, process_choices
from api.portal.forms import convert, optional, split_list
from api.portal.web import PREFIX, PageContext, field_errors, form_of, redirect, render, signed_in
from capool.errors import Conflict, InvalidInput, NotFound
from capool.tenancy.actor import Permission
from marketplace import allocations as allocation_service
from marketplace import capacity
from marketplace import days as capacity_days
from marketplace import orders as order_service
from marketplace.models import Allocation, AllocationDay, CapacityOffer, CapacityUnit, ProgressStep, Resource, ResourceKind, Visibility
from marketplace.schemas import OfferIn, ProgressIn, ResourceIn, SiteIn

PAGE = 200  # one screen; the services cap pages anyway
INCOMING_PAGE = 50  # one screen of allocations; older ones are a link away


async def _supplier(request: Request, db_session: AsyncSession) -> PageContext:
    ctx = await signed_in(request, db_session)
    ctx.actor.require(Permission.CAPACITY_READ)  # type: ignore[union-attr]
    return ctx


async def _sites_page(ctx: PageContext, db_session: AsyncSession, status_code: int = 200, errors: dict[str, str] | None = None, form: dict[str, str] | None = None) -> Response:
    actor = ctx.actor
    assert actor is not None
    sites = (await capacity.list_sites(db_session, actor, limit=PAGE)).items
    resources = (await capacity.list_resources(db_session, actor, limit=PAGE)).items
    own_sites = [s for s in sites if s.organisation_id == actor.organisation_id]
    return render(ctx, "supplier/sites.html", status_code, sites=own_sites, resources=resources, kinds=list(ResourceKind), errors=errors or {}, form=form or {},
                  processes=await process_choices(db_session, actor, ctx.lang), chosen=set(split_list((form or {}).get("processes"))))


@get("/supplier/sites", name="portal:supplier-sites", **requires(Permission.CAPACITY_READ))
async def sites_page(request: Request, db_session: NamedDependency[AsyncSession]) -> Response:
    ctx = await _supplier(request, db_session)
    return await _sites_page(ctx, db_session)


@post("/supplier/sites", name="portal:supplier-site-create", **requires(Permission.CAPACITY_WRITE))
async def create_site(request: Request, db_session: NamedDependency[AsyncSession]) -> Response:
    ctx = await _supplier(request, db_session)
    form = await form_of(ctx)
    try:
        data = convert(SiteIn, {"name": form.get("name", "").strip(), "region": form.get("region", "").strip(), "address": optional(form.get("address"))})
        await capacity.create_site(db_session, ctx.actor, data)  # type: ignore[arg-type]
    except InvalidInput as exc:
        return await _sites_page(ctx, db_session, 422, field_errors(exc, ctx.lang), form)
    return redirect(ctx, f"{PREFIX}/supplier/sites")


def _skills(text: str | None) -> dict[str, int | str]:
    skills: dict[str, int | str] = {}
    for item in split_list(text):
        name, _, level = item.partition("=")
        skills[name.strip()] = level.strip()
    return skills


@post("/supplier/resources", name="portal:supplier-resource-create", **requires(Permission.CAPACITY_WRITE))
async def create_resource(request: Request, db_session: NamedDependency[AsyncSession]) -> Response:
    ctx = await _supplier(request, db_session)
    form = await form_of(ctx)
    try:
        data = convert(ResourceIn, {
            "site_id": form.get("site_id", ""), "name": form.get("name", "").strip(), "kind": form.get("kind", ""),
            "processes": split_list(form.get("processes")), "materials": split_list(form.get("materials")),
            "certifications": split_list(form.get("certifications")), "skills": _skills(form.get("skills")),
            "carbon_g_per_unit": form.get("carbon_g_per_unit") or 0,
        })
        await capacity.create_resource(db_session, ctx.actor, data)  # type: ignore[arg-type]
    except InvalidInput as exc:
        return await _sites_page(ctx, db_session, 422, field_errors(exc, ctx.lang), form)
    except NotFound:
        return await _sites_page(ctx, db_session, 422, {"site_id": ctx.t("error.404")}, form)
    return redirect(ctx, f"{PREFIX}/supplier/sites")


@dataclass
class WeekCell:
    total: int
    reserved: int

    @property
    def fraction(self) -> float | None:
        return self.reserved / self.total if self.total else None


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def calendar(offers: list[CapacityOffer], resources: dict[uuid.UUID, Resource], slots: dict[uuid.UUID, list[AllocationDay]], today: date,
             weeks: int = 8) -> tuple[list[date], dict[uuid.UUID, list[WeekCell | None]]]:
    """Per offer and week: the capacity the offer sells in that week (its daily rate on the
    days of the week its resource works) and what the active allocations book on those days
    (their per-day slots)."""
    first = _monday(today)
    starts = [first + timedelta(weeks=i) for i in range(weeks)]
    booked: dict[tuple[uuid.UUID, date], int] = {}
    for days in slots.values():
        for slot in days:
            week = _monday(slot.day)
            booked[(slot.offer_id, week)] = booked.get((slot.offer_id, week), 0) + slot.use
    grid: dict[uuid.UUID, list[WeekCell | None]] = {}
    for offer in offers:
        resource = resources.get(offer.resource_id)
        row: list[WeekCell | None] = []
        for week in starts:
            lo, hi = max(offer.window_start, week), min(offer.window_end, week + timedelta(days=6))
            days = (len(capacity_days.calendar_days(lo, hi, resource)) if resource else (hi - lo).days + 1) if hi >= lo else 0
            row.append(WeekCell(days * offer.capacity_per_day, booked.get((offer.id, week), 0)) if days else None)
        grid[offer.id] = row
    return starts, grid


async def _offers_page(ctx: PageContext, db_session: AsyncSession, status_code: int = 200, errors: dict[str, str] | None = None, form: dict[str, str] | None = None) -> Response:
    actor = ctx.actor
    assert actor is not None
    offers = (await capacity.list_offers(db_session, actor, organisation_id=actor.organisation_id, limit=PAGE)).items
    resources = [r for r in (await capacity.list_resources(db_session, actor, limit=PAGE)).items if r.active]
    weeks, grid = calendar(offers, {r.id: r for r in resources}, await allocation_service.booked_days_of_offers(db_session, actor, [o.id for o in offers]),
                           date.today())
    names = {r.id: r.name for r in resources}
    today = date.today()
    defaults = {"window_start": today.isoformat(), "window_end": (today + timedelta(days=13)).isoformat(), "currency": DEFAULT_CURRENCY, "min_batch": "1", "lead_time_days": "0"}
    return render(
        ctx, "supplier/offers.html", status_code, offers=offers, resources=resources, names=names, weeks=weeks, grid=grid, bar=bar,
        units=list(CapacityUnit), visibilities=list(Visibility), errors=errors or {}, form=defaults | (form or {}),
        processes=await process_choices(db_session, actor, ctx.lang), currencies=currency_choices(ctx.lang),
    )


@get("/supplier/offers", name="portal:supplier-offers", **requires(Permission.CAPACITY_READ))
async def offers_page(request: Request, db_session: NamedDependency[AsyncSession]) -> Response:
    ctx = await _supplier(request, db_session)
    return await _offers_page(ctx, db_session)


@post("/supplier/offers", name="portal:supplier-offer-publish", **requires(Permission.CAPACITY_WRITE))
async def publish_offer(request: Request, db_session: NamedDependency[AsyncSession]) -> Response:
    ctx = await _supplier(request, db_session)
    form = await form_of(ctx)
    try:
        data = convert(OfferIn, {
            "resource_id": form.get("resource_id", ""), "process": form.get("process", "").strip(),
            "window_start": form.get("window_start", ""), "window_end": form.get("window_end", ""),
            "capacity_per_day": form.get("capacity_per_day", ""), "unit_price_minor": form.get("unit_price_minor", ""),
            "currency": form.get("currency", "").strip().upper(), "capacity_unit": form.get("capacity_unit") or "piece",
            "units_per_hour": form.get("units_per_hour") or 1, "min_batch": form.get("min_batch") or 1,
            "lead_time_days": form.get("lead_time_days") or 0, "visibility": form.get("visibility") or "alliance",
            "materials": split_list(form.get("materials")) or None,
        })
        await capacity.publish_offer(db_session, ctx.actor, data)  # type: ignore[arg-type]
    except InvalidInput as exc:
        return await _offers_page(ctx, db_session, 422, field_errors(exc, ctx.lang), form)
    except NotFound:
        return await _offers_page(ctx, db_session, 422, {"resource_id": ctx.t("error.404")}, form)
    return redirect(ctx, f"{PREFIX}/supplier/offers?published=1")


@post("/supplier/offers/{offer_id:uuid}/withdraw", name="portal:supplier-offer-withdraw", **requires(Permission.CAPACITY_WRITE))
async def withdraw_offer(request: Request, db_session: NamedDependency[AsyncSession], offer_id: FromPath[uuid.UUID]) -> Response:
    """Stop new reservations; allocations already on the offer stay (the service lists them
    in its event for re-matching)."""
    ctx = await _supplier(request, db_session)
    form = await form_of(ctx)
    try:
        await capacity.withdraw_offer(db_session, ctx.actor, offer_id, (form.get("reason") or "").strip() or "withdrawn in the portal")  # type: ignore[arg-type]
    except Conflict as exc:
        return await _offers_page(ctx, db_session, 409, {"_": ctx.error(exc)})
    return redirect(ctx, f"{PREFIX}/supplier/offers")


@post("/supplier/orders/{order_id:uuid}/inspected", name="portal:supplier-order-inspected", **requires(Permission.PROGRESS_WRITE))
async def record_inspected(request: Request, db_session: NamedDependency[AsyncSession], order_id: FromPath[uuid.UUID]) -> Response:
    """The producing factory records its QC pass by hand until automated inspection lands."""
    ctx = await _supplier(request, db_session)
    await form_of(ctx)
    try:
        await order_service.transition(db_session, ctx.actor, order_id, "inspected")  # type: ignore[arg-type]
    except Conflict as exc:
        return await _incoming_page(ctx, db_session, 409, {"_": ctx.error(exc)})
    return redirect(ctx, f"{PREFIX}/supplier/allocations")


async def _incoming_page(ctx: PageContext, db_session: AsyncSession, status_code: int = 200, errors: dict[str, str] | None = None) -> Response:
    actor = ctx.actor
    assert actor is not None
    # Proposed allocations (the ones to answer) first, then the others, each newest first.
    proposed = await allocation_service.incoming_allocations(db_session, actor, awaiting_answer=True, cursor=ctx.request.query_params.get("proposed_cursor"), limit=INCOMING_PAGE)
    others = await allocation_service.incoming_allocations(db_session, actor, awaiting_answer=False, cursor=ctx.request.query_params.get("cursor"), limit=INCOMING_PAGE)
    allocations = proposed.items + others.items
    orders = await order_service.visible_orders(db_session, actor, [a.order_id for a in allocations])
    return render(ctx, "supplier/incoming.html", status_code, allocations=allocations, orders=orders, errors=errors or {},
                  proposed_cursor=proposed.next_cursor, next_cursor=others.next_cursor)


@get("/supplier/allocations", name="portal:supplier-incoming", **requires(Permission.CAPACITY_READ))
async def incoming_page(request: Request, db_session: NamedDependency[AsyncSession]) -> Response:
    ctx = await _supplier(request, db_session)
    return await _incoming_page(ctx, db_session)


@post("/supplier/allocations/{allocation_id:uuid}/respond", name="portal:supplier-respond", **requires(Permission.ALLOCATIONS_RESPOND))
async def respond(request: Request, db_session: NamedDependency[AsyncSession], allocation_id: FromPath[uuid.UUID]) -> Response:
    ctx = await _supplier(request, db_session)
    form = await form_of(ctx)
    accept = form.get("accept") == "1"
    try:
        await allocation_service.respond(db_session, ctx.actor, allocation_id, accept, optional(form.get("reason")))  # type: ignore[arg-type]
    except InvalidInput as exc:
        return await _incoming_page(ctx, db_session, 422, {str(allocation_id): field_errors(exc, ctx.lang).popitem()[1]})
    return redirect(ctx, f"{PREFIX}/supplier/allocations")


async def _own_allocation(ctx: PageContext, db_session: AsyncSession, allocation_id: uuid.UUID, operation: str) -> tuple[Allocation, object]:
    """The allocation, when the signed-in organisation produces it; anything else is 404."""
    actor = ctx.actor
    assert actor is not None
    allocation = await allocation_service.get_allocation(db_session, actor, allocation_id)
    if allocation.factory_org_id != actor.organisation_id:
        raise NotFound("allocation", allocation_id)
    order = await order_service.get_order(db_session, actor, allocation.order_id)
    if operation not in order.operations:
        raise NotFound("operation", operation)
    return allocation, order


def floor_url(request: Request, allocation_id: uuid.UUID, operation: str) -> str:
    return f"{str(request.base_url).rstrip('/')}{PREFIX}/floor/{allocation_id}/{operation}"


@get("/supplier/allocations/{allocation_id:uuid}/qr/{operation:str}", name="portal:supplier-qr", **requires(Permission.CAPACITY_READ))
async def qr_page(request: Request, db_session: NamedDependency[AsyncSession], allocation_id: FromPath[uuid.UUID], operation: FromPath[str]) -> Response:
    ctx = await _supplier(request, db_session)
    allocation, order = await _own_allocation(ctx, db_session, allocation_id, operation)
    url = floor_url(request, allocation_id, operation)
    return render(ctx, "supplier/qr.html", allocation=allocation, order=order, operation=operation, url=url, qr=qr_svg(url))


async def _floor_page(ctx: PageContext, db_session: AsyncSession, allocation_id: uuid.UUID, operation: str, status_code: int = 200,
                      errors: dict[str, str] | None = None, recorded: str | None = None) -> Response:
    actor = ctx.actor
    assert actor is not None
    allocation, order = await _own_allocation(ctx, db_session, allocation_id, operation)
    reports = [r for r in (await allocation_service.list_progress(db_session, actor, allocation_id=allocation.id, limit=PAGE)).items if r.operation == operation]
    reports.sort(key=lambda r: r.occurred_at)
    last = reports[-1] if reports else None
    next_step = allocation_service.NEXT_STEP[last.step if last else None]
    confirmed = sum(r.quantity for r in reports if r.step == ProgressStep.CONFIRM)
    remaining = allocation.quantity - confirmed
    batch = last.quantity if last is not None and next_step != ProgressStep.SCAN else remaining
    operator = ctx.user.name if ctx.user else ""
    return render(
        ctx, "supplier/floor.html", status_code, allocation=allocation, order=order, operation=operation, reports=list(reversed(reports[-6:])),
        next_step=next_step, confirmed=confirmed, batch=batch, operator=operator, errors=errors or {}, recorded=recorded,
        finished=remaining <= 0 and next_step == ProgressStep.SCAN,
    )


@get("/floor/{allocation_id:uuid}/{operation:str}", name="portal:floor", **requires(Permission.ORDERS_READ))
async def floor_page(request: Request, db_session: NamedDependency[AsyncSession], allocation_id: FromPath[uuid.UUID], operation: FromPath[str], recorded: FromQuery[str | None] = None) -> Response:
    ctx = await signed_in(request, db_session)
    return await _floor_page(ctx, db_session, allocation_id, operation, recorded=recorded)


@post("/floor/{allocation_id:uuid}/{operation:str}", name="portal:floor-report", **requires(Permission.PROGRESS_WRITE))
async def floor_report(request: Request, db_session: NamedDependency[AsyncSession], allocation_id: FromPath[uuid.UUID], operation: FromPath[str]) -> Response:
    ctx = await signed_in(request, db_session)
    form = await form_of(ctx)
    try:
        data = convert(ProgressIn, {"operation": operation, "step": form.get("step", ""), "quantity": form.get("quantity", ""), "operator": form.get("operator", "").strip()})
        await allocation_service.report_progress(db_session, ctx.actor, allocation_id, data)  # type: ignore[arg-type]
    except InvalidInput as exc:
        return await _floor_page(ctx, db_session, allocation_id, operation, 422, field_errors(exc, ctx.lang))
    return redirect(ctx, f"{PREFIX}/floor/{allocation_id}/{operation}?recorded={data.step.value}-{data.quantity}")
