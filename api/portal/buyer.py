"""Buyer portal: place orders, follow them ("where is my order"), see allocations with the
matching engine's explanation and backups, match an order now (matching preview, run,
apply; large runs wait for two approvals), and the ledger entries of an order with their
inclusion proofs (verified on the server with settlement.ledger.proofs and in the browser
with crypto.subtle)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from api.portal.access import requires
from api.portal.charts import ForecastDay as ChartDay
from api.portal.charts import forecast_chart
from api.portal.choices import DEFAULT_CURRENCY, currency_choices, process_choices
from api.portal.forms import convert, optional, split_list
from api.portal.lots import lots_of
from api.portal.web import PREFIX, PageContext, field_errors, form_of, redirect, render, signed_in
from capool.errors import Conflict, InvalidInput, NotFound
from capool.tenancy.actor import Permission
from forecasting import service as health_service
from forecasting.health import WARNING_RATIO
from marketplace import allocations as allocation_service
from marketplace import capacity
from marketplace import orders as order_service
from marketplace.models import CostSensitivity, Order, OrderStatus, Urgency
from marketplace.schemas import OrderIn
from matching import service as matching_service
from matching.models import MatchRun, RunStatus
from matching.schemas import MatchIn
from settlement import service as ledger_service
from settlement.ledger.checkpoint import verify_inclusion_proof
from settlement.ledger.entries import LedgerEntry, check_entry
from settlement.ledger.errors import LedgerError
from settlement.ledger.keys import Keyring
from settlement.ledger.proofs import InclusionProof

ORDERS_PAGE = 50  # one screen of orders; older ones are a link away


async def _buyer(request: Request, db_session: AsyncSession) -> PageContext:
    ctx = await signed_in(request, db_session)
    ctx.actor.require(Permission.ORDERS_READ)  # type: ignore[union-attr]
    return ctx


@get("/buyer/orders", name="portal:buyer-orders", **requires(Permission.ORDERS_READ))
async def orders_page(request: Request, db_session: NamedDependency[AsyncSession]) -> Response:
    ctx = await _buyer(request, db_session)
    actor = ctx.actor
    assert actor is not None
    page = await order_service.own_orders(db_session, actor, cursor=ctx.request.query_params.get("cursor"), limit=ORDERS_PAGE)
    alerts = await health_service.withdrawn_work_alerts(db_session, actor)
    return render(ctx, "buyer/orders.html", orders=page.items, next_cursor=page.next_cursor, withdrawn_work=len(alerts))


async def _order_form_page(ctx: PageContext, db_session: AsyncSession, status_code: int = 200, errors: dict[str, str] | None = None,
                           form: dict[str, str] | None = None) -> Response:
    defaults = {"due": (date.today() + timedelta(days=21)).isoformat(), "currency": DEFAULT_CURRENCY, "urgency": "normal", "cost_sensitivity": "medium", "aql": "2.5"}
    return render(ctx, "buyer/new_order.html", status_code, urgencies=list(Urgency), sensitivities=list(CostSensitivity), errors=errors or {}, form=defaults | (form or {}),
                  processes=await process_choices(db_session, ctx.actor, ctx.lang), currencies=currency_choices(ctx.lang))  # type: ignore[arg-type]


@get("/buyer/orders/new", name="portal:buyer-order-form", **requires(Permission.ORDERS_WRITE))
async def order_form(request: Request, db_session: NamedDependency[AsyncSession]) -> Response:
    ctx = await _buyer(request, db_session)
    return await _order_form_page(ctx, db_session)


def _due_at(text: str) -> datetime | str:
    # A due date means the end of that day, UTC; anything unparsable goes to the schema check.
    try:
        return datetime.combine(date.fromisoformat(text), time(23, 59), UTC)
    except ValueError:
        return text


@post("/buyer/orders", name="portal:buyer-order-place", **requires(Permission.ORDERS_WRITE))
async def place_order(request: Request, db_session: NamedDependency[AsyncSession]) -> Response:
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
        errors = field_errors(exc, ctx.lang)
        if "due_at" in errors:
            errors["due"] = errors.pop("due_at")
        return await _order_form_page(ctx, db_session, 422, errors, form)
    except Conflict as exc:
        return await _order_form_page(ctx, db_session, 409, {"reference": ctx.error(exc)}, form)
    return redirect(ctx, f"{PREFIX}/buyer/orders/{order.id}")


def buyer_moves(ctx: PageContext, order: Order) -> list[OrderStatus]:
    """The moves the signed-in buyer may ask for now (the service checks them again)."""
    if ctx.actor is None or order.buyer_org_id != ctx.actor.organisation_id or not ctx.can(Permission.ORDERS_WRITE):
        return []
    return order_service.buyer_moves(order)


MATCH_TIME_LIMIT_S = 5.0
async def latest_run(db_session: AsyncSession, ctx: PageContext, order_id: uuid.UUID) -> tuple[MatchRun | None, list[uuid.UUID]]:
    """The newest matching run of the caller's organisation that planned this order, and who approved it."""
    if not ctx.can(Permission.MATCHING_RUN):
        return None, []
    found = await matching_service.latest_run_for_order(db_session, ctx.actor, order_id)  # type: ignore[arg-type]
    if found is None:
        return None, []
    return found, [a.user_id for a in await matching_service.run_approvals(db_session, ctx.actor, found)]  # type: ignore[arg-type]


