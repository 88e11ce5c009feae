"""The whole-market simulation: a seeded alliance trades through the real REST API, with
API keys, and the real job system, day after day; the invariants
(capool.simulation.invariants) are checked against the database and the ledger after each.

What runs where. The API is the real Litestar app with its middleware (authentication,
unit of work, idempotency), called in-process over ASGI (httpx.ASGITransport): no port,
and the simulation's clock and the server's are one. The job system is the real one:
without workers the embedded setup (a dramatiq StubBroker with worker threads in this
process, as `capool serve` runs without Redis); with `workers=W` the Redis broker and W
real `capool worker` processes, which then run every outbox consumer (ledger, settlement,
repair after a withdrawal).

A simulated day is one round of the market. The platform reads the real clock (there is no
clock to move), so day d's offers open on the calendar day today + d and its orders fall
due some days after that; everything a day does happens, in order, before the next day.

Each day: factories publish offers (every seventh day, two-week windows, so consecutive
offers of one resource overlap and share it) and change prices; buyers place orders (some
urgent, matched at once with incremental matching; some large and splittable), allocate
one order by hand, and run batch matching; every third day a factory withdraws an offer
that work was just proposed on, and the worker's repair re-matches that work; runs and manual plans at or above the approval
threshold get two approvals of exactly their plan before they are applied; sometimes a
factory changes a price between run and apply and the apply must answer 409 plan_stale;
factories accept or decline, operators report scan / done / confirm per operation, lots are
opened, inspected with defects and decided (a rejected lot is reworked and presented
again; a factory whose inspection is discontinued after
lots rejected in a row resumes once the alliance admin confirms its corrective action), the factory records the QC pass and the buyer the delivery. Clients retry POSTs
with the same Idempotency-Key and expect the stored answer. Every answer is checked
against what the API promises; an unexpected one is a violation like a broken invariant.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from capool import jobs
from capool.config import Settings
from capool.db import create_engine, create_session_factory
from capool.events import OutboxEvent
from capool.simulation.invariants import CHECKS, CheckContext, Violation, run_checks
from capool.tenancy import service as members
from capool.tenancy.models import Organisation, OrgKind, Role
from matching.models import MatchRun, RunStatus

PROCESSES = ["screen_printing", "embroidery", "cut_and_sew"]
# The simulated alliance's process catalogue (marketplace.catalogue): (English, Chinese) names.
PROCESS_NAMES = {"screen_printing": ("Screen printing", "丝网印刷"), "embroidery": ("Embroidery", "刺绣"), "cut_and_sew": ("Cut and sew", "裁剪缝制")}
MATERIALS = ["cotton", "polyester"]
CURRENCY = "CNY"


@dataclass
class SimulationConfig:
    days: int
    seed: int
    database_url: str
    orders_per_day: int = 20
    workers: int = 0
    redis_url: str | None = None
    # Seconds each matching solve may take (runs, and the repair after a withdrawal).
    time_limit_s: float = 2.0
    # Share of POSTs sent a second time with the same Idempotency-Key.
    retry_share: float = 0.15
    factories: int = 6
    # The share of the capacity the factories add each day that the day's orders ask for:
    # above about 0.5 offers of one resource compete for its days, above 1 the market is short.
    utilisation: float = 0.6
    # Seconds to wait for the job system to work off the outbox after a day.
    drain_timeout_s: float = 120.0
    # Running API processes (base URLs) to drive instead of the app in-process; requests go
    # round-robin over them, as a load balancer in front of them would spread them. Their
    # deployment runs its own job system (its workers on `redis_url`): the simulation then
    # starts no worker and only waits for the outbox to be worked off.
    api_urls: list[str] = field(default_factory=list)
    # Seconds to wait for those API processes to answer `/ready` (a deployment just started).
    ready_timeout_s: float = 120.0


class RoundRobinTransport(httpx.AsyncBaseTransport):
    """Sends each request to the next of several base URLs (API processes behind one address)."""

    def __init__(self, base_urls: list[str]) -> None:
        if not base_urls:
            raise ValueError("no API URL")
        self.bases = [httpx.URL(url) for url in base_urls]
        self.sent: Counter[str] = Counter()
        self._next = 0
        self._transport = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        base = self.bases[self._next % len(self.bases)]
        self._next += 1
        self.sent[str(base)] += 1
        request.url = request.url.copy_with(scheme=base.scheme, host=base.host, port=base.port, path=base.path.rstrip("/") + request.url.path)
        request.headers["Host"] = request.url.netloc.decode("ascii")
        return await self._transport.handle_async_request(request)

    async def aclose(self) -> None:
        await self._transport.aclose()


@dataclass
class Party:
    label: str
    org_id: uuid.UUID
    user_id: uuid.UUID
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Buyer:
    party: Party
    approvers: list[Party]
    known_runs: set[str] = field(default_factory=set)


@dataclass
class Factory:
    party: Party
    # (resource id, process, capacity per day)
    resources: list[tuple[str, str, int]] = field(default_factory=list)
    # offer id -> offer as last answered
    offers: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Work:
    """An accepted allocation on the shop floor, as its factory knows it."""

    allocation_id: str
    order_id: str
    quantity: int
    operations: list[str]
    product: str
    ops_done: int = 0
    accepted: int = 0
    lots: int = 0
    stage: str = "producing"  # -> inspecting -> passed


@dataclass
class Stats:
    requests: int = 0
    by_status: Counter[int] = field(default_factory=Counter)
    replays: int = 0
    # Requests sent again after the connection failed under them (see Client._send).
    transport_retries: int = 0
    seconds_in_requests: float = 0.0
    counts: Counter[str] = field(default_factory=Counter)
    # Wall time by what it was spent on: each route (ids elided), draining the outbox, checking.
    seconds: Counter[str] = field(default_factory=Counter)
    calls: Counter[str] = field(default_factory=Counter)

    def slowest(self, n: int = 8) -> list[dict[str, Any]]:
        return [{"what": what, "calls": self.calls[what], "total_s": round(total, 1), "mean_ms": round(1000 * total / max(self.calls[what], 1), 1)}
                for what, total in self.seconds.most_common(n)]


class Violations:
    """Answers the API should not have given, beside the invariant checks."""

    def __init__(self) -> None:
        self.items: dict[str, list[Violation]] = defaultdict(list)

    def add(self, check: str, subject: str, detail: str) -> None:
        self.items[check].append(Violation(check, subject, detail))


class Api:
    """The simulation's HTTP client: every call says which answers it expects."""

    def __init__(self, http: httpx.AsyncClient, rng: random.Random, retry_share: float, stats: Stats, violations: Violations) -> None:
        self.http = http
        self.rng = rng
        self.retry_share = retry_share
        self.stats = stats
        self.violations = violations

    async def _send(self, method: str, path: str, party: Party, json: Any, params: dict[str, Any] | None, key: str | None) -> httpx.Response:
        headers = dict(party.headers)
        if key:
            headers["Idempotency-Key"] = key
        started = time.perf_counter()
        # A kept-alive connection the server has just closed (its keep-alive timeout, a process
        # restart) fails the next request on it. Like a real client, send again what is safe
        # to send again: reads, and writes that carry an Idempotency-Key (the server answers
        # a repeat with the first answer). Anything else fails the run.
        for attempt in range(4):
            try:
                response = await self.http.request(method, path, json=json, params=params, headers=headers)
                break
            except (httpx.ReadError, httpx.RemoteProtocolError, httpx.ConnectError):
                if attempt == 3 or not (method == "GET" or key):
                    raise
                self.stats.transport_retries += 1
                await asyncio.sleep(0.2 * (attempt + 1))
        spent = time.perf_counter() - started
        route = f"{method} " + "/".join("{id}" if len(part) == 36 and part.count("-") == 4 else part for part in path.split("/"))
        self.stats.seconds_in_requests += spent
        self.stats.seconds[route] += spent
        self.stats.calls[route] += 1
        self.stats.requests += 1
        self.stats.by_status[response.status_code] += 1
        return response

    async def call(self, method: str, path: str, party: Party, *, json: Any = None, params: dict[str, Any] | None = None,
                   expect: tuple[int, ...] = (200,), codes: tuple[str, ...] = ()) -> httpx.Response:
        """`expect`: the acceptable statuses; `codes`: the problem codes acceptable for a 4xx
        among them (empty: any). A POST carries an Idempotency-Key and is, now and then, sent
        again with it: a stored success must come back byte for byte."""
        key = f"sim-{uuid.UUID(int=self.rng.getrandbits(128))}" if method == "POST" else None
        response = await self._send(method, path, party, json, params, key)
        where = f"{method} {path}"
        if response.status_code not in expect or (response.status_code >= 400 and codes and _code(response) not in codes):
            self.violations.add("api", where, f"{party.label} got {response.status_code} (expected {expect} {codes or ''}): {response.text[:400]}")
        elif key and response.status_code < 400 and self.rng.random() < self.retry_share:
            again = await self._send(method, path, party, json, params, key)
            self.stats.replays += 1
            if (again.status_code, again.content) != (response.status_code, response.content) or again.headers.get("idempotent-replayed") != "true":
                self.violations.add("idempotency", where, f"a retry with the same Idempotency-Key answered {again.status_code} "
                                    f"(replayed={again.headers.get('idempotent-replayed')}) instead of the stored {response.status_code}")
        return response

    async def all_pages(self, path: str, party: Party, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            query = dict(params or {}, limit=200) | ({"cursor": cursor} if cursor else {})
            response = await self.call("GET", path, party, params=query)
            if response.status_code != 200:
                return items
            page = response.json()
            items.extend(page["items"])
            cursor = page.get("next_cursor")
            if not cursor:
                return items


def _code(response: httpx.Response) -> str | None:
    try:
        return response.json().get("code")
    except ValueError:
        return None


class Market:
    def __init__(self, config: SimulationConfig, api: Api, alliance_id: uuid.UUID, buyers: list[Buyer], factories: list[Factory], admin: Party,
                 rng: random.Random) -> None:
        self.config = config
        self.api = api
        self.alliance_id = alliance_id
        self.buyers = buyers
        self.factories = factories
        self.admin = admin
        self.rng = rng
        self.today = datetime.now(UTC).date()
        self.stats = api.stats
        self.work: dict[str, dict[str, Work]] = {str(f.party.org_id): {} for f in factories}
        self.factory_of_org = {str(f.party.org_id): f for f in factories}
        # order id -> (buyer index, day placed)
        self.orders: dict[str, tuple[int, int]] = {}
        self.finished: set[str] = set()
        self.side_by_side = not config.database_url.startswith("sqlite")
        # Offers that today's plans put proposed (unanswered) work on.
        self.proposed_today: set[str] = set()

    # ----- factories -------------------------------------------------------------------
    async def setup_factory(self, factory: Factory, index: int) -> None:
        site = await self.api.call("POST", "/v1/sites", factory.party, json={"name": f"{factory.party.label} plant", "region": "foshan"}, expect=(201,))
        processes = self.rng.sample(PROCESSES, k=2)
        # Orders average about 470 units: size the daily rates so that each day's orders ask
        # for `utilisation` of what the resources make in a day.
        per_day_total = self.config.orders_per_day * 470 / self.config.utilisation
        for n, process in enumerate(processes):
            resource = await self.api.call("POST", "/v1/resources", factory.party, expect=(201,), json={
                "site_id": site.json()["id"], "name": f"{process} line {n + 1}", "kind": "crew", "processes": [process],
                "materials": MATERIALS, "carbon_g_per_unit": self.rng.randint(80, 400)})
            per_day = max(50, round(per_day_total / (2 * self.config.factories) * self.rng.uniform(0.7, 1.3) / 10) * 10)
            factory.resources.append((resource.json()["id"], process, per_day))

    async def publish(self, factory: Factory, day: int) -> None:
        for resource_id, process, per_day in factory.resources:
            start = self.today + timedelta(days=day)
            response = await self.api.call("POST", "/v1/offers", factory.party, expect=(201,), json={
                "resource_id": resource_id, "process": process, "window_start": start.isoformat(), "window_end": (start + timedelta(days=13)).isoformat(),
                "capacity_per_day": per_day, "unit_price_minor": self.rng.randint(30, 90) * 10, "currency": CURRENCY, "min_batch": 10,
                "lead_time_days": self.rng.randint(0, 2), "visibility": "alliance"})
            if response.status_code == 201:
                factory.offers[response.json()["id"]] = response.json()
                self.stats.counts["offers_published"] += 1

    def _active_offers(self, factory: Factory) -> list[dict[str, Any]]:
        return [o for o in factory.offers.values() if o["status"] == "active"]

    async def change_price(self, factory: Factory, offer: dict[str, Any] | None = None) -> str | None:
        offers = self._active_offers(factory)
        offer = offer or (self.rng.choice(offers) if offers else None)
        if offer is None:
            return None
        price = max(10, round(offer["unit_price_minor"] * self.rng.uniform(0.85, 1.2) / 10) * 10)
        if price == offer["unit_price_minor"]:
            price += 10
        response = await self.api.call("PATCH", f"/v1/offers/{offer['id']}", factory.party, json={"unit_price_minor": price})
        if response.status_code == 200:
            factory.offers[offer["id"]] = response.json()
            self.stats.counts["price_changes"] += 1
            return offer["id"]
        return None

    async def withdraw(self, day: int) -> None:
        """A factory withdraws an offer that today's plans proposed work on: the worker's repair
        must move that work (it was not answered yet) to other offers."""
        for factory in self.factories:
            await self.refresh_offers(factory)
        candidates = [(f, o) for f in self.factories for o in self._active_offers(f) if o["id"] in self.proposed_today]
        if not candidates:
            return
        factory, offer = self.rng.choice(candidates)
        response = await self.api.call("POST", f"/v1/offers/{offer['id']}/withdraw", factory.party, json={"reason": f"line stopped on day {day}"})
        if response.status_code == 200:
            factory.offers[offer["id"]] = response.json()["offer"]
            self.stats.counts["offers_withdrawn"] += 1

    async def refresh_offers(self, factory: Factory) -> None:
        for offer in await self.api.all_pages("/v1/offers", factory.party, {"organisation_id": str(factory.party.org_id)}):
            factory.offers[offer["id"]] = offer

    # ----- buyers ----------------------------------------------------------------------
    async def place_orders(self, index: int, buyer: Buyer, day: int, count: int) -> list[dict[str, Any]]:
        placed = []
        for n in range(count):
            urgent = self.rng.random() < 0.1
            bulk = not urgent and self.rng.random() < 0.05
            quantity = self.rng.randint(250, 400) * 10 if bulk else self.rng.randint(5, 60) * 10
            due = datetime.combine(self.today + timedelta(days=day + (self.rng.randint(3, 5) if urgent else self.rng.randint(8, 20))), datetime.min.time(), UTC)
            process = self.rng.choice(PROCESSES)
            response = await self.api.call("POST", "/v1/orders", buyer.party, expect=(201,), json={
                "reference": f"SIM{self.config.seed}-{index}-D{day:03d}-{n:04d}", "product": f"{process.replace('_', ' ')} tee", "process": process,
                "material": self.rng.choice(MATERIALS), "quantity": quantity, "due_at": due.isoformat(), "currency": CURRENCY,
                "operations": [process, "packing"], "urgency": "urgent" if urgent else self.rng.choice(["low", "normal", "normal", "high"]),
                "cost_sensitivity": self.rng.choice(["low", "medium", "high"]), "split_allowed": bulk or self.rng.random() < 0.2})
            if response.status_code == 201:
                order = response.json()
                self.orders[order["id"]] = (index, day)
                placed.append(order)
                self.stats.counts["orders_placed"] += 1
                self.stats.counts["orders_urgent"] += urgent
                self.stats.counts["orders_split_allowed"] += order["split_allowed"]
        return placed

    async def approve(self, buyer: Buyer, run: dict[str, Any]) -> dict[str, Any]:
        """Two approvals of exactly the run's plan; first a probe that the requester may not."""
        run_id = run["id"]
        await self.api.call("POST", f"/v1/matching/runs/{run_id}/approve", buyer.party, json={"plan_digest": run["plan_digest"]}, expect=(403,))
        for approver in buyer.approvers:
            response = await self.api.call("POST", f"/v1/matching/runs/{run_id}/approve", approver, json={"plan_digest": run["plan_digest"]})
            if response.status_code != 200:
                return run
            run = response.json()
        self.stats.counts["runs_approved"] += 1
        if run["status"] != "approved":
            self.api.violations.add("api", f"run {run_id}", f"two approvals of its plan, but it says {run['status']}")
        return run

    async def settle_run(self, buyer: Buyer, run: dict[str, Any], *, shock: bool = False) -> str:
        """Approve (when needed) and apply a run; 'stale' when prices moved under it."""
        buyer.known_runs.add(run["id"])
        if not run["plan"] or run["status"] not in ("proposed", "awaiting_approval", "approved"):
            return "empty"
        if run["status"] == "awaiting_approval":
            run = await self.approve(buyer, run)
            if run["status"] != "approved":
                return "unapproved"
        if shock:
            item = self.rng.choice(run["plan"])
            owner = next((f for f in self.factories if item["offer_id"] in f.offers), None)
            if owner is None or await self.change_price(owner, owner.offers[item["offer_id"]]) is None:
                shock = False
        expect_codes = ("plan_stale",) if shock else ("capacity_exhausted",)
        response = await self.api.call("POST", f"/v1/matching/runs/{run['id']}/apply", buyer.party, expect=(409,) if shock else (200, 409), codes=expect_codes)
        if response.status_code == 200:
            self.proposed_today.update(item["offer_id"] for item in run["plan"])
            self.stats.counts[f"runs_applied_{run['mode']}"] += 1
            self.stats.counts["allocations_created"] += len(run["plan"])
            return "applied"
        if _code(response) == "plan_stale":
            self.stats.counts["stale_plans_refused"] += 1
            return "stale"
        self.stats.counts["applies_refused_capacity"] += 1
        return "refused"

    async def match(self, buyer: Buyer, body: dict[str, Any], *, shock_share: float = 0.0) -> None:
        for _ in range(2):
            response = await self.api.call("POST", "/v1/matching/runs", buyer.party, json=body | {"time_limit_s": self.config.time_limit_s}, expect=(201,))
            if response.status_code != 201:
                return
            self.stats.counts[f"runs_{body.get('mode', 'batch')}"] += 1
            if await self.settle_run(buyer, response.json(), shock=self.rng.random() < shock_share) != "stale":
                return

    async def manual_plan(self, buyer: Buyer, order: dict[str, Any]) -> None:
        offers = await self.api.call("GET", "/v1/offers", buyer.party, params={"process": order["process"], "status": "active", "min_remaining": order["quantity"], "limit": 200})
        if offers.status_code != 200:
            return
        fitting = [o for o in offers.json()["items"] if order["material"] in o["materials"] and o["min_batch"] <= order["quantity"]]
        if not fitting:
            return
        offer = min(fitting, key=lambda o: (o["unit_price_minor"], o["id"]))
        response = await self.api.call("POST", "/v1/allocation-plans", buyer.party, expect=(201, 202, 409),
                                       json={"items": [{"order_id": order["id"], "offer_id": offer["id"], "quantity": order["quantity"]}]}, codes=("capacity_exhausted",))
        if response.status_code == 201:
            self.proposed_today.add(offer["id"])
            self.stats.counts["manual_plans_applied"] += 1
            self.stats.counts["allocations_created"] += len(response.json())
        elif response.status_code == 202:
            self.stats.counts["manual_plans_awaiting_approval"] += 1
            await self.settle_run(buyer, response.json())

    async def repairs(self, buyer: Buyer) -> None:
        """Approve and apply the repair runs the worker left awaiting approval. A proposal for
        accepted work on a withdrawn offer is left to the buyer's judgement (the factory keeps
        the work meanwhile): the simulated shop floor goes on producing it."""
        for run in await self.api.all_pages("/v1/matching/runs", buyer.party):
            if run["id"] in buyer.known_runs:
                continue
            buyer.known_runs.add(run["id"])
            if run["mode"] == "repair":
                self.stats.counts["repair_runs"] += 1
                self.stats.counts["repair_runs_applied_by_worker"] += run["status"] == "applied"
                if (run.get("request") or {}).get("accepted_work"):
                    self.stats.counts["repair_proposals_for_accepted_work"] += 1
                elif run["status"] == "awaiting_approval":
                    await self.settle_run(buyer, run)

    async def cancel_stale(self, index: int, buyer: Buyer, day: int) -> None:
        """Orders nobody could take within a week are cancelled."""
        for order in await self.api.all_pages("/v1/orders", buyer.party, {"status": "submitted"}):
            placed = self.orders.get(order["id"])
            if placed and placed[0] == index and day - placed[1] >= 7:
                response = await self.api.call("POST", f"/v1/orders/{order['id']}/transitions", buyer.party, json={"to": "cancelled", "reason": "no capacity in time"})
                self.stats.counts["orders_cancelled"] += response.status_code == 200

    async def buyer_day(self, index: int, buyer: Buyer, day: int) -> None:
        share = self.config.orders_per_day // len(self.buyers) + (index < self.config.orders_per_day % len(self.buyers))
        placed = await self.place_orders(index, buyer, day, share)
        for order in [o for o in placed if o["urgency"] == "urgent"]:
            await self.match(buyer, {"order_ids": [order["id"]], "mode": "incremental"})
        ordinary = [o for o in placed if o["urgency"] != "urgent"]
        if ordinary:
            await self.manual_plan(buyer, self.rng.choice(ordinary))
        await self.match(buyer, {}, shock_share=0.15)

    # ----- the shop floor --------------------------------------------------------------
    async def respond(self, factory: Factory) -> None:
        for allocation in await self.api.all_pages("/v1/allocations", factory.party, {"status": "proposed"}):
            accept = self.rng.random() < 0.92
            body = {"accept": True} if accept else {"accept": False, "reason": "no operators free that week"}
            response = await self.api.call("POST", f"/v1/allocations/{allocation['id']}/response", factory.party, json=body)
            if response.status_code != 200:
                continue
            self.stats.counts["allocations_accepted" if accept else "allocations_declined"] += 1
            if accept:
                order = await self.api.call("GET", f"/v1/orders/{allocation['order_id']}", factory.party)
                operations, product = (order.json()["operations"], order.json()["product"]) if order.status_code == 200 else ([], "")
                self.work[str(factory.party.org_id)][allocation["id"]] = Work(allocation["id"], allocation["order_id"], allocation["quantity"], operations, product)

    async def produce(self, factory: Factory, work: Work) -> None:
        order = await self.api.call("GET", f"/v1/orders/{work.order_id}", factory.party)
        if order.status_code != 200 or order.json()["status"] not in ("confirmed", "in_production"):
            return
        operation = work.operations[work.ops_done]
        for step in ("scan", "done", "confirm"):
            response = await self.api.call("POST", f"/v1/allocations/{work.allocation_id}/progress", factory.party, expect=(201,), json={
                "operation": operation, "step": step, "quantity": work.quantity, "operator": f"operator-{self.rng.randint(1, 40)}"})
            if response.status_code != 201:
                return
        self.stats.counts["operations_reported"] += 1
        work.ops_done += 1
        if work.ops_done == len(work.operations):
            work.stage = "inspecting"

    async def inspect(self, factory: Factory, work: Work) -> None:
        remaining = work.quantity - work.accepted
        if self.rng.random() < 0.05:
            # A factory presenting more than is left must be refused: the allocation is paid once.
            await self.api.call("POST", "/v1/quality/lots", factory.party, json={"allocation_id": work.allocation_id, "quantity": remaining + 1},
                                expect=(422,))
            self.stats.counts["overfull_lots_refused"] += 1
        chunks = [remaining // 2, remaining - remaining // 2] if remaining >= 400 and work.lots == 0 else [remaining]
        for quantity in chunks:
            lot = await self.api.call("POST", "/v1/quality/lots", factory.party, expect=(201, 409), codes=("inspection_discontinued",),
                                      json={"allocation_id": work.allocation_id, "quantity": quantity})
            if lot.status_code == 409:
                # Too many lots rejected in a row (ISO 2859-1 9.4): the alliance's quality office
                # confirms the factory's corrective action; the lot is presented again tomorrow.
                resumed = await self.api.call("POST", "/v1/quality/switching/resume", self.admin, expect=(200, 409), codes=("not_discontinued",), json={
                    "factory_org_id": str(factory.party.org_id), "product": work.product, "note": "operators retrained, screens replaced"})
                self.stats.counts["inspections_resumed"] += resumed.status_code == 200
                return
            if lot.status_code != 201:
                return
            work.lots += 1
            sample = lot.json()["sample_size"]
            defects = [{"defect_class": "misprint", "severity": "major", "count": max(2, sample // 4)}] if self.rng.random() < 0.06 else \
                [{"defect_class": "loose_thread", "severity": "minor", "count": self.rng.randint(0, 1)}]
            decided = await self.api.call("POST", f"/v1/quality/lots/{lot.json()['id']}/results", factory.party, json={"defects": defects, "final": True})
            if decided.status_code != 200:
                return
            if decided.json()["decision"] == "accepted":
                work.accepted += quantity
                self.stats.counts["lots_accepted"] += 1
            else:
                self.stats.counts["lots_rejected"] += 1
        if work.accepted == work.quantity:
            work.stage = "passed"

    async def shop_floor(self, factory: Factory) -> None:
        await self.respond(factory)
        for work in list(self.work[str(factory.party.org_id)].values()):
            if work.stage == "producing" and work.operations:
                await self.produce(factory, work)
            elif work.stage == "inspecting":
                await self.inspect(factory, work)

    async def finish_orders(self) -> None:
        """An order whose active allocations all passed QC: the factory records the pass, the buyer the delivery."""
        passed = {w.allocation_id: (org, w) for org, works in self.work.items() for w in works.values() if w.stage == "passed"}
        for order_id in sorted({w.order_id for _, w in passed.values()} - self.finished):
            buyer = self.buyers[self.orders[order_id][0]] if order_id in self.orders else None
            if buyer is None:
                continue
            allocations = await self.api.all_pages("/v1/allocations", buyer.party, {"order_id": order_id})
            active = [a for a in allocations if a["status"] in ("proposed", "accepted")]
            if not active or not all(a["id"] in passed for a in active):
                continue
            factory = self.factory_of_org[passed[active[0]["id"]][0]]
            response = await self.api.call("POST", f"/v1/orders/{order_id}/transitions", factory.party, json={"to": "inspected", "reason": "final QC passed"})
            if response.status_code != 200:
                continue
            delivered = await self.api.call("POST", f"/v1/orders/{order_id}/transitions", buyer.party, json={"to": "delivered"})
            if delivered.status_code == 200:
                self.finished.add(order_id)
                self.stats.counts["orders_delivered"] += 1

    # ----- one day ---------------------------------------------------------------------
    async def day(self, day: int, drain: Callable[[], Any]) -> None:
        if day % 7 == 0:
            for factory in self.factories:
                await self.publish(factory, day)
        for factory in self.factories:
            if self.rng.random() < 0.25:
                await self.change_price(factory)
        self.proposed_today.clear()
        for index, buyer in enumerate(self.buyers):
            await self.buyer_day(index, buyer, day)
        if day % 3 == 1:
            await self.withdraw(day)
        await drain()
        for buyer in self.buyers:
            await self.repairs(buyer)
        if self.side_by_side:
            # Factories work side by side, as they do.
            await asyncio.gather(*(self.shop_floor(f) for f in self.factories))
        else:
            # SQLite takes one writer at a time: side by side they would only queue on its lock.
            for factory in self.factories:
                await self.shop_floor(factory)
        await self.finish_orders()
        for index, buyer in enumerate(self.buyers):
            await self.cancel_stale(index, buyer, day)
        for factory in self.factories:
            await self.refresh_offers(factory)
        await drain()


async def _party(session: Any, alliance_id: uuid.UUID, org_id: uuid.UUID, label: str, role: Role, email: str) -> Party:
    user = await members.create_user(session, org_id, email, label, role)
    issued = await members.issue_api_key(session, user.id, f"simulation: {label}")
    return Party(label, org_id, user.id, issued.token)


async def create_world(engine: AsyncEngine, config: SimulationConfig) -> tuple[uuid.UUID, list[Buyer], list[Factory], Party]:
    """The members, through the tenancy service (as `capool admin` does): an alliance, two
    buyers (one with its own workshop), each with a buyer and two approving org admins, the
    factories, and an alliance admin (the quality office); partnerships of the first buyer
    with two factories."""
    from capool.tenancy.models import Alliance
    from marketplace import capacity, catalogue
    from marketplace.schemas import PartnershipIn, ProcessIn, ProcessNames
    from matching.service import actor_for

    tag = f"{config.seed}-{uuid.uuid4().hex[:6]}"
    async with create_session_factory(engine)() as session:
        alliance: Alliance = await members.create_alliance(session, f"Simulated alliance {tag}")
        for code in PROCESSES:
            en, zh = PROCESS_NAMES[code]
            await catalogue.add_to_alliance(session, alliance.id, ProcessIn(code=code, names=ProcessNames(en=en, zh_cn=zh)))
        buyers = []
        for n, kind in enumerate([OrgKind.BOTH, OrgKind.BUYER]):
            org = await members.create_organisation(session, alliance.id, f"Sim Brand {n + 1} {tag}", kind, "guangzhou")
            # The buyer first: jobs act as an organisation's first buyer (a repair's requester).
            buyer = await _party(session, alliance.id, org.id, f"buyer {n + 1}", Role.BUYER, f"buyer{n + 1}-{tag}@sim.example")
            approvers = [await _party(session, alliance.id, org.id, f"approver {n + 1}.{a}", Role.ORG_ADMIN, f"approver{n + 1}.{a}-{tag}@sim.example") for a in (1, 2)]
            buyers.append(Buyer(buyer, approvers))
        factories = []
        for n in range(config.factories):
            org = await members.create_organisation(session, alliance.id, f"Sim Factory {n + 1:02d} {tag}", OrgKind.FACTORY, "dongguan")
            factories.append(Factory(await _party(session, alliance.id, org.id, f"factory {n + 1}", Role.SUPPLIER_OPERATOR, f"ops{n + 1}-{tag}@sim.example")))
        office = await members.create_organisation(session, alliance.id, f"Sim Alliance Office {tag}", OrgKind.BUYER, "guangzhou")
        admin = await _party(session, alliance.id, office.id, "alliance admin", Role.ALLIANCE_ADMIN, f"admin-{tag}@sim.example")
        await session.flush()
        brand = await actor_for(session, buyers[0].party.org_id, buyers[0].party.user_id)
        assert brand is not None
        for factory in factories[:2]:
            await capacity.create_partnership(session, brand, PartnershipIn(factory_org_id=factory.party.org_id, agreed_unit_price_minor=550, currency=CURRENCY,
                                                                            reserved_share_pct=20))
        await session.commit()
    return alliance.id, buyers, factories, admin


@contextlib.asynccontextmanager
async def job_system(config: SimulationConfig, engine: AsyncEngine) -> AsyncIterator[Callable[[uuid.UUID], Any]]:
    """The job system for the run; yields `drain(alliance_id)`, which waits until the alliance's
    outbox events are worked off (or the timeout passes: the outbox check then reports what is
    stuck)."""
    processes: list[subprocess.Popen[bytes]] = []
    logs = []
    external = bool(config.api_urls)
    # Against a running deployment, what the simulation itself commits (the members it
    # creates) goes to that deployment's Redis, where its workers consume it.
    broker = jobs.use_broker(config.redis_url if config.workers or external else None)
    jobs.job_database.configure(config.database_url)
    worker = None
    if external:
        pass  # the deployment's own workers
    elif config.workers:
        env = dict(os.environ, DATABASE_URL=config.database_url, REDIS_URL=config.redis_url or "")
        for _ in range(config.workers):
            # The worker's log, read back when it dies.
            logs.append(tempfile.TemporaryFile())
            processes.append(subprocess.Popen([sys.executable, "-m", "capool.cli", "worker", "--threads", "2"], env=env,
                                              stdout=subprocess.DEVNULL, stderr=logs[-1]))
    else:
        worker = jobs.start_worker(broker, threads=2)
    if not external:
        # As the app does at start-up: send what was committed before the broker was chosen.
        async with create_session_factory(engine)() as session:
            await jobs.sweep_outbox(session, older_than=timedelta(0), limit=100_000)

    async def drain(alliance_id: uuid.UUID) -> None:
        deadline = time.monotonic() + config.drain_timeout_s
        sessions = create_session_factory(engine)
        while True:
            async with sessions() as session:
                pending = await session.scalar(select(func.count()).select_from(OutboxEvent).where(
                    OutboxEvent.alliance_id == alliance_id, OutboxEvent.processed_at.is_(None)))
                # A queued run (a repair after a withdrawal) is being solved by a matching job,
                # which then writes more events.
                pending += await session.scalar(select(func.count()).select_from(MatchRun).join(Organisation, Organisation.id == MatchRun.organisation_id)
                                                .where(Organisation.alliance_id == alliance_id, MatchRun.status == RunStatus.QUEUED))
            if not pending or time.monotonic() > deadline:
                return
            for process, log in zip(processes, logs, strict=True):
                if process.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"a `capool worker` process exited with {process.returncode}: {log.read()[-2000:].decode(errors='replace')}")
            await asyncio.sleep(0.05)

    try:
        yield drain
    finally:
        if worker is not None:
            worker.stop()
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()
        if config.workers or (external and config.redis_url):
            broker.close()
        jobs.use_broker(None)


async def _wait_until_ready(api_urls: list[str], timeout_s: float, progress: Callable[[str], None]) -> None:
    """Wait until every API process answers `GET /ready` with 200 (database and broker up)."""
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient(timeout=5) as http:
        for url in api_urls:
            while True:
                try:
                    if (await http.get(url.rstrip("/") + "/ready")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{url} did not answer /ready within {timeout_s:.0f} s")
                await asyncio.sleep(0.2)
    progress(f"API ready: {', '.join(api_urls)}")


def _summary_of(results: dict[str, list[Violation]], samples: int = 5) -> dict[str, Any]:
    return {name: {"violations": len(found), "samples": [v.as_dict() for v in found[:samples]]} for name, found in results.items()}


async def _totals(engine: AsyncEngine, alliance_id: uuid.UUID) -> dict[str, Any]:
    from capool.tenancy.models import Organisation
    from marketplace.models import Allocation, Order
    from matching.models import MatchRun
    from quality.models import InspectionLot
    from settlement.models import LedgerEntryRow

    async with create_session_factory(engine)() as session:
        orgs = select(Organisation.id).where(Organisation.alliance_id == alliance_id).scalar_subquery()

        async def by(column: Any, model: Any, owner: Any) -> dict[str, int]:
            rows = (await session.execute(select(column, func.count()).select_from(model).where(owner.in_(orgs)).group_by(column))).all()
            return {str(getattr(k, "value", k)): n for k, n in sorted(rows, key=lambda r: str(r[0]))}

        ledger = dict((await session.execute(
            select(LedgerEntryRow.type, func.count()).where(LedgerEntryRow.alliance_id == alliance_id).group_by(LedgerEntryRow.type))).all())
        events = await session.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.alliance_id == alliance_id))
        return {
            "orders": await by(Order.status, Order, Order.buyer_org_id),
            "allocations": await by(Allocation.status, Allocation, Allocation.buyer_org_id),
            "runs": await by(MatchRun.status, MatchRun, MatchRun.organisation_id),
            "lots": await by(InspectionLot.decision, InspectionLot, InspectionLot.buyer_org_id),
            "ledger_entries": dict(sorted(ledger.items())),
            "outbox_events": events,
        }


async def simulate(config: SimulationConfig, settings: Settings, progress: Callable[[str], None] = lambda _line: None) -> dict[str, Any]:
    """Run the simulation; the summary's `ok` is False when any check or answer failed."""
    from api.app import create_app
    from capool import wiring  # noqa: F401  (every table and outbox consumer)

    rng = random.Random(config.seed)
    engine = create_engine(config.database_url)
    started = time.perf_counter()
    stats = Stats()
    violations = Violations()
    checks_run: Counter[str] = Counter()
    found: dict[str, list[Violation]] = defaultdict(list)
    try:
        spread = RoundRobinTransport(config.api_urls) if config.api_urls else None
        if spread is not None:
            await _wait_until_ready(config.api_urls, config.ready_timeout_s, progress)
        transport: httpx.AsyncBaseTransport = spread or httpx.ASGITransport(app=create_app(settings, engine=engine, run_worker=False))
        # The job system first: worker processes start while the world is being made.
        async with job_system(config, engine) as drain, httpx.AsyncClient(
            transport=transport, base_url="http://capool.simulation", timeout=httpx.Timeout(300.0)
        ) as http:
            alliance_id, buyers, factories, admin = await create_world(engine, config)
            api = Api(http, rng, config.retry_share, stats, violations)
            market = Market(config, api, alliance_id, buyers, factories, admin, rng)
            for index, factory in enumerate(factories):
                await market.setup_factory(factory, index)
            ctx = CheckContext(alliance_id)

            async def timed_drain() -> None:
                drain_started = time.perf_counter()
                await drain(alliance_id)
                stats.seconds["draining the outbox"] += time.perf_counter() - drain_started
                stats.calls["draining the outbox"] += 1

            for day in range(config.days):
                day_started = time.perf_counter()
                await market.day(day, timed_drain)
                check_started = time.perf_counter()
                async with create_session_factory(engine)() as session:
                    results = await run_checks(session, ctx)
                    await session.rollback()
                stats.seconds["invariant checks"] += time.perf_counter() - check_started
                stats.calls["invariant checks"] += 1
                for name, day_found in results.items():
                    checks_run[name] += 1
                    # A violation that persists is reported once, on the day it appeared.
                    seen = {(v.subject, v.detail) for v in found[name]}
                    found[name].extend(v for v in day_found if (v.subject, v.detail) not in seen)
                broken = sum(len(v) for v in results.values())
                progress(f"day {day + 1}/{config.days}: {stats.counts['orders_placed']} orders, {stats.requests} requests, "
                         f"{broken} violation(s), {time.perf_counter() - day_started:.1f}s")
            ledger_cli = await _verify_with_cli(engine, alliance_id, ctx) if config.days else None
        totals = await _totals(engine, alliance_id)
    finally:
        await engine.dispose()
    wall = time.perf_counter() - started
    for name, items in violations.items.items():
        found[name].extend(items)
    checks = {name: {"run": checks_run[name], **_summary_of({name: found.get(name, [])})[name]} for name in CHECKS}
    for name in violations.items:
        checks[name] = {"run": stats.requests, **_summary_of({name: found[name]})[name]}
    if ledger_cli is not None:
        checks["ledger_cli"] = {"run": 1, "violations": 0 if ledger_cli["ok"] else 1, "samples": [] if ledger_cli["ok"] else [ledger_cli]}
    violated = sum(c["violations"] for c in checks.values())
    return {
        "ok": violated == 0,
        "days": config.days,
        "seed": config.seed,
        "orders_per_day": config.orders_per_day,
        "utilisation": config.utilisation,
        "backend": engine.dialect.name,
        "workers": config.workers,
        "job_system": ("the deployment's" if config.api_urls else
                       f"redis + {config.workers} `capool worker` processes" if config.workers else "embedded (StubBroker, worker threads)"),
        "api": {"processes": dict(spread.sent)} if spread else "in-process (ASGI)",
        "alliance_id": str(alliance_id),
        "orders": totals["orders"] | {"placed": stats.counts["orders_placed"]},
        "allocations": totals["allocations"],
        "runs": totals["runs"],
        "lots": totals["lots"],
        "ledger_entries": totals["ledger_entries"],
        "outbox_events": totals["outbox_events"],
        "activity": dict(sorted(stats.counts.items())),
        "requests": {"total": stats.requests, "idempotent_replays": stats.replays, "transport_retries": stats.transport_retries, "by_status": {str(k): v for k, v in sorted(stats.by_status.items())}},
        "invariant_checks": {"run": sum(checks_run.values()), "violated": violated, "by_check": checks},
        "throughput": {
            "wall_s": round(wall, 1),
            "requests_per_s": round(stats.requests / wall, 1) if wall else None,
            "orders_per_s": round(stats.counts["orders_placed"] / wall, 2) if wall else None,
            "mean_request_ms": round(1000 * stats.seconds_in_requests / stats.requests, 1) if stats.requests else None,
            "s_per_simulated_day": round(wall / config.days, 2) if config.days else None,
            "where_the_time_went": stats.slowest(),
        },
    }


async def _verify_with_cli(engine: AsyncEngine, alliance_id: uuid.UUID, ctx: CheckContext) -> dict[str, Any] | None:
    """The final ledger, exported and verified by `capool ledger verify` in a process of its own
    (offline: it reads nothing but the file), pinned to the state the daily checks saw."""
    import json
    from pathlib import Path

    from settlement import service
    from settlement.models import LedgerLogKey

    async with create_session_factory(engine)() as session:
        generations = list((await session.execute(select(LedgerLogKey.generation).where(LedgerLogKey.alliance_id == alliance_id))).scalars())
        if not generations:
            return None
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "ledger.jsonl"
            with path.open("w", encoding="utf-8") as handle:
                await service.export_ledger(session, alliance_id, handle)
            await session.rollback()
            command = [sys.executable, "-m", "capool.cli", "ledger", "verify", str(path), "--json"]
            for generation in generations:
                command += ["--log-key", service.log_signing_key(alliance_id, generation).verifier.vkey]
            if ctx.ledger.root is not None:
                command += ["--pin-checkpoint", f"{ctx.ledger.size}:{ctx.ledger.root.hex()}"]
            done = await asyncio.to_thread(subprocess.run, command, capture_output=True, timeout=300)
    try:
        report = json.loads(done.stdout.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"ok": False, "detail": f"`capool ledger verify` exited {done.returncode}: {done.stderr.decode()[-400:]}"}
    return {"ok": done.returncode == 0 and report.get("ok", False), "entries": report.get("entries"), "failure": report.get("failure")}

