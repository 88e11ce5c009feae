"""The JSON problem form of `capool match` (and of the benchmarks).

`{"orders": [{"id", "quantity", ...attributes}], "offers": [{"id", "capacity", ...}],
"pairs": [{"order", "offer", "cost", "use"}], "split": false, "sense": "min"}`

With `pairs`, the pairs alone define eligibility, the cost of the whole order on that offer
and the capacity it uses there: the Generalized Assignment Problem exactly. Without
`pairs`, orders and offers carry marketplace attributes and the eligibility rules apply.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from matching.engine.model import Model
from matching.engine.solve import solve, solve_model
from matching.engine.types import Mode, Offer, Order, Pair, Partnership, Policy, Problem, ResourceLimit, Result

if TYPE_CHECKING:
    from capool.progress import Progress


class ProblemError(ValueError):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def _int(value: Any, path: str, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProblemError(path, "must be an integer")
    if minimum is not None and value < minimum:
        raise ProblemError(path, f"must be at least {minimum}")
    return value


def _date(value: Any, path: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise ProblemError(path, "must be an ISO date") from exc


def model_from_pairs(data: dict[str, Any]) -> tuple[Model, int]:
    """The GAP-shaped model; returns it and the sign that turns its costs back into the
    problem's sense (-1 for maximisation)."""
    sign = -1 if data.get("sense", "min") == "max" else 1
    split_all = bool(data.get("split", False))
    orders = data.get("orders")
    offers = data.get("offers")
    if not isinstance(orders, list):
        raise ProblemError("/orders", "must be a list")
    if not isinstance(offers, list):
        raise ProblemError("/offers", "must be a list")
    oidx: dict[str, int] = {}
    qty, split = [], []
    for n, o in enumerate(orders):
        if not isinstance(o, dict) or "id" not in o:
            raise ProblemError(f"/orders/{n}/id", "is required")
        oidx[str(o["id"])] = n
        qty.append(_int(o.get("quantity", 1), f"/orders/{n}/quantity", 1))
        split.append(bool(o.get("split", split_all)))
    fidx: dict[str, int] = {}
    cap = []
    for n, f in enumerate(offers):
        if not isinstance(f, dict) or "id" not in f:
            raise ProblemError(f"/offers/{n}/id", "is required")
        fidx[str(f["id"])] = n
        cap.append(_int(f.get("capacity"), f"/offers/{n}/capacity", 0))
    pairs: list[Pair] = []
    for n, pr in enumerate(data["pairs"]):
        if not isinstance(pr, dict):
            raise ProblemError(f"/pairs/{n}", "must be an object")
        if str(pr.get("order")) not in oidx:
            raise ProblemError(f"/pairs/{n}/order", "unknown order")
        if str(pr.get("offer")) not in fidx:
            raise ProblemError(f"/pairs/{n}/offer", "unknown offer")
        i, j = oidx[str(pr["order"])], fidx[str(pr["offer"])]
        cost = sign * _int(pr.get("cost"), f"/pairs/{n}/cost")
        use = _int(pr.get("use"), f"/pairs/{n}/use", 0)
        q = qty[i]
        if split[i]:
            pairs.append(Pair(order=i, offer=j, whole_cost=cost, unit_cost=round(cost / q), whole_use=use, use_num=use, use_den=q))
        else:
            if use > cap[j]:
                continue
            pairs.append(Pair(order=i, offer=j, whole_cost=cost, unit_cost=round(cost / q), whole_use=use, use_num=use, use_den=q))
    has = {p.order for p in pairs}
    no_pair = {i: "no offer can take it (no pair, or its use exceeds the offer's capacity)" for i in range(len(qty)) if i not in has}
    model = Model(
        order_ids=[str(o["id"]) for o in orders], qty=qty, split=split, buyer=[None] * len(qty), unit_penalty=[0] * len(qty),
        offer_ids=[str(f["id"]) for f in offers], cap=cap, pairs=pairs, policy=Policy(switch_cost=0), no_pair_reason=no_pair,
    )
    model.set_lexicographic_penalties()
    return model, sign