async def order_entries(db_session: AsyncSession, ctx: PageContext, tracking) -> list[dict]:
    """Ledger entries about this order (its id or one of its allocations' ids in the payload)."""
    if not ctx.can(Permission.LEDGER_READ):
        return []
    ids = [tracking.order.id, *(t.allocation.id for t in tracking.allocations)]
    return await ledger_service.entries_about(db_session, ctx.actor, ids)  # type: ignore[arg-type]


async def check_proof(db_session: AsyncSession, ctx: PageContext, entry: dict, proof: dict) -> tuple[bool, str]:
    """The entry's hashes match its contents, its checkpoint is signed by a log key of the
    alliance's ledger, and the proof leads from the leaf to that checkpoint's root (RFC 9162
    2.1.3.2): settlement.ledger's own verifiers."""
    actor = ctx.actor
    assert actor is not None
    try:
        check_entry(LedgerEntry.from_json(entry))
        head = await ledger_service.latest_checkpoint(db_session, actor)
        keyring = Keyring(await ledger_service.key_records(db_session, actor.alliance_id))
        verify_inclusion_proof(InclusionProof.from_json(proof), bytes.fromhex(entry["leafHash"]), keyring,
                               origin=head["origin"], ledger_id=ledger_service.ledger_id_of(actor.alliance_id))
    except (LedgerError, ValueError, KeyError) as exc:
        return False, str(exc)
    return True, ""


async def _track_page(ctx: PageContext, db_session: AsyncSession, order_id: uuid.UUID, status_code: int = 200, error: str | None = None, **extra) -> Response:
    tracking = await order_service.track(db_session, ctx.actor, order_id)  # type: ignore[arg-type]
    run, approvals = await latest_run(db_session, ctx, order_id)
    entries = await order_entries(db_session, ctx, tracking)
    quality_lots = [lot for t in tracking.allocations for lot in await lots_of(db_session, ctx, t.allocation.id)] if ctx.can(Permission.QUALITY_READ) else []
    explanations = [t.allocation.explanation or {} for t in tracking.allocations]
    backups = [b for ex in explanations for b in (ex.get("backups") or [])]
    names = await capacity.organisation_names(db_session, ctx.actor, {uuid.UUID(b["org"]) for b in backups if b.get("org")})  # type: ignore[arg-type]
    preview = extra.get("preview")
    offers = await capacity.offer_labels(db_session, ctx.actor, [  # type: ignore[arg-type]
        *(b.get("offer") for b in backups), *(item["offer_id"] for item in (preview or {}).get("plan", [])),
        *((ex.get("next_best") or {}).get("offer") for ex in explanations), *allocation_service.offers_named_in(explanations),
    ])
    return render(
        ctx, "buyer/track.html", status_code, tracking=tracking, order=tracking.order, moves=buyer_moves(ctx, tracking.order), error=error,
        run=run, approvals=approvals, entries=entries, quality_lots=quality_lots, names={str(k): v for k, v in names.items()}, offers=offers, currency=tracking.order.currency, RunStatus=RunStatus,
        can_match=ctx.can(Permission.MATCHING_RUN) and tracking.order.buyer_org_id == ctx.actor.organisation_id and tracking.order.status.value in ("submitted", "matching"),  # type: ignore[union-attr]
        can_approve=ctx.can(Permission.MATCHING_APPROVE) and run is not None and ctx.actor.user_id not in approvals and ctx.actor.user_id != run.requested_by,  # type: ignore[union-attr]
        **({"preview": None, "verified": None} | extra),
    )


