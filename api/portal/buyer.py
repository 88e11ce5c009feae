"""Buyer portal: place orders, follow them ("where is my order"), see allocations."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from litestar import Request, Response, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from api.portal.forms import convert, optional, split_list
from api.portal.web import PREFIX, PageContext, field_errors, form_of, redirect, render, signed_in
from capool.errors import Conflict, InvalidInput
from capool.tenancy.actor import Permission
from marketplace import allocations as allocation_service
from marketplace import orders as order_service
from marketplace.models import CostSensitivity, Order, OrderStatus, Urgency
from marketplace.repository import organisation_names
from marketplace.schemas import OrderIn

PAGE = 200


async def _buyer(request: Request, db_session: AsyncSession) -> PageContext:
    ctx = await signed_in(request, db_session)
    ctx.actor.require(Permission.ORDERS_READ)  # type: ignore[union-attr]
    return ctx


@get("/buyer/orders", name="portal:buyer-orders")
async def orders_page(request: Request, db_session: AsyncSession) -> Response:
    ctx = await _buyer(request, db_session)
    actor = ctx.actor
    assert actor is not None
    orders = [o for o in (await order_service.list_orders(db_session, actor, limit=PAGE)).items if o.buyer_org_id == actor.organisation_id]
    orders.reverse()  # newest first (ids are time-ordered)
    return render(ctx, "buyer/orders.html", orders=orders)


def _order_form_page(ctx: PageContext, status_code: int = 200, errors: dict[str, str] | None = None, form: dict[str, str] | None = None) -> Response:
    defaults = {"due": (date.today() + timedelta(days=21)).isoformat(), "currency": "CNY", "urgency": "normal", "cost_sensitivity": "medium", "aql": "2.5"}
    return render(ctx, "buyer/new_order.html", status_code, urgencies=list(Urgency), sensitivities=list(CostSensitivity), errors=errors or {}, form=defaults | (form or {}))


@get("/buyer/orders/new", name="portal:buyer-order-form")
async def order_form(request: Request, db_session: AsyncSession) -> Response:
    ctx = await _buyer(request, db_session)
    ctx.actor.require(Permission.ORDERS_WRITE)  # type: ignore[union-attr]
    return _order_form_page(ctx)


def _due_at(text: str) -> datetime | str:
    # A due date means the end of that day, UTC; anything unparsable goes to the schema check.
    try:
        return datetime.combine(date.fromisoformat(text), time(23, 59), UTC)
    except ValueError:
        return text


@post("/buyer/orders", name="portal:buyer-order-place")
async def place_order(request: Request, db_session: AsyncSession) -> Response:
    ctx = await _buyer(request, db_session)
    form = await form_of(ctx)
    try:
        due = _due_at(form.get("due", ""))
        data = convert(OrderIn, {
            "reference": form.get("reference", "").strip(), "product": form.get("product", "").strip(), "process": form.get("process", "").strip(),
            "quantity": form.get("quantity", ""), "due_at": due.isoformat() if isinstance(due, datetime) else due,
            "currency": form.get("currency", "").strip().upper(), "material": optional(form.get("material")),
            "operations": split_list(form.get("operations")) or None, "urgency": form.get("urgency") or "normal",
            "cost_sensitivity": form.get("cost_sensitivity") or "medium", "max_unit_price_minor": optional(form.get("max_unit_price_minor")),
            "split_allowed": form.get("split_allowed") == "on", "aql": form.get("aql") or 2.5,
        })
        order = await order_service.place_order(db_session, ctx.actor, data)  # type: ignore[arg-type]
    except InvalidInput as exc:
        errors = field_errors(exc)
        if "due_at" in errors:
            errors["due"] = errors.pop("due_at")
        return _order_form_page(ctx, 422, errors, form)
    except Conflict as exc:
        return _order_form_page(ctx, 409, {"reference": exc.detail}, form)
    return redirect(ctx, f"{PREFIX}/buyer/orders/{order.id}")


def buyer_moves(ctx: PageContext, order: Order) -> list[OrderStatus]:
    """The moves the signed-in buyer may ask for now (the service checks them again)."""
    if ctx.actor is None or order.buyer_org_id != ctx.actor.organisation_id or not ctx.can(Permission.ORDERS_WRITE):
        return []
    return [s for s in OrderStatus if s in order_service.BUYER_MOVES and s in order_service.TRANSITIONS[order.status]]


async def _track_page(ctx: PageContext, db_session: AsyncSession, order_id: uuid.UUID, status_code: int = 200, error: str | None = None) -> Response:
    tracking = await order_service.track(db_session, ctx.actor, order_id)  # type: ignore[arg-type]
    return render(ctx, "buyer/track.html", status_code, tracking=tracking, order=tracking.order, moves=buyer_moves(ctx, tracking.order), error=error)


@get("/buyer/orders/{order_id:uuid}", name="portal:buyer-order")
async def track_page(request: Request, db_session: AsyncSession, order_id: uuid.UUID) -> Response:
    ctx = await _buyer(request, db_session)
    return await _track_page(ctx, db_session, order_id)


@post("/buyer/orders/{order_id:uuid}/transition", name="portal:buyer-order-transition")
async def transition(request: Request, db_session: AsyncSession, order_id: uuid.UUID) -> Response:
    """Cancel, mark delivered, dispute: the moves a buyer asks for directly."""
    ctx = await _buyer(request, db_session)
    form = await form_of(ctx)
    try:
        await order_service.transition(db_session, ctx.actor, order_id, form.get("to", ""), optional(form.get("reason")))  # type: ignore[arg-type]
    except (InvalidInput, Conflict) as exc:
        return await _track_page(ctx, db_session, order_id, exc.status, exc.detail)
    return redirect(ctx, f"{PREFIX}/buyer/orders/{order_id}")


@get("/buyer/allocations", name="portal:buyer-allocations")
async def allocations_page(request: Request, db_session: AsyncSession) -> Response:
    ctx = await _buyer(request, db_session)
    actor = ctx.actor
    assert actor is not None
    allocations = [a for a in (await allocation_service.list_allocations(db_session, actor, limit=PAGE)).items if a.buyer_org_id == actor.organisation_id]
    allocations.reverse()
    orders = {}
    for allocation in allocations:
        if allocation.order_id not in orders:
            orders[allocation.order_id] = await order_service.get_order(db_session, actor, allocation.order_id)
    names = await organisation_names(db_session, {a.factory_org_id for a in allocations})
    return render(ctx, "buyer/allocations.html", allocations=allocations, orders=orders, names=names)
