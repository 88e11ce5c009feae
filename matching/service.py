"""Matching for a buyer organisation: load its open orders and the offers it may see, run the
pure engine, preview (nothing stored), store runs, approve and apply them through the
marketplace's atomic allocation call; a job for background batch runs; repair after a
factory withdraws capacity."""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from capool import events
from capool.clock import utcnow
from capool.config import MatchingSettings, get_settings
from capool.db import end_read_transaction, transaction_wrote
from capool.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from capool.pagination import Page, paginate
from capool.tenancy.actor import Actor, Permission, user_actor
from capool.tenancy.models import Role
from capool.tenancy.policy import get_visible, get_writable
from forecasting import service as health_service
from forecasting.models import HealthAlert
from marketplace import allocations as marketplace_allocations
from marketplace import capacity
from marketplace import days as capacity_days
from marketplace.models import Allocation, AllocationStatus, CapacityOffer, CapacityUnit, OrderStatus
from marketplace.orders import change_status, reduce_allocation, release_allocations
from marketplace.schemas import PlanDay, PlanItem
from matching import engine, repository
from matching.engine.generic import result_json
from matching.models import MatchApproval, MatchRun, RunMode, RunStatus
from matching.schemas import MatchIn, PolicyIn
from quality import score as quality_score
from quality import service as quality_service

PLANNABLE = (OrderStatus.SUBMITTED, OrderStatus.MATCHING)
REQUIRED_APPROVALS = 2


def matching_settings() -> MatchingSettings:
    return get_settings().matching


@dataclass
class Loaded:
    problem: engine.Problem
    currency_of_offer: dict[str, str]
    terms: dict[str, tuple[int, str]]
    """offer id -> (unit price for this buyer, offer digest) as loaded: the plan is bound to them."""
    moved: dict[str, int] = field(default_factory=dict)
    """Repair: order id -> units taken off the withdrawn offer (released, or not yet produced)."""
    affected: dict[str, int] = field(default_factory=dict)
    """Repair: order id -> the order's whole quantity; the moved share is sum(moved) / sum(affected)."""


def _check_mode(data: MatchIn) -> None:
    if data.mode == "incremental" and (data.order_ids is None or len(data.order_ids) != 1):
        raise InvalidInput.at("/order_ids", "incremental matching takes exactly one (urgent) order against the free capacity")


def _policy(data: PolicyIn | None) -> engine.Policy:
    if data is None:
        return engine.Policy()
    if data.external_min_pct > data.external_max_pct:
        raise InvalidInput.at("/policy/external_max_pct", "must not be below external_min_pct")
    if data.core_min_pct + data.external_min_pct > 100:
        raise InvalidInput.at("/policy/core_min_pct", "core_min_pct + external_min_pct must not exceed 100")
    return engine.Policy(
        core_min_pct=data.core_min_pct, external_min_pct=data.external_min_pct, external_max_pct=data.external_max_pct,
        hard_shares=data.hard_shares, carbon_weight_per_kg=data.carbon_weight_per_kg, max_late_days=data.max_late_days,
        share_penalty=data.share_penalty, cheaper_but_late=data.cheaper_but_late, late_penalty_per_unit_day=data.late_penalty_per_unit_day,
    )