@get("/buyer/orders/{order_id:uuid}", name="portal:buyer-order", **requires(Permission.ORDERS_READ))
async def track_page(request: Request, db_session: NamedDependency[AsyncSession], order_id: FromPath[uuid.UUID]) -> Response:
    ctx = await _buyer(request, db_session)
    return await _track_page(ctx, db_session, order_id)


@post("/buyer/orders/{order_id:uuid}/transition", name="portal:buyer-order-transition", **requires(Permission.ORDERS_WRITE))
async def transition(request: Request, db_session: NamedDependency[AsyncSession], order_id: FromPath[uuid.UUID]) -> Response:
    """Cancel, mark delivered, dispute: the moves a buyer asks for directly."""
    ctx = await _buyer(request, db_session)
    form = await form_of(ctx)
    try:
        await order_service.transition(db_session, ctx.actor, order_id, form.get("to", ""), optional(form.get("reason")))  # type: ignore[arg-type]
    except (InvalidInput, Conflict) as exc:
        return await _track_page(ctx, db_session, order_id, exc.status, ctx.error(exc))
    return redirect(ctx, f"{PREFIX}/buyer/orders/{order_id}")


@get("/buyer/allocations", name="portal:buyer-allocations", **requires(Permission.ORDERS_READ))
async def allocations_page(request: Request, db_session: NamedDependency[AsyncSession]) -> Response:
    ctx = await _buyer(request, db_session)
    actor = ctx.actor
    assert actor is not None
    page = await allocation_service.own_order_allocations(db_session, actor, cursor=ctx.request.query_params.get("cursor"), limit=ORDERS_PAGE)
    allocations = page.items
    orders = await order_service.visible_orders(db_session, actor, [a.order_id for a in allocations])
    names = await capacity.organisation_names(db_session, actor, {a.factory_org_id for a in allocations})
    return render(ctx, "buyer/allocations.html", allocations=allocations, orders=orders, names=names, next_cursor=page.next_cursor)


@post("/buyer/orders/{order_id:uuid}/preview", name="portal:buyer-order-preview", **requires(Permission.MATCHING_RUN))
async def preview_match(request: Request, db_session: NamedDependency[AsyncSession], order_id: FromPath[uuid.UUID]) -> Response:
    """What-if: the matching engine's plan for this order; nothing is stored."""
    ctx = await _buyer(request, db_session)
    await form_of(ctx)
    await order_service.get_order(db_session, ctx.actor, order_id)  # type: ignore[arg-type]
    try:
        preview = await matching_service.preview(db_session, ctx.actor, MatchIn(order_ids=[order_id], time_limit_s=MATCH_TIME_LIMIT_S))  # type: ignore[arg-type]
    except (InvalidInput, Conflict) as exc:
        return await _track_page(ctx, db_session, order_id, exc.status, ctx.error(exc))
    return await _track_page(ctx, db_session, order_id, preview=preview)