def problem_from_attributes(data: dict[str, Any]) -> Problem:
    orders = []
    for n, o in enumerate(data.get("orders") or []):
        path = f"/orders/{n}"
        if not isinstance(o, dict) or "id" not in o:
            raise ProblemError(f"{path}/id", "is required")
        orders.append(Order(
            id=str(o["id"]), quantity=_int(o.get("quantity"), f"{path}/quantity", 1), process=o.get("process"), material=o.get("material"),
            certifications=tuple(o.get("certifications") or ()), buyer=o.get("buyer"), due=_date(o.get("due"), f"{path}/due"),
            split_allowed=bool(o.get("split", o.get("split_allowed", False))), min_quality_score=o.get("min_quality_score"),
            max_unit_price=o.get("max_unit_price"), currency=o.get("currency"), urgency=o.get("urgency", "normal"),
            cost_sensitivity=o.get("cost_sensitivity", "medium"),
        ))
    offers = []
    for n, f in enumerate(data.get("offers") or []):
        path = f"/offers/{n}"
        if not isinstance(f, dict) or "id" not in f:
            raise ProblemError(f"{path}/id", "is required")
        offers.append(Offer(
            id=str(f["id"]), capacity=_int(f.get("capacity"), f"{path}/capacity", 0), process=f.get("process"),
            materials=tuple(f.get("materials") or ()), certifications=tuple(f.get("certifications") or ()), org=f.get("org"),
            resource=f.get("resource"), window_start=_date(f.get("window_start"), f"{path}/window_start"),
            window_end=_date(f.get("window_end"), f"{path}/window_end"), capacity_per_day=f.get("capacity_per_day"),
            unit=f.get("unit", "piece"), units_per_hour=f.get("units_per_hour", 1), unit_price=_int(f.get("unit_price", 0), f"{path}/unit_price", 0),
            currency=f.get("currency"), min_batch=f.get("min_batch", 1), lead_time_days=f.get("lead_time_days", 0),
            quality_score=f.get("quality_score"), carbon_per_unit=f.get("carbon_per_unit", 0), visibility=f.get("visibility", "alliance"),
        ))
    partnerships = [Partnership(buyer=p["buyer"], factory=p["factory"], reserved_share_pct=p.get("reserved_share_pct", 0), agreed_unit_price=p.get("agreed_unit_price")) for p in data.get("partnerships") or []]
    limits = [ResourceLimit(resource=r["resource"], capacity=r["capacity"], offer_ids=tuple(r["offers"])) for r in data.get("resource_limits") or []]
    policy_fields = {k: (tuple(v) if isinstance(v, list) else v) for k, v in (data.get("policy") or {}).items() if k in Policy.__dataclass_fields__}
    return Problem(
        orders=orders, offers=offers, partnerships=partnerships, resource_limits=limits, policy=Policy(**policy_fields),
        today=_date(data.get("today"), "/today"), mode=Mode(data.get("mode", "batch")), failed_offer_ids=tuple(data.get("failed_offers") or ()),
    )


def solve_json(data: dict[str, Any], time_limit: float = 10.0, workers: int = 2, progress: Progress | None = None) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ProblemError("", "the problem must be a JSON object")
    if "pairs" in data:
        if not isinstance(data["pairs"], list):
            raise ProblemError("/pairs", "must be a list")
        model, sign = model_from_pairs(data)
        result = solve_model(model, time_limit=time_limit, workers=workers, progress=progress)
        result.gap_semantics = True
        return result_json(result, sign)
    return result_json(solve(problem_from_attributes(data), time_limit=time_limit, workers=workers, progress=progress), 1)


def result_json(result: Result, sign: int = 1) -> dict[str, Any]:
    out = result.to_json()
    if sign == -1:
        out["objective"] = -result.objective
        out["bound"] = -result.bound
    if out["status"] == "FEASIBLE" and result.unassigned and not result.allocations:
        out["status"] = "UNKNOWN"
    return out