async def load_problem(
    session: AsyncSession,
    actor: Actor,
    order_ids: list[uuid.UUID] | None,
    policy: engine.Policy,
    mode: engine.Mode = engine.Mode.BATCH,
    exclude_offers: tuple[uuid.UUID, ...] = (),
    place: dict[uuid.UUID, int] | None = None,
) -> Loaded:
    """The engine's input for the caller's orders: only what the tenancy policy lets it see.
    `place` (a repair) names exactly the units to place per order, whatever the order's state."""
    today = utcnow().date()
    wanted: list[tuple[Any, int]] = []
    if place is not None:
        found = await repository.own_orders_by_id(session, actor, list(place))
        wanted = [(found[oid], units) for oid, units in sorted(place.items()) if oid in found and units > 0]
    else:
        if order_ids is not None:
            found = await repository.own_orders_by_id(session, actor, order_ids)
            for n, oid in enumerate(order_ids):
                if oid not in found:
                    raise NotFound("order", oid)
                if found[oid].status not in PLANNABLE:
                    raise InvalidInput.at(f"/order_ids/{n}", f"order {found[oid].reference} is {found[oid].status.value}; only submitted or matching orders are matched")
        orders = await repository.open_orders(session, actor, PLANNABLE, order_ids)
        covered = await repository.covered_quantities(session, [o.id for o in orders])
        wanted = [(o, o.quantity - covered.get(o.id, 0)) for o in orders if o.quantity > covered.get(o.id, 0) and (o.split_allowed or not covered.get(o.id))]
    engine_orders = []
    for o, left in wanted:
        engine_orders.append(engine.Order(
            id=str(o.id), quantity=left, process=o.process, material=o.material, certifications=tuple(o.certifications),
            buyer=str(o.buyer_org_id), due=o.due_at.date(), split_allowed=o.split_allowed, min_quality_score=o.min_quality_score,
            max_unit_price=o.max_unit_price_minor, currency=o.currency, urgency=o.urgency.value, cost_sensitivity=o.cost_sensitivity.value,
        ))
    rows = await repository.visible_offers(session, actor, today, exclude_offers)
    # What the buyer already has booked on each offer counts against its reserved share.
    booked = await repository.own_booked_capacity(session, actor)
    # Other buyers' partner reservations on these offers stay free for them (anonymously).
    held = await repository.others_reserved(session, actor, [o.id for o, _ in rows])
    # Quality feeds eligibility and the objective: the Bayesian score per factory and process
    # (0-100); a pair with no lot history gets the prior's score.
    processes = {o.process for o in engine_orders}
    # One process (an urgent order, say) needs only that process's lot history.
    scores = await quality_service.supplier_scores(session, actor.alliance_id, next(iter(processes)) if len(processes) == 1 else None)
    prior = quality_score.estimate(None, "", [], utcnow()).score
    # The engine plans per day: each offer's free capacity on its sellable days (after lead
    # time, the resource's calendar and what is booked, shared with the resource's other offers).
    free = await capacity_days.load_free_days(session, [o for o, _ in rows], {r.id: r for _, r in rows})
    offers = []
    by_resource: dict[tuple[uuid.UUID, str], list[CapacityOffer]] = defaultdict(list)
    for offer, resource in rows:
        days = tuple(free.free(offer.id, today))
        offers.append(engine.Offer(
            id=str(offer.id), capacity=min(offer.remaining, sum(u for _, u in days)), process=offer.process, materials=tuple(offer.materials),
            certifications=tuple(resource.certifications), org=str(offer.organisation_id), resource=str(resource.id),
            window_start=offer.window_start, window_end=offer.window_end, capacity_per_day=offer.capacity_per_day,
            unit="hour" if offer.capacity_unit == CapacityUnit.HOUR else "piece", units_per_hour=offer.units_per_hour,
            unit_price=offer.unit_price_minor, currency=offer.currency, min_batch=offer.min_batch, lead_time_days=offer.lead_time_days,
            carbon_per_unit=resource.carbon_g_per_unit, visibility=offer.visibility.value,
            quality_score=round(100 * scores.get((offer.organisation_id, offer.process), prior)), days=days,
            published_capacity=offer.total_capacity,
            booked_by=((str(actor.organisation_id), booked[offer.id]),) if booked.get(offer.id) else (),
            held_for_others=held.get(offer.id, 0),
        ))
        by_resource[(resource.id, offer.capacity_unit.value)].append(offer)
    own_partnerships = await repository.own_partnerships(session, actor)
    partnerships = [
        engine.Partnership(buyer=str(p.buyer_org_id), factory=str(p.factory_org_id), reserved_share_pct=p.reserved_share_pct,
                           agreed_unit_price=p.agreed_unit_price_minor, currency=p.currency)
        for p in own_partnerships
    ]
    partner_of = {p.factory_org_id: p for p in own_partnerships}
    terms = {
        str(o.id): (marketplace_allocations.tier_and_price(actor.organisation_id, o, partner_of.get(o.organisation_id))[1], marketplace_allocations.offer_digest(o))
        for o, _ in rows
    }
    return Loaded(
        problem=engine.Problem(orders=engine_orders, offers=offers, partnerships=partnerships, resource_limits=_resource_limits(by_resource, free, today),
                               policy=policy, today=today, mode=mode),
        currency_of_offer={str(o.id): o.currency for o, _ in rows},
        terms=terms,
    )


def _resource_limits(by_resource: dict[tuple[uuid.UUID, str], list[CapacityOffer]], free: capacity_days.FreeDays, today: date) -> list[engine.ResourceLimit]:
    """Offers of one resource share its days: the resource's free capacity on each day any of
    them sells, for the engine to plan them together (matching.engine.calendar)."""
    limits = []
    for (resource_id, _), offers in sorted(by_resource.items()):
        if len(offers) < 2:
            continue
        days = sorted({d for o in offers for d in free.sellable(o.id, today)})
        shared = tuple((d, left) for d in days if (left := free.resource_free.get((resource_id, d), 0)) > 0)
        limits.append(engine.ResourceLimit(str(resource_id), sum(u for _, u in shared), tuple(str(o.id) for o in offers), days=shared))
    return limits