@post("/buyer/orders/{order_id:uuid}/match", name="portal:buyer-order-match", **requires(Permission.MATCHING_RUN))
async def match_now(request: Request, db_session: NamedDependency[AsyncSession], order_id: FromPath[uuid.UUID]) -> Response:
    """Run matching for this order and store the run; a small run is applied at once, a large
    one waits for two approvals (the matching service decides which)."""
    ctx = await _buyer(request, db_session)
    await form_of(ctx)
    await order_service.get_order(db_session, ctx.actor, order_id)  # type: ignore[arg-type]
    try:
        await matching_service.run_and_apply(db_session, ctx.actor, MatchIn(order_ids=[order_id], time_limit_s=MATCH_TIME_LIMIT_S))  # type: ignore[arg-type]
    except (InvalidInput, Conflict) as exc:
        return await _track_page(ctx, db_session, order_id, exc.status, ctx.error(exc))
    return redirect(ctx, f"{PREFIX}/buyer/orders/{order_id}")


async def _run_of_order(db_session: AsyncSession, ctx: PageContext, order_id: uuid.UUID, run_id: uuid.UUID) -> MatchRun:
    await order_service.get_order(db_session, ctx.actor, order_id)  # type: ignore[arg-type]
    run = await matching_service.get_run(db_session, ctx.actor, run_id)  # type: ignore[arg-type]
    if not matching_service.run_touches_order(run, order_id):
        raise NotFound("match run", run_id)
    return run


async def _on_run(request: Request, db_session: AsyncSession, order_id: uuid.UUID, run_id: uuid.UUID, action: Any) -> Response:
    """Approve or apply a run of this order; a refusal shows on the order page."""
    ctx = await _buyer(request, db_session)
    await form_of(ctx)
    try:
        await _run_of_order(db_session, ctx, order_id, run_id)
        await action(db_session, ctx.actor, run_id)
    except (InvalidInput, Conflict) as exc:
        return await _track_page(ctx, db_session, order_id, exc.status, ctx.error(exc))
    return redirect(ctx, f"{PREFIX}/buyer/orders/{order_id}")


@post("/buyer/orders/{order_id:uuid}/runs/{run_id:uuid}/approve", name="portal:buyer-run-approve", **requires(Permission.MATCHING_APPROVE))
async def approve_run(request: Request, db_session: NamedDependency[AsyncSession], order_id: FromPath[uuid.UUID], run_id: FromPath[uuid.UUID]) -> Response:
    return await _on_run(request, db_session, order_id, run_id, matching_service.approve)


@post("/buyer/orders/{order_id:uuid}/runs/{run_id:uuid}/apply", name="portal:buyer-run-apply", **requires(Permission.MATCHING_RUN))
async def apply_run(request: Request, db_session: NamedDependency[AsyncSession], order_id: FromPath[uuid.UUID], run_id: FromPath[uuid.UUID]) -> Response:
    return await _on_run(request, db_session, order_id, run_id, matching_service.apply)


def _repairs_page(ctx: PageContext, repairs: list[matching_service.WithdrawnWorkRepair], status_code: int = 200, error: str | None = None) -> Response:
    return render(ctx, "buyer/repairs.html", status_code, repairs=repairs, error=error, RunStatus=RunStatus)


@get("/buyer/repairs", name="portal:buyer-repairs", **requires(Permission.ORDERS_READ))
async def repairs_page(request: Request, db_session: NamedDependency[AsyncSession]) -> Response:
    """Accepted work on withdrawn offers (the `withdrawn_work` alerts) and the repair proposals
    for the units not yet produced: approve (org admins) and apply them here."""
    ctx = await _buyer(request, db_session)
    return _repairs_page(ctx, await matching_service.withdrawn_work_repairs(db_session, ctx.actor))  # type: ignore[arg-type]


