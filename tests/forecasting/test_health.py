"""Capacity-health rules on hand-made data."""

from __future__ import annotations

import uuid

import pytest

from forecasting.health import (
    GREEN,
    RED,
    YELLOW,
    CandidateOffer,
    HealthInput,
    equipment_check,
    kpi,
    reduced_capacity_per_day,
    self_check,
    traffic_lights,
    volatility,
    warning_line,
)

P1, P2, F1, F2 = (uuid.UUID(int=i) for i in range(1, 5))


def offer(tier: str, spare: int, price: int, org: uuid.UUID, priority: int = 1) -> CandidateOffer:
    return CandidateOffer(uuid.uuid4(), org, tier, spare, price, "CNY", priority)


def test_below_the_warning_line_no_warning() -> None:
    line = warning_line("printing", demand=69, capacity=100, candidates=[offer("partner", 50, 400, P1)])
    assert not line.warning and line.proposal == () and line.ratio == pytest.approx(0.69)


def test_at_the_warning_line_partner_first_then_floating() -> None:
    cheap_floating = offer("floating", 100, 100, F1)
    partner_b = offer("partner", 10, 500, P2, priority=2)
    partner_a = offer("partner", 20, 600, P1, priority=1)
    line = warning_line("printing", demand=140, capacity=100, candidates=[cheap_floating, partner_b, partner_a])
    # 140 / 0.7 = 200 -> 100 more needed.
    assert line.warning and line.needed == 100 and line.uncovered == 0
    assert [(l.offer_id, l.quantity, l.tier) for l in line.proposal] == [
        (partner_a.offer_id, 20, "partner"), (partner_b.offer_id, 10, "partner"), (cheap_floating.offer_id, 70, "floating"),
    ]


def test_exactly_seventy_percent_warns_and_short_supply_is_reported() -> None:
    line = warning_line("cutting", demand=70, capacity=100, candidates=[offer("floating", 0, 1, F1), offer("floating", 5, 1, F2)])
    assert line.warning and line.needed == 0 and line.proposal == ()
    line = warning_line("cutting", demand=90, capacity=100, candidates=[offer("floating", 5, 1, F2)])
    assert line.warning and line.needed == 29 and line.uncovered == 24 and [l.quantity for l in line.proposal] == [5]


def test_no_capacity_at_all_warns() -> None:
    line = warning_line("x", demand=7, capacity=0, candidates=[])
    assert line.warning and line.ratio is None and line.needed == 10 and line.uncovered == 10


def base(**kw) -> HealthInput:  # type: ignore[no-untyped-def]
    data = dict(
        # Both ends of the 75%-85% band and its middle: inside, no risk.
        factories={"f1": ("F1", 0.75), "f2": ("F2", 0.8), "f3": ("F3", 0.85)},
        suppliers={"printing": {"f1", "f2", "f3"}},
        warnings={},
        equipment_alerts=[],
    )
    data.update(kw)
    return HealthInput(**data)  # type: ignore[arg-type]


def by_key(lights):  # type: ignore[no-untyped-def]
    return {(l.scope, l.key): l for l in lights}


def test_all_green() -> None:
    lights = by_key(traffic_lights(base()))
    assert all(l.colour == GREEN and l.reasons == [] for l in lights.values())
    assert set(lights) == {("alliance", "alliance"), ("factory", "f1"), ("factory", "f2"), ("factory", "f3"), ("process", "printing")}


def test_high_utilisation_is_a_single_risk() -> None:
    lights = by_key(traffic_lights(base(factories={"f1": ("F1", 0.9), "f2": ("F2", 0.8), "f3": ("F3", 0.85)})))
    assert lights[("factory", "f1")].colour == YELLOW
    assert lights[("factory", "f1")].reasons == ["F1 at 90% utilisation, over the 75%-85% band"]
    assert lights[("factory", "f3")].colour == GREEN
    # A supplier over the band is a risk to the process it supplies.
    assert lights[("process", "printing")].colour == YELLOW
    assert lights[("alliance", "alliance")].colour == YELLOW


def test_utilisation_band_boundaries() -> None:
    """75% and 85% are inside the band; just under 75% (down to 0%, idle) and just over 85% are not."""
    cases = {0.0: YELLOW, 0.7499: YELLOW, 0.75: GREEN, 0.85: GREEN, 0.8501: YELLOW, 1.2: YELLOW}
    for utilisation, colour in cases.items():
        lights = by_key(traffic_lights(base(factories={"f1": ("F1", utilisation), "f2": ("F2", 0.8), "f3": ("F3", 0.8)})))
        assert lights[("factory", "f1")].colour == colour, utilisation
    # The reason says which side, and never rounds onto the bound it failed.
    reasons = {u: by_key(traffic_lights(base(factories={"f1": ("F1", u)})))[("factory", "f1")].reasons for u in (0.0, 0.7499, 0.8501)}
    assert reasons[0.0] == ["F1 at 0% utilisation, under the 75%-85% band (idle capacity)"]
    assert reasons[0.7499] == ["F1 at 75.0% utilisation, under the 75%-85% band (idle capacity)"]
    assert reasons[0.8501] == ["F1 at 85.0% utilisation, over the 75%-85% band"]


