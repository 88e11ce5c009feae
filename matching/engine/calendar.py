"""Planning per day: offers whose free capacity is given per day (`Offer.days`).

The assignment model knows an offer's capacity, not its days. To make it honour due dates
with the capacity that really exists before them, each timed offer is cut into nested
*prefixes*: "this offer up to day e", for e at every due date inside its days and at its last
day. A prefix's capacity is the offer's free capacity up to e, and nested limits (prefixes
ending by e together use at most the capacity up to e) make any assignment schedulable
earliest-deadline-first. An order on a prefix ending by its due date is on time; on a later
prefix it is late by at most (end - due). So 800 pieces do not fit on time where 500 can be
made before the due date, and two orders of 100 due today do not both fit into today's 100.

Overlapping offers of one resource share its days: a `ResourceLimit` with `days` gives the
resource's free capacity per day, and the same nested limits run over the union of its
offers' prefixes. schedule.py then lays every assignment out on real days.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from matching.engine.model import Model, build_model
from matching.engine.types import Mode, Offer, Problem, ResourceLimit, Result

if TYPE_CHECKING:
    from capool.progress import Progress

SEP = "@"
LATE_PREFIXES = 3
"""Late prefixes kept per order and offer (besides the offer's last day): enough to weigh
"a little late" against "much later", few enough to keep the model small."""
_VIRTUAL = re.compile(re.escape(SEP) + r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Prefix:
    offer: str
    end: date | None
    """Last day of the prefix; None for an offer that is not timed (kept as it is)."""


def timed(problem: Problem) -> bool:
    return any(o.days for o in problem.offers)


def real_id(virtual: str) -> str:
    return _VIRTUAL.sub("", virtual)


def strip(value: object) -> object:
    """The same value with every prefix id replaced by its offer's id (explanations, reasons)."""
    if isinstance(value, str):
        return _VIRTUAL.sub("", value)
    if isinstance(value, list):
        return [strip(v) for v in value]
    if isinstance(value, tuple):
        return tuple(strip(v) for v in value)
    if isinstance(value, dict):
        return {strip(k): strip(v) for k, v in value.items()}
    return value


def _cumulative(days: tuple[tuple[date, int], ...], end: date) -> int:
    return sum(u for d, u in days if d <= end)


def expand(problem: Problem) -> tuple[Problem, dict[str, Prefix]]:
    """The problem with each timed offer replaced by its prefixes and the nested limits."""
    dues = sorted({o.due for o in problem.orders if o.due is not None})
    offers: list[Offer] = []
    prefixes: dict[str, Prefix] = {}
    limits: list[ResourceLimit] = []
    ends_of: dict[str, list[date]] = {}
    for offer in problem.offers:
        if not offer.days:
            offers.append(offer)
            prefixes[offer.id] = Prefix(offer.id, None)
            continue
        days = tuple(sorted((d, u) for d, u in offer.days if u > 0))
        if not days or offer.capacity <= 0:
            continue
        first, last = days[0][0], days[-1][0]
        ends = sorted({d for d in dues if first <= d < last} | {last})
        ends_of[offer.id] = ends
        members: list[str] = []
        full = min(sum(u for _, u in days), offer.capacity)
        published = offer.published_capacity if offer.published_capacity is not None else offer.capacity
        for end in ends:
            own = tuple((d, u) for d, u in days if d <= end)
            capacity = min(sum(u for _, u in own), offer.capacity)
            vid = f"{offer.id}{SEP}{end.isoformat()}"
            # Partner reservations hold on each prefix in proportion to its days.
            offers.append(replace(offer, id=vid, capacity=capacity, days=own, window_start=first, window_end=end,
                                  published_capacity=published * capacity // max(full, 1),
                                  held_for_others=offer.held_for_others * capacity // max(full, 1)))
            prefixes[vid] = Prefix(offer.id, end)
            members.append(vid)
            if len(members) > 1:
                limits.append(ResourceLimit(offer.resource or offer.id, capacity, tuple(members)))
    for limit in problem.resource_limits:
        if not limit.days:
            members = tuple(v for v, p in prefixes.items() if p.offer in limit.offer_ids)
            if members:
                limits.append(ResourceLimit(limit.resource, limit.capacity, members))
            continue
        free = tuple(sorted(limit.days))
        ends = sorted({e for o in limit.offer_ids for e in ends_of.get(o, [])})
        for end in ends:
            members = tuple(v for v, p in prefixes.items() if p.offer in limit.offer_ids and p.end is not None and p.end <= end)
            if len(members) > 1:
                limits.append(ResourceLimit(limit.resource, _cumulative(free, end), members))
    return replace(problem, offers=offers, resource_limits=limits), prefixes


def prune(model: Model, problem: Problem, prefixes: dict[str, Prefix]) -> None:
    """Drop dominated pairs: of an order's prefixes of one offer that end by its due date only
    the longest is useful (the shorter ones cost the same and hold less); of the late ones the
    nearest few and the offer's last day."""
    due = {o.id: o.due for o in problem.orders}
    groups: dict[tuple[int, str], list[int]] = {}
    for k, p in enumerate(model.pairs):
        prefix = prefixes[model.offer_ids[p.offer]]
        if prefix.end is not None:
            groups.setdefault((p.order, prefix.offer), []).append(k)
    drop: set[int] = set()
    for (order, _), ks in groups.items():
        ks.sort(key=lambda k: prefixes[model.offer_ids[model.pairs[k].offer]].end)  # type: ignore[arg-type, return-value]
        d = due.get(model.order_ids[order])
        ends = [prefixes[model.offer_ids[model.pairs[k].offer]].end for k in ks]
        on_time = [k for k, e in zip(ks, ends, strict=True) if d is None or (e is not None and e <= d)]
        late = [k for k, e in zip(ks, ends, strict=True) if d is not None and e is not None and e > d]
        keep = set(on_time[-1:]) | set(late[:LATE_PREFIXES]) | set(ks[-1:])
        drop |= set(ks) - keep
    if not drop:
        return
    kept = [k for k in range(len(model.pairs)) if k not in drop]
    model.slots = {n: model.slots[k] for n, k in enumerate(kept) if k in model.slots}
    model.pairs = [model.pairs[k] for k in kept]


def solve_in_days(problem: Problem, time_limit: float, workers: int, use_lp: bool, decompose: bool, progress: Progress | None = None) -> Result:
    """Solve a problem with timed offers: prefixes and nested limits, then per-day slots."""
    from matching.engine.schedule import lay_out
    from matching.engine.solve import solve_model

    started = time.perf_counter()
    expanded, prefixes = expand(problem)
    model = build_model(expanded)
    prune(model, problem, prefixes)
    result = solve_model(model, time_limit=time_limit, workers=workers, use_lp=use_lp, decompose=decompose, started=started, progress=progress)
    result.mode = problem.mode.value if isinstance(problem.mode, Mode) else str(problem.mode)
    return lay_out(problem, prefixes, result)
