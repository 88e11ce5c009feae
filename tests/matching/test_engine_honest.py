"""The engine says only what is true: hand-checked cases of reasons, explanations, lateness,
reserved partner shares and per-order status."""

from __future__ import annotations

from datetime import date, timedelta

from matching.engine import Offer, Order, Partnership, Policy, Problem, solve
from matching.engine.generic import solve_json

TODAY = date(2026, 11, 23)
DUE = TODAY + timedelta(days=20)
FLAT = (("core", 0), ("partner", 0), ("floating", 0))


def order(id: str, qty: int = 100, **kw) -> Order:
    return Order(id=id, quantity=qty, process=kw.pop("process", "print"), buyer=kw.pop("buyer", "B"), due=kw.pop("due", DUE), currency="CNY", **kw)


def offer(id: str, cap: int = 1000, price: int = 100, **kw) -> Offer:
    return Offer(
        id=id, capacity=cap, process=kw.pop("process", "print"), org=kw.pop("org", f"F-{id}"), unit_price=price, currency="CNY",
        window_start=kw.pop("window_start", TODAY), window_end=kw.pop("window_end", TODAY + timedelta(days=60)),
        capacity_per_day=kw.pop("capacity_per_day", 100), quality_score=kw.pop("quality_score", 100), **kw,
    )


def run(orders, offers, policy: Policy | None = None, **kw):
    return solve(Problem(orders=orders, offers=offers, policy=policy or Policy(tier_cost=FLAT), today=TODAY, **kw), time_limit=5, workers=1)


def placed(result) -> dict[str, list[tuple[str, int]]]:
    out: dict[str, list[tuple[str, int]]] = {}
    for a in result.allocations:
        out.setdefault(a.order, []).append((a.offer, a.quantity))
    return {k: sorted(v) for k, v in out.items()}


def test_hard_shares_drop_names_the_policy_not_capacity():
    # Buyer B owns a 100-piece workshop; floating capacity is plentiful (900 free at the
    # end). Hard band: core >= 40% of B's work. 100 core allow at most 250 pieces in all, so
    # of three 100-piece orders (whole) only two are placed (one core, one floating) and
    # the third is dropped because of the policy, with 900 floating units free.
    orders = [order("o1"), order("o2"), order("o3")]
    offers = [offer("own", 100, 100, org="B"), offer("spot", 1000, 100, org="X")]
    r = run(orders, offers, Policy(tier_cost=FLAT, hard_shares=True))
    assert sum(a.quantity for a in r.allocations) == 200
    assert sorted(a.offer for a in r.allocations) == ["own", "spot"]
    [dropped] = r.unassigned
    reason = r.unassigned[dropped]
    assert "core / external share policy (hard_shares) of buyer B" in reason
    assert "lack capacity" not in reason and "spot" in reason
    assert r.order_status[dropped] == {"status": "unplaced", "quantity": 100, "placed": 0, "reason": reason}
    assert not r.policy_violations


def test_unplaced_split_order_blocked_by_minimum_batch_says_so():
    # 'a' has 110; the urgent o1 (60, whole) takes 60, leaving 50 free, below a's minimum
    # batch of 60 for the splittable o2: the reason is the minimum batch, not a full offer.
    r = run([order("o1", 60, urgency="urgent"), order("o2", 70, split_allowed=True, urgency="low")], [offer("a", 110, 100, min_batch=60)])
    assert placed(r) == {"o1": [("a", 60)]}
    assert r.unassigned["o2"] == "none of its 1 eligible offer(s) can take it: a: 50 free, below its minimum batch of 60"


def test_a_single_order_without_an_offer_does_not_label_the_whole_result():
    orders = [order("ok"), order("lost", process="embroider")]
    r = run(orders, [offer("f")])
    out = r.to_json()
    assert out["status"] == "OPTIMAL" and out["complete"] is False
    assert out["orders"]["ok"] == {"status": "placed", "quantity": 100, "placed": 100}
    assert out["orders"]["lost"]["status"] == "unplaced" and "no open offer for process 'embroider'" in out["orders"]["lost"]["reason"]
    # A split order placed in part is "partial".
    r = run([order("s", 150, split_allowed=True)], [offer("f", 100)])
    assert r.order_status["s"]["status"] == "partial" and r.order_status["s"]["placed"] == 100
    assert "50 of 150 unit(s) unplaced" in r.order_status["s"]["reason"] and "f: full" in r.order_status["s"]["reason"]