async def _solve(loaded: Loaded, time_limit: float) -> engine.Result:
    """The engine's answer, with every order in it placed whole: a plan allocates an order
    whole (the marketplace refuses less), so a split order the capacity could take only in
    part is held back with its reason, stays open for the next run, and the others are
    solved again without it (its capacity goes to orders that fit)."""
    settings = matching_settings()
    problem = loaded.problem
    held: dict[str, str] = {}
    for _ in range(3):
        # The solver holds the GIL only in Python parts; run it off the event loop.
        result = await asyncio.to_thread(engine.solve, problem, time_limit, settings.workers)
        placed: dict[str, int] = defaultdict(int)
        for a in result.allocations:
            placed[a.order] += a.quantity
        partial = {o.id: f"only {placed[o.id]} of {o.quantity} units found capacity; a plan allocates an order whole, so it stays open for the next run"
                   for o in problem.orders if 0 < placed.get(o.id, 0) < o.quantity}
        if not partial:
            break
        held |= partial
        problem = replace(problem, orders=[o for o in problem.orders if o.id not in held])
    for order, reason in held.items():
        result.unassigned[order] = reason
    result.held_back = held
    return result


def _summary(loaded: Loaded, result: engine.Result) -> dict[str, Any]:
    settings = matching_settings()
    out = result_json(result)
    plan = []
    value = 0
    if result.held_back:
        out["held_back"] = result.held_back
    for a in result.allocations:
        key = f"{a.order}|{a.offer}"
        # Valued at what the marketplace will charge, the terms the plan is bound to.
        unit_price, digest = loaded.terms[a.offer]
        slot_start = marketplace_allocations.day_start(a.slot_start) if a.days and a.slot_start else None
        slot_end = marketplace_allocations.day_end(a.slot_end) if a.days and a.slot_end else None
        plan.append(marketplace_allocations.bound_item(a.order, a.offer, a.quantity, unit_price, digest, slot_start, slot_end, list(a.days)) | {
            "explanation": {**result.explanations.get(key, {}), "backups": result.backups.get(key, []), "tier": a.tier,
                            "slot": [a.slot_start.isoformat() if a.slot_start else None, a.slot_end.isoformat() if a.slot_end else None]},
        })
        value += a.quantity * unit_price
    moved_units = sum(loaded.moved.values())
    moved_pct = 100 * moved_units // max(sum(loaded.affected.values()), 1)
    needs = value >= settings.approval_value_minor or (
        moved_units > 0 and moved_units >= settings.approval_moved_units and moved_pct >= settings.approval_moved_share_pct
    )
    return {"result": out, "plan": plan, "plan_digest": marketplace_allocations.plan_digest(plan), "value_minor": value, "moved_share_pct": moved_pct,
            "needs_approval": needs}


async def preview(session: AsyncSession, actor: Actor, data: MatchIn) -> dict[str, Any]:
    """What-if: the engine's answer for the caller's open orders; nothing is stored."""
    actor.require(Permission.MATCHING_RUN)
    _check_mode(data)
    loaded = await load_problem(session, actor, data.order_ids, _policy(data.policy), engine.Mode(data.mode))
    await _leave_transaction(session)
    return _summary(loaded, await _solve(loaded, data.time_limit_s))


async def _leave_transaction(session: AsyncSession) -> None:
    """A solve may run for a minute: it never holds a transaction (on SQLite every writer of
    every tenant would wait on its lock). Its input is loaded; the caller writes the outcome,
    if any, in a fresh transaction."""
    if transaction_wrote(session):
        # Ending the transaction would commit that work before the request decided about it.
        raise Conflict("matching solves outside any transaction; send it in a request of its own (or with background=true)", "solve_after_write")
    await end_read_transaction(session)


async def create_run(session: AsyncSession, actor: Actor, data: MatchIn) -> MatchRun:
    """Solve now and store the run, or (background=true) queue it for the matching job."""
    actor.require(Permission.MATCHING_RUN)
    _check_mode(data)
    policy = _policy(data.policy)
    request = {"order_ids": [str(o) for o in data.order_ids] if data.order_ids is not None else None, "mode": data.mode,
               "time_limit_s": data.time_limit_s, "policy": policy.__dict__ | {"tier_cost": list(policy.tier_cost)}}

    def new_run() -> MatchRun:
        run = MatchRun(organisation_id=actor.organisation_id, requested_by=actor.user_id, mode=RunMode(data.mode), status=RunStatus.QUEUED,
                       trigger="api", request=request, plan=[], value_minor=0, moved_share_pct=0, needs_approval=False)
        session.add(run)
        return run

    if data.background:
        if data.order_ids is not None:
            await load_problem(session, actor, data.order_ids, policy)  # validate now: 404 / 422 before queueing
        run = new_run()
        await session.flush()
        events.emit(session, actor, "matching.run.requested", "match_run", run.id, {"run_id": str(run.id)})
        return run
    loaded = await load_problem(session, actor, data.order_ids, policy, engine.Mode(data.mode))
    await _leave_transaction(session)
    result = await _solve(loaded, data.time_limit_s)
    # A proposal needs no re-check of the capacity it saw: applying it reserves atomically.
    run = new_run()
    _store(run, loaded, result)
    await session.flush()
    events.emit(session, actor, "matching.run.completed", "match_run", run.id, _run_payload(run))
    return run