async def _on_repair(request: Request, db_session: AsyncSession, run_id: uuid.UUID, action: Any) -> Response:
    """Approve or apply the repair run of one of the caller's open withdrawn-work alerts (any
    other run is not found); a refusal shows on the repairs page."""
    ctx = await _buyer(request, db_session)
    await form_of(ctx)
    await matching_service.withdrawn_work_repair(db_session, ctx.actor, run_id)  # type: ignore[arg-type]
    try:
        await action(db_session, ctx.actor, run_id)
    except (InvalidInput, Conflict) as exc:
        return _repairs_page(ctx, await matching_service.withdrawn_work_repairs(db_session, ctx.actor), exc.status, ctx.error(exc))  # type: ignore[arg-type]
    return redirect(ctx, f"{PREFIX}/buyer/repairs")


@post("/buyer/repairs/{run_id:uuid}/approve", name="portal:buyer-repair-approve", **requires(Permission.MATCHING_APPROVE))
async def approve_repair(request: Request, db_session: NamedDependency[AsyncSession], run_id: FromPath[uuid.UUID]) -> Response:
    return await _on_repair(request, db_session, run_id, matching_service.approve)


@post("/buyer/repairs/{run_id:uuid}/apply", name="portal:buyer-repair-apply", **requires(Permission.MATCHING_RUN))
async def apply_repair(request: Request, db_session: NamedDependency[AsyncSession], run_id: FromPath[uuid.UUID]) -> Response:
    return await _on_repair(request, db_session, run_id, matching_service.apply)


@get("/buyer/orders/{order_id:uuid}/ledger/{seq:int}/proof", name="portal:buyer-ledger-proof", **requires(Permission.LEDGER_READ))
async def ledger_proof(request: Request, db_session: NamedDependency[AsyncSession], order_id: FromPath[uuid.UUID], seq: FromPath[int]) -> Response:
    """An entry's inclusion proof with its checkpoint, verified on the server; the page's
    verify button checks it again in the browser (SHA-256 via crypto.subtle)."""
    ctx = await _buyer(request, db_session)
    tracking = await order_service.track(db_session, ctx.actor, order_id)  # type: ignore[arg-type]
    entry = next((e for e in await order_entries(db_session, ctx, tracking) if e["seq"] == seq), None)
    if entry is None:
        raise NotFound("ledger entry", seq)
    proof = await ledger_service.inclusion_proof(db_session, ctx.actor, seq)  # type: ignore[arg-type]
    ok, problem = await check_proof(db_session, ctx, {k: v for k, v in entry.items() if k != "fields"}, proof)
    return render(ctx, "buyer/proof.html", order=tracking.order, entry=entry, proof=proof, proof_json=json.dumps(proof, indent=2), ok=ok, problem=problem)


@get("/buyer/forecast", name="portal:buyer-forecast", **requires(Permission.FORECAST_READ))
async def forecast_page(request: Request, db_session: NamedDependency[AsyncSession]) -> Response:
    """The buyer's demand forecast per process with its intervals, against the capacity
    forecast and the 70% warning line (forecasting.service.outlook)."""
    ctx = await signed_in(request, db_session)
    assert ctx.actor is not None
    view = await health_service.outlook(db_session, ctx.actor)
    legend = {"forecast": ctx.t("forecast.legend_forecast"), "interval_80": ctx.t("forecast.legend_80"), "interval_95": ctx.t("forecast.legend_95"),
              "capacity": ctx.t("forecast.legend_capacity"), "warning": ctx.t("forecast.legend_warning", warning=f"{WARNING_RATIO:.0%}")}
    charts = {
        p.process: forecast_chart([ChartDay(d.day.strftime("%m-%d"), d.yhat, d.lo_80, d.hi_80, d.lo_95, d.hi_95, d.capacity_per_day) for d in p.days],
                                  ctx.t("forecast.chart", process=p.process), legend, WARNING_RATIO)
        for p in view.processes if p.days
    }
    return render(ctx, "buyer/forecast.html", view=view, charts=charts, warning_ratio=WARNING_RATIO)