def test_gap_form_keeps_infeasible_when_no_complete_assignment_exists():
    out = solve_json({"orders": [{"id": "j0", "quantity": 1}], "offers": [{"id": "a", "capacity": 3}], "pairs": [{"order": "j0", "offer": "a", "cost": 1, "use": 5}]}, time_limit=1)
    assert out["status"] == "INFEASIBLE" and out["orders"]["j0"]["status"] == "unplaced"


def test_low_urgency_cost_sensitive_order_goes_on_time_when_an_on_time_offer_has_room():
    # 'late' costs a third of 'ontime' and finishes 5 days late. Before, a low-urgency
    # (lateness halved) price-sensitive (price x3) order went late.
    due = TODAY + timedelta(days=5)
    o = order("o1", 100, due=due, urgency="low", cost_sensitivity="high")
    ontime, late = offer("ontime", 1000, 300), offer("late", 1000, 100, lead_time_days=10)
    r = run([o], [ontime, late])
    assert placed(r) == {"o1": [("ontime", 100)]}
    assert not any("late" in b for b in r.explanations["o1|ontime"]["binding"])
    # The buyer may opt into cheaper-but-late: 200 a piece cheaper x3 sensitivity beats 5
    # days x 10 a day x urgency 1; the explanation says so, with the true extra cost of
    # finishing on time: (300 - 100) x 3 x 100 pieces - 5 x 10 x 1 x 100 lateness = 55,000.
    r = run([o], [ontime, late], Policy(tier_cost=FLAT, cheaper_but_late=True, late_penalty_per_unit_day=10))
    assert placed(r) == {"o1": [("late", 100)]}
    [late_note] = [b for b in r.explanations["o1|late"]["binding"] if b.startswith("late by 5")]
    assert "buyer accepts cheaper-but-late" in late_note and "ontime would finish sooner at 55000 more" in late_note


def test_late_because_the_on_time_offer_is_full_says_so():
    due = TODAY + timedelta(days=5)
    r = run([order("first", 100, due=due, urgency="urgent"), order("o1", 100, due=due, urgency="low")],
            [offer("ontime", 100, 300), offer("late", 1000, 100, lead_time_days=10)])
    assert placed(r) == {"first": [("ontime", 100)], "o1": [("late", 100)]}
    [note] = [b for b in r.explanations["o1|late"]["binding"] if b.startswith("late by")]
    assert "the offers that finish sooner have no room for it (ontime: full)" in note


def test_partner_reserved_share_is_on_published_capacity():
    # The factory published 1,000; 500 are already booked by others, so 500 remain. The
    # brand's 50% reservation is 500 of the published capacity: all that remains is the
    # brand's (before: 50% of the remaining, 250). Another buyer gets nothing.
    p = offer("p", 500, 100, org="P", published_capacity=1000)
    share = [Partnership("B", "P", reserved_share_pct=50)]
    r = run([order("b1", 500, buyer="B")], [p], partnerships=share)
    assert placed(r) == {"b1": [("p", 500)]}
    r = run([order("c1", 100, buyer="C")], [p], partnerships=share)
    assert r.allocations == [] and "p: 500 of its capacity is reserved for a partner buyer, 0 free for others, needs 100" in r.unassigned["c1"]
    # What the brand already booked on the offer counts against its reservation: 200 booked,
    # so 300 are still reserved and the other buyer may use 200.
    p = offer("p", 500, 100, org="P", published_capacity=1000, booked_by=(("B", 200),))
    r = run([order("c1", 200, buyer="C")], [p], partnerships=share)
    assert placed(r) == {"c1": [("p", 200)]}
    r = run([order("c1", 201, buyer="C")], [p], partnerships=share)
    assert r.allocations == []


def test_next_best_can_really_take_the_order_at_its_true_extra_cost():
    # o1 sits on 'cheap'. 'full' is cheaper still for o1? No: 'full' (price 90) is taken by
    # o2 and has 0 room; 'roomy' (price 120) has room. next_best must be 'roomy' at
    # (120 - 100) x 2 x 100 = 4,000, never the full offer with a negative figure.
    orders = [order("o2", 100, urgency="urgent", material="silk"), order("o1", 100, material="cotton")]
    offers = [offer("full", 100, 90, materials=("silk", "cotton")), offer("cheap", 100, 100, materials=("cotton",)),
              offer("roomy", 1000, 120, materials=("cotton",))]
    r = run(orders, offers)
    assert placed(r) == {"o1": [("cheap", 100)], "o2": [("full", 100)]}
    ex = r.explanations["o1|cheap"]
    assert ex["next_best"] == {"offer": "roomy", "extra_cost": 4000}
    assert "cheaper offers have no room for it: full: full" in ex["binding"]
    full = next(b for b in r.backups["o1|cheap"] if b["offer"] == "full")
    assert full["can_take_now"] is False and full["extra_cost"] is None and full["cost_difference"] == -2000
    assert ex["why"] == "cheaper eligible offers had no room left for it"