def _store(run: MatchRun, loaded: Loaded, result: engine.Result) -> None:
    summary = _summary(loaded, result)
    run.result = summary["result"]
    run.plan = summary["plan"]
    run.plan_digest = summary["plan_digest"]
    run.objective = result.objective
    run.bound = result.bound
    run.value_minor = summary["value_minor"]
    run.moved_share_pct = summary["moved_share_pct"]
    run.needs_approval = summary["needs_approval"]
    run.status = RunStatus.AWAITING_APPROVAL if run.needs_approval and run.plan else RunStatus.PROPOSED


def _run_payload(run: MatchRun) -> dict[str, Any]:
    return {"run_id": str(run.id), "mode": run.mode.value, "status": run.status.value, "allocations": len(run.plan),
            "value_minor": run.value_minor, "needs_approval": run.needs_approval, "plan_digest": run.plan_digest}


async def get_run(session: AsyncSession, actor: Actor, run_id: uuid.UUID) -> MatchRun:
    actor.require(Permission.MATCHING_RUN)
    return await get_visible(session, actor, MatchRun, run_id)


async def list_runs(session: AsyncSession, actor: Actor, cursor: str | None = None, limit: int = 50) -> Page[MatchRun]:
    actor.require(Permission.MATCHING_RUN)
    return await paginate(session, repository.runs_query(actor), MatchRun.id, cursor, limit)


async def run_and_apply(session: AsyncSession, actor: Actor, data: MatchIn) -> MatchRun:
    """Run matching and apply the plan at once when it needs no approval ("Match now"); a run
    that needs approvals stays awaiting them."""
    run = await create_run(session, actor, data)
    if run.status == RunStatus.PROPOSED and run.plan:
        await apply(session, actor, run.id)
    return run


def run_touches_order(run: MatchRun, order_id: uuid.UUID) -> bool:
    """Whether the run asked for or planned this order."""
    return repository.run_touches_order(run, order_id)


async def latest_run_for_order(session: AsyncSession, actor: Actor, order_id: uuid.UUID) -> MatchRun | None:
    """The newest matching run of the actor's organisation that asked for or planned this order."""
    actor.require(Permission.MATCHING_RUN)
    return await repository.latest_run_for_order(session, actor, order_id)


async def run_approvals(session: AsyncSession, actor: Actor, run: MatchRun) -> list[MatchApproval]:
    """The approvals of the run's current plan (the ones that count)."""
    return await _valid_approvals(session, actor, run)


async def _valid_approvals(session: AsyncSession, actor: Actor, run: MatchRun) -> list[MatchApproval]:
    """The approvals that count: those that signed the run's current plan."""
    return [a for a in await repository.approvals(session, actor, run.id) if run.plan_digest is not None and a.plan_digest == run.plan_digest]


async def _check_approver(session: AsyncSession, actor: Actor, run: MatchRun) -> None:
    """Who may approve: an org admin of the buyer organisation, or an admin of its alliance
    when the alliance allows it; never the user who requested the change."""
    if actor.user_id == run.requested_by:
        raise PermissionDenied("the user who requested a change cannot approve it; two other users must")
    if actor.organisation_id == run.organisation_id:
        if actor.role != Role.ORG_ADMIN:
            raise PermissionDenied("only the buyer organisation's admins (or the alliance's, where it allows it) approve runs")
        return
    # The run is readable across organisations only by the admins of an alliance that lets
    # them approve (capool.tenancy.policy); the check is repeated here because it is the rule.
    if not (actor.is_alliance_admin and await repository.admins_approve_runs(session, actor.alliance_id)):
        raise PermissionDenied("this alliance does not let its admins approve members' runs")


async def approve(session: AsyncSession, actor: Actor, run_id: uuid.UUID, plan_digest: str | None = None) -> MatchRun:
    """One of the two signatures a large change needs, of exactly the run's plan (`plan_digest`,
    when given, is the plan the approver reviewed); each user signs once. With its second
    signature the run is approved."""
    actor.require(Permission.MATCHING_APPROVE)
    run = await get_visible(session, actor, MatchRun, run_id, for_update=True)
    await _check_approver(session, actor, run)
    if run.status != RunStatus.AWAITING_APPROVAL:
        raise Conflict(f"run {run.id} is {run.status.value}; only runs awaiting approval are approved", "not_awaiting_approval")
    if run.plan_digest is None:
        raise Conflict(f"run {run.id} was stored before plans were bound to their terms; make a new run", "plan_unbound")
    if plan_digest is not None and plan_digest != run.plan_digest:
        raise Conflict(f"run {run.id} proposes plan {run.plan_digest}, not the plan {plan_digest} you reviewed; review it again", "plan_changed")
    signed = await _valid_approvals(session, actor, run)
    if any(a.user_id == actor.user_id for a in await repository.approvals(session, actor, run.id)):
        raise Conflict("this user has already approved the run; a second, different user must approve", "already_approved")
    session.add(MatchApproval(run_id=run.id, organisation_id=run.organisation_id, user_id=actor.user_id, plan_digest=run.plan_digest))
    if len(signed) + 1 >= REQUIRED_APPROVALS:
        run.status = RunStatus.APPROVED
    await session.flush()
    events.emit(session, actor, "matching.run.approved", "match_run", run.id,
                {"run_id": str(run.id), "user_id": str(actor.user_id), "plan_digest": run.plan_digest, "status": run.status.value})
    return run


