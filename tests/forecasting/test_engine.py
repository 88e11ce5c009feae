"""The forecasting engine on synthetic series of known structure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from forecasting.cli import forecast_command
from forecasting.engine import ForecastConfig, baseline, forecast, prepare


def frame(series: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.concat([pd.DataFrame({"unique_id": uid, "ds": np.arange(1, len(y) + 1), "y": y}) for uid, y in series.items()], ignore_index=True)


def future(n: int, h: int, fn) -> np.ndarray:  # type: ignore[no-untyped-def]
    return fn(np.arange(n, n + h))


def mae(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(np.abs(a - b)))


def test_seasonal_series_beats_naive_and_gets_seasonal_model() -> None:
    rng = np.random.default_rng(1)
    n, h, m = 140, 14, 7
    pattern = np.array([10, 12, 14, 13, 30, 45, 5], float)
    y = pattern[np.arange(n) % m] + rng.normal(0, 0.5, n)
    result = forecast(frame({"s": y}), ForecastConfig(horizon=h, season_length=m))
    truth = pattern[np.arange(n, n + h) % m]
    yhat = result.points["yhat"].to_numpy()
    assert result.kinds["s"] == "regular"
    assert result.chosen["s"] != "Naive" and result.chosen["s"] != "Zero"
    assert mae(yhat, truth) < 1.0
    assert mae(np.repeat(y[-1], h), truth) > 5.0  # the naive forecast really is worse here


def test_trend_series_follows_the_trend() -> None:
    rng = np.random.default_rng(2)
    n, h = 120, 10
    y = 50 + 2.0 * np.arange(n) + rng.normal(0, 1.0, n)
    result = forecast(frame({"t": y}), ForecastConfig(horizon=h))
    truth = 50 + 2.0 * np.arange(n, n + h)
    assert mae(result.points["yhat"].to_numpy(), truth) < 4.0
    assert result.chosen["t"] not in ("Naive", "Zero")


def test_sparse_intermittent_series_prefers_zero_or_intermittent_model() -> None:
    rng = np.random.default_rng(3)
    n, h = 200, 12
    # Spare-parts style: 95% zeros, rare single units.
    y = (rng.random(n) < 0.05).astype(float)
    result = forecast(frame({"spare": y}), ForecastConfig(horizon=h))
    assert result.kinds["spare"] == "intermittent"
    assert result.chosen["spare"] in ("Zero", "CrostonOptimized", "ADIDA", "TSB", "IMAPA", "Ensemble")
    assert (result.points["yhat"] >= 0).all()
    assert result.points["yhat"].max() < 0.3


def test_intervals_are_ordered_and_cover_most_of_the_truth() -> None:
    rng = np.random.default_rng(4)
    n, h = 200, 7
    sigma = 2.0
    series = {f"s{i}": 100 + rng.normal(0, sigma, n + h) for i in range(20)}
    result = forecast(frame({k: v[:n] for k, v in series.items()}), ForecastConfig(horizon=h, levels=(80, 95), cv_windows=4))
    p = result.points
    assert (p["lo-95"] <= p["lo-80"]).all() and (p["lo-80"] <= p["yhat"]).all()
    assert (p["yhat"] <= p["hi-80"]).all() and (p["hi-80"] <= p["hi-95"]).all()
    truth = np.concatenate([series[f"s{i}"][n:] for i in range(20)])
    ordered = p.sort_values(["unique_id", "step"], key=lambda s: s.str[1:].astype(int) if s.name == "unique_id" else s)
    inside = (truth >= ordered["lo-95"].to_numpy()) & (truth <= ordered["hi-95"].to_numpy())
    assert inside.mean() > 0.8


def test_a_series_too_short_to_validate_says_so_and_gets_every_step() -> None:
    # Three points cannot hold one out and fit on three: the class says "unvalidated"
    # (it used to be "short", the class under which every short series got a baseline silently).
    result = forecast(frame({"short": np.array([3.0, 4.0, 5.0]), "long": np.arange(60, dtype=float)}), ForecastConfig(horizon=5))
    assert result.kinds["short"] == "unvalidated" and result.chosen["short"] == "Naive"
    short = result.points[result.points.unique_id == "short"]
    assert short["step"].tolist() == [1, 2, 3, 4, 5] and (short["yhat"] == 5.0).all()
    assert len(result.points) == 10


def test_baselines() -> None:
    hist = frame({"a": np.array([1, 2, 3, 4, 5, 6, 7], float)})
    assert baseline(hist, 3, "Naive")["yhat"].tolist() == [7, 7, 7]
    assert baseline(hist, 4, "SeasonalNaive", 3)["yhat"].tolist() == [5, 6, 7, 5]
    assert baseline(hist, 2, "Zero")["yhat"].tolist() == [0, 0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (pd.DataFrame({"unique_id": ["a"], "y": [1.0]}), "missing ds"),
        (pd.DataFrame({"unique_id": ["a", "a"], "ds": [1, 1], "y": [1.0, 2.0]}), "duplicate"),
        (pd.DataFrame({"unique_id": ["a"], "ds": [1], "y": ["x"]}), "finite"),
    ],
)
def test_bad_input_is_rejected(data: pd.DataFrame, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        prepare(data)


def test_config_validation() -> None:
    with pytest.raises(ValueError):
        ForecastConfig(horizon=0)
    with pytest.raises(ValueError):
        ForecastConfig(horizon=3, levels=(100,))


def test_cli_writes_the_eval_interface(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(5)
    train = frame({"x": 20 + rng.normal(0, 1, 80), "y": np.tile([1.0, 5.0, 9.0, 5.0], 20)})
    train["ds"] = pd.date_range("2026-01-01", periods=80).strftime("%Y-%m-%d").tolist() * 2
    src, out = tmp_path / "train.csv", tmp_path / "out.csv"
    train.to_csv(src, index=False)
    run = CliRunner().invoke(forecast_command, [str(src), "--horizon", "6", "--season-length", "4", "--output", str(out)])
    assert run.exit_code == 0, run.output
    written = pd.read_csv(out, dtype={"unique_id": str})
    assert list(written.columns[:3]) == ["unique_id", "step", "yhat"]
    assert sorted(written.groupby("unique_id")["step"].apply(list).to_dict().items()) == [("x", [1, 2, 3, 4, 5, 6]), ("y", [1, 2, 3, 4, 5, 6])]
    assert np.isfinite(written["yhat"]).all()
    seasonal = written[written.unique_id == "y"]["yhat"].to_numpy()
    assert mae(seasonal, np.array([1.0, 5.0, 9.0, 5.0, 1.0, 5.0])) < 0.5


def test_cli_reports_bad_input(tmp_path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "bad.csv"
    src.write_text("unique_id,y\na,1\n")
    run = CliRunner().invoke(forecast_command, [str(src), "--horizon", "3", "--output", str(tmp_path / "o.csv")])
    assert run.exit_code != 0 and "missing ds" in run.output


def test_selection_defaults_to_the_class_best_and_switches_only_for_a_clear_win() -> None:
    from forecasting.engine import _select

    # Mean scores: Zero 2.5, AutoETS 1.3, Ensemble 1.0 -> the class default is the Ensemble
    # because it has the lowest mean CV score (it used to be the default whatever its score).
    scores = pd.DataFrame(
        {"Zero": [5.0, 0.5, 2.0], "AutoETS": [0.9, 2.0, 1.0], "Ensemble": [1.0, 1.0, 1.0]},
        index=["close", "zero_wins", "tie"],
    )
    chosen = _select(scores, margin=0.25)
    # close: 0.9 is not < 0.75 * 1.0; zero_wins: 0.5 < 0.75; tie: 1.0 is not < 0.75.
    assert chosen.to_dict() == {"close": "Ensemble", "zero_wins": "Zero", "tie": "Ensemble"}
    assert _select(scores.drop(columns="Ensemble"), margin=0.25).to_dict() == {"close": "AutoETS", "zero_wins": "Zero", "tie": "AutoETS"}
    # An Ensemble that validates worse than AutoETS is not the default.
    worse = scores.assign(Ensemble=[3.0, 3.0, 3.0])
    assert _select(worse, margin=0.25).to_dict() == {"close": "AutoETS", "zero_wins": "Zero", "tie": "AutoETS"}
    # A series the default could not fit (NaN) takes its own best.
    gap = scores.drop(columns="Ensemble").astype(float)
    gap.loc["close", "AutoETS"] = np.nan
    assert _select(gap, margin=0.25)["close"] == "Zero"


def test_short_series_are_validated_not_given_a_baseline() -> None:
    # 20 points of a clean trend with horizon 12: too short for a 12-step hold-out plus
    # history, so it is "short" and validated on a 6-point window (20 // 3); the trend
    # models win that window, so Naive (the old silent fallback) is not chosen.
    rng = np.random.default_rng(6)
    n, h = 20, 12
    y = 10 + 3.0 * np.arange(n) + rng.normal(0, 0.3, n)
    result = forecast(frame({"trend": y}), ForecastConfig(horizon=h, global_model=False))
    assert result.kinds["trend"] == "short"
    assert result.chosen["trend"] not in ("Naive", "SeasonalNaive", "Zero", "HistoricAverage")
    truth = 10 + 3.0 * np.arange(n, n + h)
    assert mae(result.points["yhat"].to_numpy(), truth) < 3.0  # Naive's error here is 19.5
    assert "AutoETS" in result.cv_scores and "Naive" in result.cv_scores


def test_short_intermittent_series_get_croston_family_candidates() -> None:
    # 18 months of spare-part demand (auto spare parts style), about half of them zero.
    rng = np.random.default_rng(7)
    series = {f"p{i}": np.where(rng.random(18) < 0.5, 0.0, rng.integers(1, 4, 18).astype(float)) for i in range(10)}
    result = forecast(frame(series), ForecastConfig(horizon=6, season_length=12, global_model=False))
    assert set(result.kinds.values()) == {"short"}
    for model in ("CrostonClassic", "CrostonSBA", "TSB", "ADIDA", "IMAPA", "Zero"):
        assert model in result.cv_scores


def test_intermittent_intervals_are_never_zero_width_where_demand_occurred() -> None:
    # Very sparse demand: the point forecast may well be 0, but the upper bound must not.
    rng = np.random.default_rng(8)
    series = {f"r{i}": (rng.random(120) < 0.04).astype(float) * rng.integers(1, 5, 120) for i in range(12)}
    for values in series.values():  # every series has had demand at least once
        if values.sum() == 0:
            values[30] = 1.0
    result = forecast(frame(series), ForecastConfig(horizon=12, global_model=False))
    p = result.points
    assert (p["hi-80"] > 0).all() and (p["hi-95"] >= p["hi-80"]).all()
    assert (p["lo-80"] >= 0).all()


def test_conformal_width_is_the_pooled_quantile_times_the_series_scale() -> None:
    from forecasting.engine import _conformal, _Series

    # Two series, one 1-step window each: scaled residuals |1-0|/1 = 1 and |4-0|/2 = 2.
    a = _Series("a", np.zeros(5), "regular", 1, 1, 1.0, 1.0, cv_truth=np.array([1.0]), cv={"Zero": np.array([0.0])})
    b = _Series("b", np.zeros(5), "regular", 1, 1, 2.0, 2.0, cv_truth=np.array([4.0]), cv={"Zero": np.array([0.0])})
    widths = _conformal([a, b], {"a": "Zero", "b": "Zero"}, (50,), 1)
    # The median of {1, 2} is 1.5 (numpy's linear quantile); step 1 of a 1-step window is not widened.
    assert widths["a"][50].tolist() == [1.5] and widths["b"][50].tolist() == [3.0]