def test_share_band_listed_as_binding_only_when_it_binds():
    # Slack band: B's own workshop takes 100 of 200 pieces (50% core). Moving the floating
    # order would not be cheaper, so the band does not bind its choice.
    orders = [order("a1", 100, process="a"), order("b1", 100, process="b")]
    offers = [offer("own", 500, 150, org="B", process="a"), offer("spot-a", 500, 100, org="X", process="a"), offer("spot-b", 500, 100, org="X", process="b")]
    r = run(orders, offers, Policy(tier_cost=()))
    assert placed(r) == {"a1": [("own", 100)], "b1": [("spot-b", 100)]}
    assert not any("share band" in b for b in r.explanations["b1|spot-b"]["binding"])
    # a1 is on its dearer own workshop only because of the band: that binds, and says so.
    assert any("core / external share band of buyer B" in b and "spot-a" in b for b in r.explanations["a1|own"]["binding"])
    assert r.explanations["a1|own"]["why"] == "cheaper offers would move the buyer's core / external share out of its band"


def test_share_penalty_is_a_policy_field():
    # With no penalty the band does not count and a1 goes to the cheaper floating offer,
    # reporting the violation it causes.
    orders = [order("a1", 100, process="a"), order("b1", 100, process="b")]
    offers = [offer("own", 500, 150, org="B", process="a"), offer("spot-a", 500, 100, org="X", process="a"), offer("spot-b", 500, 100, org="X", process="b")]
    r = run(orders, offers, Policy(tier_cost=(), share_penalty=0))
    assert placed(r)["a1"] == [("spot-a", 100)]
    assert r.policy_violations == ["buyer B: core share 0% is outside the policy band (core >= 40%, external 20-60%)"]


def test_several_reservations_on_one_offer_are_all_kept():
    # B and C each reserve 30% of P's 100: a third buyer may use only 40 (each reservation
    # alone would have left it 70).
    shares = [Partnership("B", "P", reserved_share_pct=30), Partnership("C", "P", reserved_share_pct=30)]
    p = offer("p", 100, 100, org="P")
    r = run([order("d1", 50, buyer="D")], [p], partnerships=shares)
    assert r.allocations == [] and "p: 60 of its capacity is reserved for partner buyers, 40 free for others, needs 50" in r.unassigned["d1"]
    assert placed(run([order("d1", 40, buyer="D")], [p], partnerships=shares)) == {"d1": [("p", 40)]}
    # B may use its 30 and the free 40, not C's 30.
    assert run([order("b1", 71, buyer="B")], [p], partnerships=shares).allocations == []
    assert placed(run([order("b1", 70, buyer="B")], [p], partnerships=shares)) == {"b1": [("p", 70)]}


def test_capacity_held_for_buyers_outside_the_problem_is_left_free():
    # The service passes what other buyers' reservations still hold on an offer (anonymously).
    p = offer("p", 100, 100, org="P", held_for_others=60)
    assert run([order("b1", 50)], [p]).allocations == []
    assert placed(run([order("b1", 40)], [p])) == {"b1": [("p", 40)]}


def test_top_up_places_the_rest_of_a_partly_placed_order():
    from matching.engine.heuristic import check, objective, top_up
    from matching.engine.model import build_model

    # o1 (split, 100) has 60 on 'a' and 40 unplaced; 'a' has room for 30 more, then 'b' (min
    # batch 5) takes the last 10 as a new part.
    model = build_model(Problem(orders=[order("o1", 100, split_allowed=True)], offers=[offer("a", 90, 100), offer("b", 500, 120, min_batch=5)],
                                policy=Policy(tier_cost=FLAT), today=TODAY))
    k_a = next(k for k, p in enumerate(model.pairs) if model.offer_ids[p.offer] == "a")
    k_b = next(k for k, p in enumerate(model.pairs) if model.offer_ids[p.offer] == "b")
    start = {k_a: 60}
    done = top_up(model, start)
    assert done == {k_a: 90, k_b: 10}
    assert check(model, done) == [] and objective(model, done) < objective(model, start)