def test_an_idle_factory_is_not_green_but_its_processes_are() -> None:
    """0% over the window: one risk for the factory and the alliance; its idle capacity is no
    risk to the processes it supplies. Nothing published: nothing to judge."""
    lights = by_key(traffic_lights(base(factories={"f1": ("F1", 0.0), "f2": ("F2", 0.8), "f3": ("F3", None)})))
    assert lights[("factory", "f1")].colour == YELLOW and "idle capacity" in lights[("factory", "f1")].reasons[0]
    assert lights[("factory", "f3")].colour == GREEN
    assert lights[("process", "printing")].colour == GREEN
    assert lights[("alliance", "alliance")].colour == YELLOW
    # Idle and under maintenance: two risks, red.
    lights = by_key(traffic_lights(base(factories={"f1": ("F1", 0.0)}, equipment_alerts=[("f1", "press 1", ("printing",))])))
    assert lights[("factory", "f1")].colour == RED and len(lights[("factory", "f1")].reasons) == 2


def test_few_suppliers_is_a_risk() -> None:
    lights = by_key(traffic_lights(base(suppliers={"printing": {"f1", "f2"}})))
    assert lights[("process", "printing")].colour == YELLOW
    assert "2 qualified supplier(s)" in lights[("process", "printing")].reasons[0]
    assert lights[("factory", "f1")].colour == GREEN


def test_warning_line_is_a_risk() -> None:
    lights = by_key(traffic_lights(base(warnings={"printing": 0.8})))
    assert lights[("process", "printing")].colour == YELLOW and "80%" in lights[("process", "printing")].reasons[0]


def test_equipment_alert_is_a_risk_for_factory_and_process() -> None:
    lights = by_key(traffic_lights(base(equipment_alerts=[("f2", "press 4", ("printing",))])))
    assert lights[("factory", "f2")].colour == YELLOW and "press 4" in lights[("factory", "f2")].reasons[0]
    assert lights[("process", "printing")].colour == YELLOW


def test_several_risks_are_red() -> None:
    lights = by_key(traffic_lights(base(suppliers={"printing": {"f1", "f2"}}, warnings={"printing": 0.75})))
    assert lights[("process", "printing")].colour == RED and len(lights[("process", "printing")].reasons) == 2
    assert lights[("alliance", "alliance")].colour == RED
    assert lights[("factory", "f1")].colour == GREEN


def test_equipment_rule_three_cycles_in_a_row() -> None:
    normal = [10.0, 10.2, 9.8, 10.1, 9.9, 10.0]
    # Two outliers then back to normal: no alert.
    assert not equipment_check(normal + [12.0, 12.0, 10.0, 12.0]).alert
    # Exactly 15% off is still inside the band.
    assert not equipment_check(normal + [11.5, 11.5, 11.5]).alert
    check = equipment_check(normal + [11.6, 8.4, 11.7])
    assert check.alert and check.triggered_at == 8
    assert [d[0] for d in check.deviations] == [6, 7, 8]
    assert check.deviations[0][1] == pytest.approx(10.0)


def test_equipment_rule_needs_a_baseline() -> None:
    assert not equipment_check([10.0, 20.0, 30.0, 40.0]).alert
    with pytest.raises(ValueError):
        equipment_check([1.0, float("nan")])


def test_reduced_capacity() -> None:
    assert reduced_capacity_per_day(100, 0.5) == 50
    assert reduced_capacity_per_day(7, 0.5) == 3
    assert reduced_capacity_per_day(7, 1.0) == 0


def test_kpi_targets() -> None:
    assert kpi("utilisation", 0.80).met is True
    assert kpi("utilisation", 0.86).met is False
    assert kpi("utilisation", None).met is None
    assert kpi("fulfilment_rate", 0.95).met is False and kpi("fulfilment_rate", 0.951).met is True
    assert kpi("switching_cost_share", 0.05).met is False and kpi("switching_cost_share", 0.049).met is True
    assert kpi("external_share", 0.2).met is True and kpi("external_share", 0.61).met is False
    assert kpi("core_share", 0.4).met is True and kpi("core_share", 0.39).met is False
    assert kpi("utilisation", 0.8).target == ">= 0.75 and <= 0.85"


def test_volatility_and_self_check() -> None:
    assert volatility([10.0, 10.0, 10.0]) == 0.0
    assert volatility([5.0, 15.0]) == pytest.approx(0.5)
    assert volatility([3.0]) is None
    good = self_check(True, 0.3, 0.8, True)
    assert good.score == 4 and good.verdict == "good"
    poor = self_check(None, 0.7, 0.9, True)
    assert poor.score == 1 and poor.verdict == "needs attention"
    assert poor.points["external_share_20_60"] is False
