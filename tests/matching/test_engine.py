"""The pure engine on small instances whose answers are checked by hand or by brute force."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

import pytest

from matching.engine import Mode, Offer, Order, Partnership, Policy, Problem, ResourceLimit, solve
from matching.engine.generic import model_from_pairs, solve_json
from matching.engine.heuristic import check, objective, regret_greedy
from matching.engine.model import build_model
from matching.engine.solve import solve_model

TODAY = date(2026, 11, 23)
DUE = TODAY + timedelta(days=20)


def order(id: str, qty: int = 100, **kw) -> Order:
    return Order(id=id, quantity=qty, process=kw.pop("process", "print"), buyer=kw.pop("buyer", "B"), due=kw.pop("due", DUE), currency="CNY", **kw)


def offer(id: str, cap: int = 1000, price: int = 100, **kw) -> Offer:
    return Offer(
        id=id, capacity=cap, process=kw.pop("process", "print"), org=kw.pop("org", f"F-{id}"), unit_price=price, currency="CNY",
        window_start=kw.pop("window_start", TODAY), window_end=kw.pop("window_end", TODAY + timedelta(days=60)),
        capacity_per_day=kw.pop("capacity_per_day", 100), quality_score=kw.pop("quality_score", 90), **kw,
    )


def run(orders, offers, **kw) -> dict:
    policy = kw.pop("policy", Policy(tier_cost=(("core", 0), ("partner", 0), ("floating", 0))))
    result = solve(Problem(orders=orders, offers=offers, policy=policy, today=TODAY, **kw), time_limit=5)
    return result


def placed(result) -> dict[str, list[tuple[str, int]]]:
    out: dict[str, list[tuple[str, int]]] = {}
    for a in result.allocations:
        out.setdefault(a.order, []).append((a.offer, a.quantity))
    return {k: sorted(v) for k, v in out.items()}


def test_cheapest_offer_with_room_wins_and_capacity_moves_the_second_order():
    # o1 and o2 both prefer cheap (room for one). Moving o2 costs 50/unit extra on 'dear',
    # moving o1 costs 30/unit extra on 'mid' (o2 cannot use mid): optimum is o1->mid, o2->cheap.
    r = run(
        [order("o1", 100, material="cotton"), order("o2", 100, material="silk")],
        [offer("cheap", 100, 100, materials=("cotton", "silk")), offer("mid", 100, 130, materials=("cotton",)), offer("dear", 100, 150, materials=("silk",))],
    )
    assert placed(r) == {"o1": [("mid", 100)], "o2": [("cheap", 100)]}
    assert r.status == "OPTIMAL" and r.gap == 0 and r.bound == r.objective
    assert not r.unassigned


@pytest.mark.parametrize(
    ("order_kw", "offer_kw", "reason"),
    [
        ({"process": "embroider"}, {}, "no open offer for process 'embroider'"),
        ({"material": "silk"}, {"materials": ("cotton",)}, "does not handle material silk"),
        ({"certifications": ("GOTS",)}, {"certifications": ("ISO9001",)}, "lacks certification GOTS"),
        ({"min_quality_score": 95}, {"quality_score": 90}, "quality score below 95"),
        ({"due": TODAY + timedelta(days=3)}, {"lead_time_days": 40}, "cannot finish within 30 days of the due date"),
        ({}, {"min_batch": 500}, "minimum batch 500 above the order quantity"),
        ({}, {"visibility": "private"}, "not visible to this buyer"),
        ({"max_unit_price": 50}, {}, "unit price above the order's maximum 50"),
        ({}, {"window_end": TODAY + timedelta(days=2), "lead_time_days": 5}, "window closes before the lead time has passed"),
    ],
)
def test_each_eligibility_rule_excludes_and_says_why(order_kw, offer_kw, reason):
    r = run([order("o1", 100, **order_kw)], [offer("f1", **offer_kw)])
    assert r.allocations == []
    assert reason in r.unassigned["o1"]


def test_not_enough_capacity_for_a_whole_order_is_unplaced_with_reason():
    # The order has its own status; the result is the proven optimum of what can be placed.
    r = solve_json({"orders": [{"id": "o", "quantity": 10, "process": "p"}], "offers": [{"id": "f", "capacity": 5, "process": "p", "unit_price": 1}]}, time_limit=2)
    assert r["status"] == "OPTIMAL" and r["complete"] is False
    assert r["unassigned"] == ["o"]
    assert "not enough remaining capacity" in r["unassigned_reasons"]["o"]
    assert r["orders"]["o"]["status"] == "unplaced" and r["orders"]["o"]["placed"] == 0
    assert "not enough remaining capacity" in r["orders"]["o"]["reason"]


def test_partners_visibility_admits_partner_but_not_stranger():
    offers = [offer("f1", 1000, 100, org="P", visibility="partners")]
    assert run([order("o1")], offers, partnerships=[Partnership("B", "P")]).allocations[0].tier == "partner"
    assert "not visible" in run([order("o1")], offers).unassigned["o1"]


def test_lateness_is_a_last_resort_and_reported():
    # 'late' is far cheaper but finishes after the due date; an on-time offer exists.
    due = TODAY + timedelta(days=5)
    on_time = offer("ontime", 1000, 300)
    late = offer("late", 1000, 100, lead_time_days=10)
    assert placed(run([order("o1", 100, due=due)], [on_time, late])) == {"o1": [("ontime", 100)]}
    r = run([order("o1", 100, due=due)], [late])
    assert placed(r) == {"o1": [("late", 100)]}
    assert r.allocations[0].late_days == 5
    assert any("late by 5" in b for b in r.explanations["o1|late"]["binding"])


def test_split_only_when_allowed_in_batches_at_least_min_batch():
    offers = [offer("a", 60, 100, min_batch=30), offer("b", 60, 110, min_batch=30)]
    r = run([order("o1", 100)], offers)
    assert r.allocations == [] and "o1" in r.unassigned
    r = run([order("o1", 100, split_allowed=True)], offers)
    assert placed(r) == {"o1": [("a", 60), ("b", 40)]}
    assert all(a.quantity >= 30 for a in r.allocations)
    # 90 units: 60 + 30 is the only way that respects the minimum batch of 30 on both.
    r = run([order("o1", 90, split_allowed=True)], [offer("a", 70, 100, min_batch=30), offer("b", 60, 110, min_batch=30)])
    assert sum(q for _, q in placed(r)["o1"]) == 90 and all(q >= 30 for _, q in placed(r)["o1"])


def test_switching_cost_keeps_an_order_whole_when_it_fits():
    # Splitting 50/50 over two offers with 1 unit of price difference would save nothing; the
    # switching cost makes the solver keep it on one offer.
    r = run([order("o1", 100, split_allowed=True)], [offer("a", 100, 100), offer("b", 100, 100)], policy=Policy(switch_cost=500, tier_cost=()))
    assert len(r.allocations) == 1


def test_shared_resource_capacity_across_overlapping_offers():
    # Two offers on one machine, 100 each, but the machine can only do 120 in the overlap.
    offers = [offer("a", 100, 100, resource="m1"), offer("b", 100, 100, resource="m1"), offer("c", 1000, 200)]
    orders = [order("o1", 100), order("o2", 100)]
    r = run(orders, offers, resource_limits=[ResourceLimit("m1", 120, ("a", "b"))])
    used = {a.offer for a in r.allocations}
    assert "c" in used and len(used & {"a", "b"}) == 1
    r = run(orders, offers)
    assert {a.offer for a in r.allocations} == {"a", "b"}


def test_core_share_policy_soft_and_hard():
    # Buyer B owns 'own' (price 200); a floating offer costs 100. Shares: core >= 40%.
    orders = [order(f"o{n}", 100) for n in range(5)]
    offers = [offer("own", 1000, 200, org="B"), offer("spot", 1000, 100, org="X")]
    free = run(orders, offers, policy=Policy(share_penalty=0, tier_cost=()))
    assert sum(a.quantity for a in free.allocations if a.tier == "core") == 0
    assert free.policy_violations
    hard = run(orders, offers, policy=Policy(hard_shares=True, tier_cost=()))
    core = sum(a.quantity for a in hard.allocations if a.tier == "core")
    assert core == 200  # exactly 40% of 500: the cheapest mix inside the band
    assert not hard.policy_violations
    soft = run(orders, offers, policy=Policy(share_penalty=10, tier_cost=()))
    assert sum(a.quantity for a in soft.allocations if a.tier == "core") == 200


def test_partner_reserved_capacity_is_kept_for_the_partner():
    # P reserves 50% of its offer for buyer B; buyer C may use only the other half.
    offers = [offer("p", 100, 100, org="P")]
    r = run([order("c1", 60, buyer="C")], offers, partnerships=[Partnership("B", "P", reserved_share_pct=50)])
    assert r.allocations == [] and "p: 50 of its capacity is reserved for a partner buyer, 50 free for others, needs 60" in r.unassigned["c1"]
    r = run([order("c1", 50, buyer="C"), order("b1", 50, buyer="B")], offers, partnerships=[Partnership("B", "P", reserved_share_pct=50)])
    assert len(r.allocations) == 2


def test_partner_agreed_price_and_tier():
    r = run([order("o1")], [offer("p", 1000, 100, org="P")], partnerships=[Partnership("B", "P", agreed_unit_price=80)])
    assert r.allocations[0].tier == "partner" and r.allocations[0].unit_price == 80


def test_carbon_weight_prefers_green_capacity():
    offers = [offer("dirty", 1000, 100, carbon_per_unit=5000), offer("green", 1000, 101, carbon_per_unit=100)]
    assert placed(run([order("o1")], offers))["o1"][0][0] == "dirty"
    assert placed(run([order("o1")], offers, policy=Policy(carbon_weight_per_kg=10, tier_cost=())))["o1"][0][0] == "green"


def test_backups_explanations_and_thin_processes():
    offers = [offer(f"f{n}", 1000, 100 + n) for n in range(4)] + [offer("cut1", 1000, 100, process="cut")]
    r = run([order("o1"), order("c1", process="cut")], offers)
    backups = r.backups["o1|f0"]
    assert [b["offer"] for b in backups] == ["f1", "f2", "f3"]
    assert backups[0]["extra_cost"] == 100 * 2  # 1 minor unit per piece x price weight 2 (medium sensitivity)
    assert r.explanations["o1|f0"]["next_best"]["offer"] == "f1"
    assert r.thin_processes == {"cut": 1}
    assert r.explanations["c1|cut1"]["risks"] == ["only 0 alternative qualified offer(s)"]
    assert r.explanations["c1|cut1"]["binding"] == []


def test_incremental_urgent_order_uses_free_capacity_only():
    # Offer a has 30 units free (the rest is confirmed work, not in the problem): the urgent
    # order goes to b even though a is cheaper.
    r = solve(Problem(orders=[order("u1", 50, urgency="urgent")], offers=[offer("a", 30, 90), offer("b", 500, 120)], today=TODAY, mode=Mode.INCREMENTAL), time_limit=1)
    assert placed(r) == {"u1": [("b", 50)]} and r.mode == "incremental" and r.status == "OPTIMAL"


def test_repair_moves_work_of_a_failed_factory_to_its_backup():
    offers = [offer("a", 1000, 100), offer("b", 1000, 110), offer("c", 1000, 120)]
    first = run([order("o1")], offers)
    assert placed(first) == {"o1": [("a", 100)]}
    backup = first.backups["o1|a"][0]["offer"]
    repaired = solve(Problem(orders=[order("o1")], offers=offers, today=TODAY, mode=Mode.REPAIR, failed_offer_ids=("a",)), time_limit=2)
    assert placed(repaired) == {"o1": [(backup, 100)]} and repaired.mode == "repair"


def _brute_force(model):
    options = []
    by_order = model.pairs_by_order()
    for i in range(len(model.order_ids)):
        options.append([None] + by_order[i])
    best = None
    for choice in itertools.product(*options):
        sol = {k: model.qty[model.pairs[k].order] for k in choice if k is not None}
        if check(model, sol):
            continue
        value = objective(model, sol)
        best = value if best is None or value < best else best
    return best


@pytest.mark.parametrize("seed", range(12))
def test_optimal_on_tiny_random_instances_against_brute_force(seed):
    rng = random.Random(seed)
    orders = [order(f"o{n}", rng.randint(10, 60), buyer=rng.choice(["B", "C"]), material=rng.choice(["cotton", "silk"])) for n in range(rng.randint(3, 6))]
    offers = [
        offer(f"f{n}", rng.randint(30, 120), rng.randint(80, 140), org=rng.choice(["B", "P", "X", "Y"]), materials=tuple(rng.sample(["cotton", "silk"], rng.randint(1, 2))), carbon_per_unit=rng.randint(0, 3000))
        for n in range(rng.randint(2, 4))
    ]
    problem = Problem(orders=orders, offers=offers, today=TODAY, partnerships=[Partnership("C", "P", reserved_share_pct=rng.choice([0, 30]))], policy=Policy(carbon_weight_per_kg=5))
    model = build_model(problem)
    result = solve(problem, time_limit=5)
    assert result.status == "OPTIMAL"
    assert result.objective == _brute_force(model)
    assert result.bound == result.objective


def test_gap_form_matches_brute_force_and_reports_infeasible():
    rng = random.Random(7)
    for _ in range(5):
        m, n = 3, 6
        data = {
            "orders": [{"id": f"j{t}", "quantity": 1} for t in range(n)],
            "offers": [{"id": f"a{a}", "capacity": rng.randint(15, 30)} for a in range(m)],
            "pairs": [{"order": f"j{t}", "offer": f"a{a}", "cost": rng.randint(5, 50), "use": rng.randint(5, 15)} for a in range(m) for t in range(n)],
        }
        model, _ = model_from_pairs(data)
        out = solve_json(data, time_limit=3)
        expected = _brute_force(model)
        assert out["objective"] == expected
        if out["unassigned"]:
            assert out["status"] == "INFEASIBLE"
        else:
            assert out["status"] == "OPTIMAL"
            costs = {(p["order"], p["offer"]): p["cost"] for p in data["pairs"]}
            assert out["objective"] == sum(costs[(a["order"], a["offer"])] for a in out["assignments"])


def test_gap_max_sense():
    data = {
        "sense": "max",
        "orders": [{"id": "j0", "quantity": 1}, {"id": "j1", "quantity": 1}],
        "offers": [{"id": "a", "capacity": 10}, {"id": "b", "capacity": 10}],
        "pairs": [{"order": "j0", "offer": "a", "cost": 9, "use": 6}, {"order": "j1", "offer": "a", "cost": 8, "use": 6},
                  {"order": "j0", "offer": "b", "cost": 2, "use": 6}, {"order": "j1", "offer": "b", "cost": 5, "use": 6}],
    }
    out = solve_json(data, time_limit=2)
    assert out["objective"] == 14 and out["status"] == "OPTIMAL"


@pytest.mark.parametrize("seed", range(3))
def test_always_feasible_even_with_no_time(seed):
    rng = random.Random(seed)
    orders = [order(f"o{n}", rng.randint(10, 80), split_allowed=rng.random() < 0.3) for n in range(60)]
    offers = [offer(f"f{n}", rng.randint(100, 400), rng.randint(80, 140), min_batch=rng.choice([1, 10])) for n in range(12)]
    problem = Problem(orders=orders, offers=offers, today=TODAY)
    model = build_model(problem)
    result = solve_model(model, time_limit=0.01)
    sol = {}
    index = {(model.order_ids[p.order], model.offer_ids[p.offer]): k for k, p in enumerate(model.pairs)}
    for a in result.allocations:
        sol[index[(a.order, a.offer)]] = a.quantity
    assert check(model, sol) == []
    assert result.objective == objective(model, sol) and result.bound <= result.objective
    assert len(result.allocations) > 0
    greedy = regret_greedy(model)
    assert check(model, greedy) == []


def test_large_neighbourhood_search_keeps_feasibility_and_never_worsens():
    from matching.engine.heuristic import best_greedy
    from matching.engine.solve import _lns

    rng = random.Random(3)
    m, n = 8, 40
    data = {
        "orders": [{"id": f"j{t}", "quantity": 1} for t in range(n)],
        "offers": [{"id": f"a{a}", "capacity": 60} for a in range(m)],
        "pairs": [{"order": f"j{t}", "offer": f"a{a}", "cost": rng.randint(10, 50), "use": rng.randint(5, 25)} for a in range(m) for t in range(n)],
    }
    model, _ = model_from_pairs(data)
    start = best_greedy(model)
    assert check(model, start) == [] and len(start) == n
    import time

    improved = _lns(model, start, time.perf_counter() + 1.5, workers=1, bound=0)
    assert check(model, improved) == [] and len(improved) == n
    assert objective(model, improved) <= objective(model, start)