def _plan_items(run: MatchRun) -> list[PlanItem]:
    def at(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    return [PlanItem(order_id=uuid.UUID(p["order_id"]), offer_id=uuid.UUID(p["offer_id"]), quantity=p["quantity"], slot_start=at(p.get("slot_start")),
                     slot_end=at(p.get("slot_end")), explanation=p.get("explanation"),
                     days=[PlanDay(date.fromisoformat(d), u) for d, u in p["days"]] if p.get("days") else None) for p in run.plan]


async def apply(session: AsyncSession, actor: Actor, run_id: uuid.UUID) -> MatchRun:
    """Apply a run's plan through the marketplace's atomic allocation call, at exactly the
    terms it was computed from (else 409 plan_stale with a fresh preview, nothing changed).
    The run row is locked: of two concurrent applies, the second finds it applied."""
    actor.require(Permission.MATCHING_RUN)
    run = await get_writable(session, actor, MatchRun, run_id, for_update=True)
    if run.status not in (RunStatus.PROPOSED, RunStatus.AWAITING_APPROVAL, RunStatus.APPROVED):
        raise Conflict(f"run {run.id} is {run.status.value}; it cannot be applied", "not_applicable")
    if not run.plan:
        raise Conflict(f"run {run.id} allocated nothing; there is nothing to apply", "empty_plan")
    if run.needs_approval:
        signed = {a.user_id for a in await _valid_approvals(session, actor, run)}
        if len(signed) < REQUIRED_APPROVALS:
            raise Conflict(f"run {run.id} changes {run.value_minor} minor units / moves {run.moved_share_pct}% of an order and needs two approvals of its plan; it has {len(signed)}", "approval_required")
    repair = run.mode == RunMode.REPAIR
    if repair:
        await _release_unproduced(session, actor, run)
    created = await marketplace_allocations.apply_plan(session, actor, _plan_items(run), bound_to=run.plan_digest, approved=run.needs_approval, repair=repair)
    if repair and run.request.get("accepted_work"):
        await health_service.resolve_withdrawn_work_alert(session, run.organisation_id, uuid.UUID(run.request["failed_offer_id"]))
    run.status = RunStatus.APPLIED
    run.applied_plan_id = created[0].plan_id
    run.applied_at = utcnow()
    events.emit(session, actor, "matching.run.applied", "match_run", run.id, _run_payload(run) | {"plan_id": str(run.applied_plan_id)})
    return run


async def submit_plan(session: AsyncSession, actor: Actor, items: list[PlanItem]) -> list[Allocation] | MatchRun:
    """A plan a user composed by hand (POST /v1/allocation-plans): applied at once when it is
    below the approval threshold; otherwise stored as a run (trigger "manual") that awaits
    the same two approvals as a matching run, and nothing is reserved yet."""
    actor.require(Permission.ALLOCATIONS_WRITE)
    priced = await marketplace_allocations.price_plan(session, actor, items)
    if not priced.needs_approval:
        return await marketplace_allocations.apply_plan(session, actor, items, bound_to=priced.digest)
    actor.require(Permission.MATCHING_RUN)
    plan = [bound | {"explanation": item.explanation} for bound, item in zip(priced.items, items, strict=True)]
    run = MatchRun(organisation_id=actor.organisation_id, requested_by=actor.user_id, mode=RunMode.MANUAL, status=RunStatus.AWAITING_APPROVAL,
                   trigger="manual", request={"items": len(items)}, plan=plan, plan_digest=priced.digest, value_minor=priced.value_minor,
                   moved_share_pct=0, needs_approval=True)
    session.add(run)
    await session.flush()
    events.emit(session, actor, "matching.run.completed", "match_run", run.id, _run_payload(run))
    return run


async def actor_for(session: AsyncSession, organisation_id: uuid.UUID, user_id: uuid.UUID | None = None) -> Actor | None:
    """The actor a job or consumer works as (the requesting user, or a buyer of the org)."""
    found = await repository.acting_user(session, organisation_id, user_id)
    if found is None:
        return None
    user, org, alliance = found
    if not user.active:
        return None
    return user_actor(user, org, alliance)


async def execute_queued(session: AsyncSession, run_id: uuid.UUID) -> MatchRun | None:
    """Body of the matching job: read the run's input, leave the transaction, solve, then store
    the outcome in a short write (a small repair is applied in it too). Idempotent: only a
    queued run is solved."""
    run = await session.get(MatchRun, run_id)
    if run is None or run.status != RunStatus.QUEUED:
        return run
    actor = await actor_for(session, run.organisation_id, run.requested_by)
    if actor is None:
        run.status, run.error = RunStatus.FAILED, "the requesting user is no longer active"
        return run
    req = run.request
    if run.mode == RunMode.REPAIR:
        loaded = await _load_repair(session, actor, run)
    else:
        # Runs queued before a policy field was removed (utilisation_band) still load.
        policy_fields = {k: (tuple(tuple(x) for x in v) if k == "tier_cost" else tuple(v) if isinstance(v, list) else v)
                         for k, v in req.get("policy", {}).items() if k in engine.Policy.__dataclass_fields__}
        order_ids = [uuid.UUID(o) for o in req["order_ids"]] if req.get("order_ids") is not None else None
        try:
            loaded = await load_problem(session, actor, order_ids, engine.Policy(**policy_fields), engine.Mode(req.get("mode", "batch")))
        except (NotFound, InvalidInput) as exc:
            run.status, run.error = RunStatus.FAILED, exc.detail[:2000]
            return run
    await end_read_transaction(session)
    result = await _solve(loaded, float(req.get("time_limit_s", matching_settings().default_time_limit_s)))
    # Another worker may have solved the run meanwhile (a redelivered message): store once.
    run = await session.get(MatchRun, run_id, with_for_update=True, populate_existing=True)
    if run is None or run.status != RunStatus.QUEUED:
        return run
    _store(run, loaded, result)
    events.emit(session, actor, "matching.run.completed", "match_run", run.id, _run_payload(run))
    if run.mode == RunMode.REPAIR and not req.get("accepted_work") and run.status == RunStatus.PROPOSED and run.plan:
        await _apply_by_itself(session, actor, run)
    return run


async def _apply_by_itself(session: AsyncSession, actor: Actor, run: MatchRun) -> None:
    """Apply a repair below the approval thresholds. When the capacity it found has gone in the
    meantime (or its terms changed), the run stays proposed with the reason, for the buyer."""
    try:
        async with session.begin_nested():
            await apply(session, actor, run.id)
    except (Conflict, InvalidInput) as exc:
        await session.refresh(run)
        run.error = f"not applied by itself: {exc.detail}"[:2000]


# Orders whose work a repair may move: not yet produced, delivered or ended.
REPAIRABLE = marketplace_allocations.REPAIRABLE


async def queue_repairs(session: AsyncSession, offer_id: uuid.UUID, allocation_ids: list[uuid.UUID]) -> list[MatchRun]:
    """A factory withdrew an offer (the `capacity.withdrawn` consumer): short writes only, the
    solve runs in the matching job. Per buyer with work on the offer:

    - its unconfirmed (proposed) allocations are released, their orders go back to matching,
      and a queued repair run re-places those units without the offer; it applies by itself
      when below the approval thresholds;
    - its accepted work (possibly in production) is not dropped silently: an alert goes to
      the buyer (and the alliance admins' dashboard), and a second queued repair run
      proposes capacity for the units not yet produced. The buyer applies it (with two
      approvals above the thresholds); until then the factory keeps the work.
    """
    allocations = [a for a in await repository.allocations_by_id(session, allocation_ids) if a.offer_id == offer_id and a.status in repository.ACTIVE]
    by_buyer: dict[uuid.UUID, list[Allocation]] = defaultdict(list)
    for a in allocations:
        by_buyer[a.buyer_org_id].append(a)
    runs: list[tuple[Actor, MatchRun]] = []
    for buyer_id, mine in sorted(by_buyer.items()):
        actor = await actor_for(session, buyer_id)
        if actor is None:
            continue
        proposed = [a for a in mine if a.status == AllocationStatus.PROPOSED]
        if proposed:
            orders = await repository.own_orders_by_id(session, actor, sorted({a.order_id for a in proposed}))
            await release_allocations(session, proposed, AllocationStatus.CANCELLED)
            for order in orders.values():
                if order.status == OrderStatus.ALLOCATED:
                    await change_status(session, actor, order, OrderStatus.SUBMITTED, reason=f"capacity offer {offer_id} withdrawn: re-matching")
            released: dict[str, int] = defaultdict(int)
            for a in proposed:
                released[str(a.order_id)] += a.quantity
            runs.append((actor, _repair_run(session, actor, offer_id, proposed, released=dict(released), accepted_work=False)))
        accepted = [a for a in mine if a.status == AllocationStatus.ACCEPTED]
        if accepted:
            run = _repair_run(session, actor, offer_id, accepted, released={}, accepted_work=True)
            await session.flush()
            await _alert_accepted_work(session, actor, offer_id, accepted, run)
            runs.append((actor, run))
    await session.flush()
    for actor, run in runs:
        events.emit(session, actor, "matching.run.requested", "match_run", run.id, {"run_id": str(run.id), "trigger": run.trigger})
    return [run for _, run in runs]


def _repair_run(session: AsyncSession, actor: Actor, offer_id: uuid.UUID, allocations: list[Allocation], *, released: dict[str, int], accepted_work: bool) -> MatchRun:
    run = MatchRun(
        organisation_id=actor.organisation_id, requested_by=actor.user_id, mode=RunMode.REPAIR, status=RunStatus.QUEUED, trigger="capacity.withdrawn",
        request={"mode": "repair", "failed_offer_id": str(offer_id), "order_ids": sorted({str(a.order_id) for a in allocations}),
                 "allocation_ids": [str(a.id) for a in allocations], "released": released, "accepted_work": accepted_work,
                 "time_limit_s": matching_settings().default_time_limit_s},
        plan=[], value_minor=0, moved_share_pct=0, needs_approval=False,
    )
    session.add(run)
    return run


async def _alert_accepted_work(session: AsyncSession, actor: Actor, offer_id: uuid.UUID, accepted: list[Allocation], run: MatchRun) -> None:
    orders = await repository.own_orders_by_id(session, actor, sorted({a.order_id for a in accepted}))
    produced = await repository.produced_quantities(session, accepted, {o.id: o.operations for o in orders.values()})
    work = [{"allocation_id": str(a.id), "order_id": str(a.order_id), "reference": orders[a.order_id].reference if a.order_id in orders else None,
             "factory_org_id": str(a.factory_org_id), "quantity": a.quantity, "produced": produced.get(a.id, 0)} for a in accepted]
    left = sum(w["quantity"] - w["produced"] for w in work)
    await health_service.raise_withdrawn_work_alert(
        session, actor, offer_id,
        f"capacity offer {offer_id} was withdrawn with accepted work on it: {left} unit(s) of "
        f"{', '.join(sorted({str(w['reference']) for w in work}))} not yet produced; repair run {run.id} proposes new capacity",
        {"offer_id": str(offer_id), "run_id": str(run.id), "buyer_org_id": str(actor.organisation_id), "work": work, "units_not_produced": left},
    )


@dataclass
class WithdrawnWorkRepair:
    """An open `withdrawn_work` alert of the caller's organisation with the repair run it names
    (None: the caller may not read matching runs, or the run is gone) and what the caller may
    do with it now (hints for a page; approve and apply check everything again)."""

    alert: HealthAlert
    run: MatchRun | None
    approvals: list[MatchApproval]
    can_approve: bool
    can_apply: bool
    # order id -> the order's reference, for the run's plan
    references: dict[str, str]
    # order id -> the order's currency (the plan's prices are in it), and the run's currency
    # when all its orders share one (None otherwise: a value summed over currencies)
    currencies: dict[str, str] = field(default_factory=dict)
    currency: str | None = None
    # offer id -> "factory · resource", for the withdrawn offer and the plan's offers
    offers: dict[str, str] = field(default_factory=dict)


async def withdrawn_work_repairs(session: AsyncSession, actor: Actor) -> list[WithdrawnWorkRepair]:
    """Accepted work of the caller's organisation on withdrawn offers, with the repair proposals
    for the units not yet produced."""
    repairs = []
    for alert in await health_service.withdrawn_work_alerts(session, actor):
        run: MatchRun | None = None
        approvals: list[MatchApproval] = []
        run_id = (alert.details or {}).get("run_id")
        if run_id and actor.can(Permission.MATCHING_RUN):
            try:
                run = await get_run(session, actor, uuid.UUID(run_id))
            except (NotFound, ValueError):
                run = None
        if run is not None:
            approvals = await run_approvals(session, actor, run)
        signed = {a.user_id for a in approvals}
        can_approve = (run is not None and run.status == RunStatus.AWAITING_APPROVAL and actor.can(Permission.MATCHING_APPROVE)
                       and actor.role == Role.ORG_ADMIN and actor.user_id != run.requested_by and actor.user_id not in signed)
        can_apply = run is not None and bool(run.plan) and run.status in (RunStatus.PROPOSED, RunStatus.APPROVED) and actor.can(Permission.MATCHING_RUN)
        work = (alert.details or {}).get("work", [])
        references = {str(w.get("order_id")): str(w.get("reference")) for w in work}
        order_ids = {uuid.UUID(str(o)) for o in [*references, *((run.request or {}).get("order_ids", []) if run else [])] if o and o != "None"}
        orders = await repository.own_orders_by_id(session, actor, sorted(order_ids))
        currencies = {str(oid): o.currency for oid, o in orders.items()}
        single = set(currencies.values())
        offers = await capacity.offer_labels(session, actor, [alert.subject, *((item.get("offer_id") for item in run.plan or []) if run else [])])
        repairs.append(WithdrawnWorkRepair(alert, run, approvals, can_approve, can_apply, references, currencies, single.pop() if len(single) == 1 else None, offers))
    return repairs


async def withdrawn_work_repair(session: AsyncSession, actor: Actor, run_id: uuid.UUID) -> WithdrawnWorkRepair:
    """The repair of one open withdrawn-work alert of the caller's organisation, by its run; any
    other run (another organisation's, or one no open alert names) is not found."""
    for repair in await withdrawn_work_repairs(session, actor):
        if repair.run is not None and repair.run.id == run_id:
            return repair
    raise NotFound("repair proposal", run_id)


async def _kept_allocations(session: AsyncSession, run: MatchRun, *, lock: bool) -> list[Allocation]:
    """The accepted allocations a repair of accepted work replaces, still on the withdrawn offer."""
    failed = uuid.UUID(run.request["failed_offer_id"])
    ids = [uuid.UUID(a) for a in run.request.get("allocation_ids", [])] if run.request.get("accepted_work") else []
    return [a for a in await repository.allocations_by_id(session, ids, lock=lock) if a.offer_id == failed and a.status == AllocationStatus.ACCEPTED]


async def _repair_needs(session: AsyncSession, actor: Actor, run: MatchRun, kept: list[Allocation]) -> tuple[dict[uuid.UUID, Any], dict[uuid.UUID, int], dict[uuid.UUID, int]]:
    """As things stand now: the run's orders still open to a repair, the units to place per
    order (what no active allocation covers, plus what the kept allocations have not yet
    produced) and the units produced per kept allocation."""
    orders = await repository.own_orders_by_id(session, actor, [uuid.UUID(o) for o in run.request["order_ids"]])
    live = {oid: o for oid, o in orders.items() if o.status in REPAIRABLE}
    covered = await repository.covered_quantities(session, list(live))
    produced = await repository.produced_quantities(session, kept, {o.id: o.operations for o in orders.values()})
    place = {oid: o.quantity - covered.get(oid, 0) for oid, o in live.items()}
    for a in kept:
        if a.order_id in place:
            place[a.order_id] += a.quantity - produced[a.id]
    return live, place, produced


async def _load_repair(session: AsyncSession, actor: Actor, run: MatchRun) -> Loaded:
    """A repair's engine input, read when it is solved (not when it was queued): the units to
    place without the withdrawn offer, and the moved share, in units: units taken off the
    offer / units of the orders they belong to (40 of a 200-unit order is 20%)."""
    kept = await _kept_allocations(session, run, lock=False)
    live, place, produced = await _repair_needs(session, actor, run, kept)
    loaded = await load_problem(session, actor, None, engine.Policy(), engine.Mode.REPAIR,
                                exclude_offers=(uuid.UUID(run.request["failed_offer_id"]),), place=place)
    moved = {oid: units for oid, units in run.request.get("released", {}).items() if uuid.UUID(oid) in live}
    for a in kept:
        if a.order_id in live:
            moved[str(a.order_id)] = moved.get(str(a.order_id), 0) + a.quantity - produced[a.id]
    loaded.moved = moved
    loaded.affected = {str(oid): o.quantity for oid, o in live.items() if str(oid) in moved}
    return loaded


async def _release_unproduced(session: AsyncSession, actor: Actor, run: MatchRun) -> None:
    """Before a repair of accepted work is applied: each kept allocation of a planned order
    keeps only what its factory has produced (and is cancelled when that is nothing). Refused
    when production moved on since the repair was computed: its plan no longer fits."""
    planned: dict[uuid.UUID, int] = defaultdict(int)
    for item in run.plan:
        planned[uuid.UUID(item["order_id"])] += item["quantity"]
    kept = [a for a in await _kept_allocations(session, run, lock=True) if a.order_id in planned]
    _, place, produced = await _repair_needs(session, actor, run, kept)
    for order_id, units in sorted(planned.items()):
        if place.get(order_id) != units:
            raise Conflict(f"repair run {run.id} places {units} unit(s) of order {order_id}, which now needs {place.get(order_id, 0)}: "
                           "production or allocations changed since it was computed; make a new run", "repair_stale")
    for a in kept:
        before = a.quantity
        await reduce_allocation(session, a, produced[a.id])
        events.emit(session, actor, "allocation.reduced", "allocation", a.id,
                    {"allocation_id": str(a.id), "order_id": str(a.order_id), "buyer_org_id": str(a.buyer_org_id), "factory_org_id": str(a.factory_org_id),
                     "quantity_before": before, "quantity": a.quantity if a.status == AllocationStatus.ACCEPTED else 0, "status": a.status.value,
                     "reason": f"capacity offer {a.offer_id} withdrawn; repair run {run.id}"})
