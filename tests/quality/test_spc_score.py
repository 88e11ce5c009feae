"""SPC charts and run rules, and the Bayesian supplier score, on hand-made histories."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from quality import score, spc
from quality.score import LotRecord, ScoreParams


def test_c_chart_limits_by_hand() -> None:
    chart = spc.c_chart([4, 6, 5, 3, 7, 5, 4, 6, 5, 5])
    assert chart.centre == 5.0
    assert chart.points[0].ucl == pytest.approx(5 + 3 * math.sqrt(5))  # 11.708
    assert chart.points[0].lcl == 0.0  # 5 - 6.708 clipped
    assert chart.in_control


def test_c_chart_point_beyond_ucl_fires_rule_1() -> None:
    chart = spc.c_chart([4, 6, 5, 3, 7, 5, 4, 6, 5, 25])  # c-bar 7, UCL 7 + 3 sqrt 7 = 14.94
    assert chart.points[-1].ucl == pytest.approx(7 + 3 * math.sqrt(7))
    assert [(s.rule, s.index) for s in chart.signals] == [(1, 9)]


def test_p_chart_variable_n_by_hand() -> None:
    chart = spc.p_chart([2, 3, 4], [100, 150, 200])
    assert chart.centre == pytest.approx(9 / 450)
    p = 0.02
    assert chart.points[0].ucl == pytest.approx(p + 3 * math.sqrt(p * (1 - p) / 100))
    assert chart.points[2].ucl == pytest.approx(p + 3 * math.sqrt(p * (1 - p) / 200))
    assert chart.points[0].lcl == 0.0
    assert chart.points[1].value == pytest.approx(0.02)


def test_p_chart_flags_a_bad_lot_with_a_small_sample_differently_from_a_large_one() -> None:
    history = [1] * 12
    sizes = [50] * 12
    ok = spc.p_chart([*history, 4], [*sizes, 200])  # 2% on a large sample: in control
    bad = spc.p_chart([*history, 8], [*sizes, 50])  # 16% on n=50: beyond 3 sigma
    assert not [s for s in ok.signals if s.index == 12]
    assert (1, 12) in [(s.rule, s.index) for s in bad.signals]


def test_nine_points_on_one_side_fires_rule_2_only_at_the_ninth() -> None:
    counts = [6] * 9 + [2] * 9  # centre 4, sigma 2: z = +1 then -1
    chart = spc.c_chart(counts, rules=(2,))
    assert [s.index for s in chart.signals] == [8, 17]


def test_six_increasing_fires_rule_3() -> None:
    chart = spc.c_chart([5, 5, 4, 5, 6, 7, 8, 9, 10, 5], rules=(3,))
    assert [s.index for s in chart.signals] == [7, 8]  # 4..9 completes the run at 7; 5..10 at 8


def test_fourteen_alternating_fires_rule_4() -> None:
    chart = spc.c_chart([4, 6] * 7, rules=(4,))
    assert [s.index for s in chart.signals] == [13]


def test_two_of_three_beyond_two_sigma_fires_rule_5() -> None:
    # centre 9 (sigma 3): 16 is z = 2.33; two of three on the same side.
    chart = spc.c_chart([9, 8, 16, 7, 16, 5, 6, 8, 7, 8], rules=(5,))
    assert [s.index for s in chart.signals] == [4]


def test_four_of_five_beyond_one_sigma_fires_rule_6() -> None:
    chart = spc.c_chart([4, 4, 4, 4, 4, 4, 8, 8, 4, 8, 8, 4, 4], rules=(6,))
    assert 10 in [s.index for s in chart.signals]


def test_chart_input_errors() -> None:
    with pytest.raises(ValueError):
        spc.p_chart([1], [0])
    with pytest.raises(ValueError):
        spc.p_chart([5], [4])
    with pytest.raises(ValueError):
        spc.c_chart([])


NOW = datetime(2026, 11, 23, tzinfo=UTC)


def test_posterior_by_hand_without_decay() -> None:
    found = score.estimate("f", "printing", [LotRecord("f", "printing", NOW, 50, 5)], NOW)
    # Beta(1 + 5, 49 + 45): mean 6 / 100.
    assert found.rate_mean == pytest.approx(0.06)
    assert found.rate_low < 0.06 < found.rate_high
    assert found.effective_units == pytest.approx(50)


def test_half_life_halves_an_old_lot() -> None:
    old = LotRecord("f", "printing", NOW - timedelta(days=90), 100, 10)
    found = score.estimate("f", "printing", [old], NOW, ScoreParams(half_life_days=90))
    assert found.effective_units == pytest.approx(50)
    assert found.rate_mean == pytest.approx(6 / 100)  # (1 + 5) / (1 + 5 + 49 + 45)
    recent = score.estimate("f", "printing", [LotRecord("f", "printing", NOW, 100, 10)], NOW, ScoreParams(half_life_days=90))
    assert recent.rate_mean == pytest.approx(11 / 150)


def test_a_rejected_lot_lowers_the_score_and_data_narrows_the_interval() -> None:
    good = [LotRecord("f", "p", NOW - timedelta(days=i), 80, 1) for i in range(1, 11)]
    before = score.estimate("f", "p", good, NOW)
    after = score.estimate("f", "p", [*good, LotRecord("f", "p", NOW, 80, 9)], NOW)
    assert after.score < before.score
    assert after.rate_mean > before.rate_mean
    new_supplier = score.estimate("g", "p", [], NOW)
    assert new_supplier.rate_high - new_supplier.rate_low > before.rate_high - before.rate_low
    assert 0 <= new_supplier.score < before.score <= 1


def test_old_bad_history_is_forgiven_with_time() -> None:
    bad_then = [LotRecord("f", "p", NOW - timedelta(days=365), 80, 20)]
    good_now = [LotRecord("f", "p", NOW - timedelta(days=d), 80, 0) for d in range(5)]
    assert score.estimate("f", "p", bad_then + good_now, NOW).score > score.estimate("f", "p", bad_then + good_now, NOW, ScoreParams(half_life_days=3650)).score


def test_scores_group_by_supplier_and_process() -> None:
    lots = [LotRecord("a", "p", NOW, 50, 0), LotRecord("a", "q", NOW, 50, 10), LotRecord("b", "p", NOW, 50, 1)]
    found = score.scores(lots, NOW)
    assert set(found) == {("a", "p"), ("a", "q"), ("b", "p")}
    assert found[("a", "p")].score > found[("b", "p")].score > found[("a", "q")].score
