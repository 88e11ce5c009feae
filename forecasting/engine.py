"""The forecasting engine: a pool of statistical models (statsforecast) and, where it is
installed, a global gradient-boosted model across series (mlforecast + LightGBM), chosen by
time-series cross-validation, with conformal prediction intervals.

Pure: takes a long data frame (unique_id, ds, y) and returns forecasts; no database or
web imports, so the CLI, the scheduled job and the benchmarks all run the same code.

How a series is forecast:
1. It is classified: *regular*, *intermittent* (at least `intermittent_share` of its values
   are zero) or *short* (too little history for `cv_windows` hold-out windows of the full
   horizon). Short series are still validated: their hold-out window is shorter (a third of
   the history, at most the horizon). Only a series of fewer than MIN_VALIDATED points is
   forecast unvalidated, and its class says so ("unvalidated", never silently).
2. Each class has a candidate pool (see `_pool`): Naive, SeasonalNaive, Zero and the
   historic average as baselines; AutoETS, AutoTheta and their mean "ETS-Theta" (the
   combination that beats either alone on M3/M4 monthly and quarterly data); for
   intermittent and zero-heavy short series the Croston family (CrostonClassic, CrostonSBA,
   TSB, ADIDA, IMAPA); the global LightGBM model "GlobalLGBM" for regular and intermittent
   series when mlforecast is importable; "Ensemble", the median of the class's three best
   non-baseline candidates by mean CV score.
3. Cross-validation: the last `cv_windows` x hv points are held out in windows of hv steps
   (hv = horizon for regular / intermittent series). Cheap models are refitted per window.
   The expensive models (AutoETS, AutoTheta) are fitted once per series (`expensive_fit`):
   by default ("full") on the whole history, and that fit is *forwarded* (its form and
   parameters applied, states rerun, no re-optimisation) to the history before each window.
   This is not a clean hold-out for those two (their parameters saw the window), but it
   costs one fit instead of (windows + 1): measured on tourism monthly, "cv" (fit before the
   window, forward to the final forecast) lost accuracy and "both" (two fits, clean) cost
   1.6x for no gain; docs/benchmarks.md has the figures.
4. Score per series and candidate: MAE / scale_abs + RMSE / scale_sq over its CV points
   (the error scales of MASE and RMSSE from the series' own history). Each class's default
   is the candidate with the lowest mean score over the class's series; a series takes its
   own best candidate instead only when that beats the default by more than `switch_margin`
   (a few CV points are a noisy judge of one series).
5. Intervals are split-conformal on the CV residuals of the chosen forecasts, pooled over the
   series of a class after dividing by each series' scale: the half-width at level L and step
   s is the L-quantile of |residual / scale| at that step over the class (pooled over steps,
   widened by sqrt(step / mean step), when the class has fewer than POOL_PER_STEP series),
   times the series' own scale. With sparse demand most residuals are 0 and so can that
   quantile be; the upper bound of a non-negative series that has had demand is then raised
   to its smallest positive value, so it never gets a [0, 0] interval.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from capool.progress import Progress

ENGINE_NAME = "capool-statsforecast-cv"
ENGINE_VERSION = "2.0.0"

ZERO = "Zero"
ENSEMBLE = "Ensemble"
COMBO = "ETS-Theta"
GLOBAL = "GlobalLGBM"
BASELINES = ("Naive", "SeasonalNaive", ZERO)
# Candidates the median ensemble never takes: the baselines and the historic average.
_NOT_IN_ENSEMBLE = (*BASELINES, "HistoricAverage", ENSEMBLE)
# The ensemble is the median of this many models: the class's best by mean CV score.
ENSEMBLE_SIZE = 3
# Fewer points than this and a series cannot be validated at all (one point to hold out,
# three to fit on).
MIN_VALIDATED = 4
# A class needs this many series for per-step conformal quantiles; fewer pool the steps.
POOL_PER_STEP = 30
# Expensive models: fitted once per series, forwarded to later windows and the final fit.
_FORWARDED = ("AutoETS", "AutoTheta")


@dataclass(frozen=True)
class ForecastConfig:
    horizon: int
    season_length: int = 1
    levels: tuple[int, ...] = (80, 95)
    cv_windows: int = 1
    # Older history rarely helps these models and costs time; None keeps all of it.
    max_history: int | None = 1000
    intermittent_share: float = 0.3
    ensemble: bool = True
    # A series leaves its class's best model only for one at least this much better in CV.
    switch_margin: float = 0.25
    # Kept for callers; the engine fits in-process (one CPU).
    n_jobs: int = 1
    # The global LightGBM model joins the pool when mlforecast and lightgbm are installed.
    global_model: bool = True
    # How the expensive models (AutoETS, AutoTheta) are fitted, see the module docstring:
    # "full" fits once on the full history and forwards to the CV windows; "cv" fits once
    # before the first window and forwards to the final forecast; "both" fits twice (clean).
    expensive_fit: str = "full"

    def __post_init__(self) -> None:
        if self.horizon < 1:
            raise ValueError("horizon must be at least 1")
        if self.season_length < 1:
            raise ValueError("season_length must be at least 1")
        if not 0 <= self.switch_margin < 1:
            raise ValueError("switch_margin must lie in [0, 1)")
        if self.cv_windows < 1:
            raise ValueError("cv_windows must be at least 1")
        if self.expensive_fit not in ("full", "cv", "both"):
            raise ValueError("expensive_fit must be full, cv or both")
        if any(not 0 < level < 100 for level in self.levels):
            raise ValueError("levels must lie strictly between 0 and 100")


@dataclass
class ForecastResult:
    # unique_id, step, yhat, and lo-L / hi-L for every level L.
    points: pd.DataFrame
    # unique_id -> name of the model that produced its forecast.
    chosen: dict[str, str]
    # unique_id -> series class (regular / intermittent / short / unvalidated).
    kinds: dict[str, str]
    # model -> mean CV score over the series where it was a candidate.
    cv_scores: dict[str, float] = field(default_factory=dict)
    engine: str = ENGINE_NAME
    version: str = ENGINE_VERSION


def prepare(history: pd.DataFrame, max_history: int | None = None) -> pd.DataFrame:
    """Validate and normalise input: ds becomes the position 1..n within each series
    (the statistical models use no calendar; the original ds is kept as `stamp`), y a
    float; optionally keep only the newest points."""
    missing = {"unique_id", "ds", "y"} - set(history.columns)
    if missing:
        raise ValueError(f"history needs columns unique_id, ds, y; missing {', '.join(sorted(missing))}")
    frame = history[["unique_id", "ds", "y"]].copy()
    frame["unique_id"] = frame["unique_id"].astype(str)
    frame["y"] = pd.to_numeric(frame["y"], errors="coerce")
    if frame["y"].isna().any() or not np.isfinite(frame["y"].to_numpy(float)).all():
        raise ValueError("y must be a finite number in every row")
    if frame.empty:
        raise ValueError("history is empty")
    frame = frame.sort_values(["unique_id", "ds"], kind="stable")
    if frame.duplicated(["unique_id", "ds"]).any():
        raise ValueError("duplicate (unique_id, ds) rows")
    if max_history is not None:
        frame = frame.groupby("unique_id", sort=False).tail(max_history)
    frame = frame.rename(columns={"ds": "stamp"})
    frame["ds"] = frame.groupby("unique_id", sort=False).cumcount() + 1
    return frame[["unique_id", "ds", "y", "stamp"]].reset_index(drop=True)


def _scale(y: np.ndarray) -> tuple[float, float]:
    """(MASE-style, RMSSE-style) scale of one history; a flat one falls back to its level."""
    d = np.diff(y)
    abs_scale = float(np.mean(np.abs(d))) if len(d) else 0.0
    sq_scale = float(np.sqrt(np.mean(d * d))) if len(d) else 0.0
    level = float(np.mean(np.abs(y))) or 1.0
    return abs_scale or level, sq_scale or level


@dataclass
class _Series:
    uid: str
    y: np.ndarray
    kind: str
    hv: int  # CV window length (0: unvalidated)
    windows: int
    abs_scale: float
    sq_scale: float
    cv_truth: np.ndarray = field(default_factory=lambda: np.zeros(0))
    cv: dict[str, np.ndarray] = field(default_factory=dict)
    final: dict[str, np.ndarray] = field(default_factory=dict)


def _classify(y: np.ndarray, config: ForecastConfig) -> tuple[str, int, int]:
    """(class, CV window length, number of windows) of one history."""
    n, h, m = len(y), config.horizon, config.season_length
    if n >= h * config.cv_windows + max(2 * m, 10):
        kind = "intermittent" if float((y == 0).mean()) >= config.intermittent_share else "regular"
        return kind, h, config.cv_windows
    if n < MIN_VALIDATED:
        return "unvalidated", 0, 0
    return "short", max(1, min(h, n // 3)), 1


def _model_specs(kind: str, n_fit: int, m: int, zero_heavy: bool) -> list[tuple[str, Callable[[], object]]]:
    """(name, factory) of the statsforecast models in a class's pool, for a series whose
    shortest training history has `n_fit` points."""
    from statsforecast.models import (
        ADIDA,
        IMAPA,
        TSB,
        AutoETS,
        AutoTheta,
        CrostonClassic,
        CrostonSBA,
        HistoricAverage,
        Naive,
        SeasonalNaive,
        SimpleExponentialSmoothingOptimized,
        WindowAverage,
    )

    seasonal = m > 1 and n_fit >= 2 * m
    specs: list[tuple[str, Callable[[], object]]] = [("Naive", Naive), ("HistoricAverage", HistoricAverage)]
    if m > 1 and n_fit >= m:
        specs.append(("SeasonalNaive", lambda: SeasonalNaive(season_length=m)))
    croston = [("CrostonClassic", CrostonClassic), ("CrostonSBA", CrostonSBA), ("TSB", lambda: TSB(alpha_d=0.1, alpha_p=0.1)),
               ("ADIDA", ADIDA), ("IMAPA", IMAPA)]
    if kind == "intermittent":
        specs += croston + [("SES", lambda: SimpleExponentialSmoothingOptimized()), ("WindowAverage", lambda: WindowAverage(window_size=28))]
        return specs
    ets_m = m if seasonal and m <= 24 else 1
    theta_m = m if seasonal else 1
    specs += [("AutoETS", lambda: AutoETS(season_length=ets_m)), ("AutoTheta", lambda: AutoTheta(season_length=theta_m))]
    if kind == "short":
        specs.append(("SES", lambda: SimpleExponentialSmoothingOptimized()))
        if zero_heavy:
            specs += croston
    return specs


def _run_statistical(s: _Series, specs: list[tuple[str, Callable[[], object]]], h: int, expensive_fit: str = "full") -> None:
    """Fill s.cv (CV predictions per model, all windows concatenated) and s.final."""
    n = len(s.y)
    cutoffs = [n - (s.windows - w) * s.hv for w in range(s.windows)]
    s.cv_truth = np.concatenate([s.y[c:c + s.hv] for c in cutoffs])
    for name, factory in specs:
        try:
            if name in _FORWARDED and expensive_fit == "full":
                model = factory()
                model.fit(s.y)  # type: ignore[attr-defined]
                final = model.predict(h)["mean"]  # type: ignore[attr-defined]
                parts = [model.forward(s.y[:c], s.hv)["mean"] for c in cutoffs]  # type: ignore[attr-defined]
            elif name in _FORWARDED:
                model = factory()
                model.fit(s.y[:cutoffs[0]])  # type: ignore[attr-defined]
                parts = [model.predict(s.hv)["mean"]]  # type: ignore[attr-defined]
                parts += [model.forward(s.y[:c], s.hv)["mean"] for c in cutoffs[1:]]  # type: ignore[attr-defined]
                final = (factory().forecast(s.y, h) if expensive_fit == "both" else model.forward(s.y, h))["mean"]  # type: ignore[attr-defined]
            else:
                parts = [factory().forecast(s.y[:c], s.hv)["mean"] for c in cutoffs]  # type: ignore[attr-defined]
                final = factory().forecast(s.y, h)["mean"]  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - a model that cannot fit this series leaves the pool for it
            continue
        cv = np.asarray(np.concatenate(parts), float)
        final = np.asarray(final, float)
        if cv.shape == s.cv_truth.shape and final.shape == (h,) and np.isfinite(cv).all() and np.isfinite(final).all():
            s.cv[name], s.final[name] = cv, final
    s.cv[ZERO], s.final[ZERO] = np.zeros_like(s.cv_truth), np.zeros(h)
    if "AutoETS" in s.cv and "AutoTheta" in s.cv:
        s.cv[COMBO] = (s.cv["AutoETS"] + s.cv["AutoTheta"]) / 2
        s.final[COMBO] = (s.final["AutoETS"] + s.final["AutoTheta"]) / 2


def global_model_available() -> bool:
    try:
        import lightgbm  # noqa: F401
        import mlforecast  # noqa: F401
    except ImportError:
        return False
    return True


# The global model sees at most this many of the newest points per series (CPU).
GLOBAL_HISTORY = 400


def _global_forecasts(series: list[_Series], h: int, m: int, windows: int) -> None:
    """One LightGBM model over all the given series (lags, rolling means, season position;
    per-series standardised target), recursive to h steps: trained on the histories before
    the CV windows for the CV predictions, retrained on full histories for the forecast."""
    import lightgbm as lgb
    from mlforecast import MLForecast
    from mlforecast.lag_transforms import RollingMean
    from mlforecast.target_transforms import LocalStandardScaler

    if len(series) < 2:
        return
    lags = sorted({1, 2, 3, 4, 5, 6, 7} | ({m, 2 * m} if 1 < m <= 60 else set()))
    window = m if 1 < m <= 60 else 7
    lag_transforms = {1: [RollingMean(window_size=window)], window: [RollingMean(window_size=window)]} if window > 1 else {}

    def season_position(ds: pd.Index) -> np.ndarray:
        return np.asarray(ds) % m

    def frame_of(cut: int) -> pd.DataFrame:
        parts = []
        for s in series:
            y = s.y[: len(s.y) - cut][-GLOBAL_HISTORY:]
            # Positions aligned on each series' end, so the season position is comparable.
            end = len(s.y) - cut
            parts.append(pd.DataFrame({"unique_id": s.uid, "ds": np.arange(end - len(y) + 1, end + 1), "y": y}))
        return pd.concat(parts, ignore_index=True)

    def run(cut: int, steps: int) -> dict[str, np.ndarray]:
        model = lgb.LGBMRegressor(n_estimators=150, learning_rate=0.05, num_leaves=31, min_child_samples=20,
                                  subsample=0.8, subsample_freq=1, colsample_bytree=0.8, n_jobs=1, verbose=-1)
        fcst = MLForecast(models={GLOBAL: model}, freq=1, lags=lags, lag_transforms=lag_transforms,
                          date_features=[season_position] if m > 1 else None, target_transforms=[LocalStandardScaler()])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fcst.fit(frame_of(cut))
            out = fcst.predict(steps)
        return {str(u): g[GLOBAL].to_numpy(float) for u, g in out.groupby("unique_id", sort=False)}

    min_len = max(lags) + window + 2
    series = [s for s in series if len(s.y) - windows * s.hv >= min_len]
    if len(series) < 2:
        return
    cv_parts: dict[str, list[np.ndarray]] = {s.uid: [] for s in series}
    try:
        for w in range(windows):
            cut = (windows - w) * h
            for uid, pred in run(cut, h).items():
                cv_parts[uid].append(pred)
        final = run(0, h)
    except Exception:  # noqa: BLE001 - the global model is optional; the statistical pool stands alone
        return
    for s in series:
        cv = np.concatenate(cv_parts[s.uid]) if cv_parts[s.uid] else np.zeros(0)
        pred = final.get(s.uid)
        if pred is not None and cv.shape == s.cv_truth.shape and np.isfinite(cv).all() and np.isfinite(pred).all():
            s.cv[GLOBAL], s.final[GLOBAL] = cv, pred


def _scores(group: list[_Series], candidates: list[str]) -> pd.DataFrame:
    """Per series (rows) and candidate: MAE / abs_scale + RMSE / sq_scale over its CV points;
    NaN where the candidate could not fit the series."""
    rows = {}
    for s in group:
        row = {}
        for c in candidates:
            if c in s.cv:
                e = s.cv[c] - s.cv_truth
                row[c] = float(np.mean(np.abs(e))) / s.abs_scale + float(np.sqrt(np.mean(e * e))) / s.sq_scale
        rows[s.uid] = row
    return pd.DataFrame.from_dict(rows, orient="index").reindex(columns=candidates)


def _select(scores: pd.DataFrame, margin: float) -> pd.Series:
    """Per series: the class default (the candidate with the lowest mean CV score over the
    class; ties go to the earlier column), unless the series' own best candidate beats it by
    more than `margin` (a share of its score). A series the default could not fit takes its
    own best."""
    means = scores.mean()
    default = str(means.idxmin())
    own = scores.idxmin(axis=1)
    own_score = scores.min(axis=1)
    default_score = scores[default]
    keep_own = (own_score < (1 - margin) * default_score) | default_score.isna()
    return own.where(keep_own, default)


def _add_ensemble(group: list[_Series], scores: pd.DataFrame) -> pd.DataFrame:
    eligible = [c for c in scores.columns if c not in _NOT_IN_ENSEMBLE]
    members = [str(c) for c in scores[eligible].mean().nsmallest(ENSEMBLE_SIZE).index]
    if len(members) < 2:
        return scores
    for s in group:
        if all(c in s.cv for c in members):
            s.cv[ENSEMBLE] = np.median(np.stack([s.cv[c] for c in members]), axis=0)
            s.final[ENSEMBLE] = np.median(np.stack([s.final[c] for c in members]), axis=0)
    return _scores(group, [*scores.columns, ENSEMBLE])


def _conformal(group: list[_Series], chosen: dict[str, str], levels: tuple[int, ...], h: int) -> dict[str, dict[int, np.ndarray]]:
    """uid -> level -> half-widths for steps 1..h (see the module docstring, point 5)."""
    hv = max(s.hv for s in group)
    steps = np.arange(1, h + 1, dtype=float)
    by_step: list[list[float]] = [[] for _ in range(hv)]
    pooled: list[np.ndarray] = []
    for s in group:
        r = np.abs(s.cv[chosen[s.uid]] - s.cv_truth) / s.abs_scale
        for w in range(s.windows):
            chunk = r[w * s.hv:(w + 1) * s.hv]
            for i, v in enumerate(chunk):
                by_step[i].append(float(v))
        # Residuals of a shorter window stand for the steps it covers; pooled, they are
        # widened like the others.
        pooled.append(r / np.sqrt(np.tile(np.arange(1, s.hv + 1), s.windows) / ((s.hv + 1) / 2)))
    flat = np.concatenate(pooled) if pooled else np.zeros(1)
    out: dict[str, dict[int, np.ndarray]] = {}
    per_step = len(group) >= POOL_PER_STEP and all(s.hv == hv for s in group)
    widths: dict[int, np.ndarray] = {}
    for level in levels:
        q = level / 100
        if per_step:
            base = np.array([np.quantile(by_step[i], q) for i in range(hv)])
            widths[level] = np.concatenate([base, base[-1] * np.sqrt(steps[hv:] / hv)])[:h]
        else:
            widths[level] = np.quantile(flat, q) * np.sqrt(steps / ((min(hv, h) + 1) / 2))
    for s in group:
        out[s.uid] = {level: widths[level] * s.abs_scale for level in levels}
    return out


def _silent(phase: str, done: int, total: int | None = None) -> None:
    pass


def forecast(history: pd.DataFrame, config: ForecastConfig, progress: Progress | None = None) -> ForecastResult:
    """Forecast `config.horizon` steps for every series in `history` (unique_id, ds, y).
    `progress` (capool.progress) hears each series fitted, then each global model."""
    frame = prepare(history, config.max_history)
    h, m = config.horizon, config.season_length
    series: list[_Series] = []
    for uid, group in frame.groupby("unique_id", sort=False):
        y = group["y"].to_numpy(float)
        kind, hv, windows = _classify(y, config)
        abs_scale, sq_scale = _scale(y)
        series.append(_Series(str(uid), y, kind, hv, windows, abs_scale, sq_scale))

    report = progress or _silent
    report("series (statistical models)", 0, len(series))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for done, s in enumerate(series, start=1):
            if s.kind != "unvalidated":
                zero_heavy = float((s.y == 0).mean()) >= config.intermittent_share
                _run_statistical(s, _model_specs(s.kind, len(s.y) - s.windows * s.hv, m, zero_heavy), h, config.expensive_fit)
            report("series (statistical models)", done, len(series))
    if config.global_model and global_model_available():
        report("global model (regular, intermittent)", 0, 2)
        for done, kind in enumerate(("regular", "intermittent"), start=1):
            _global_forecasts([s for s in series if s.kind == kind], h, m, config.cv_windows)
            report("global model (regular, intermittent)", done, 2)

    chosen: dict[str, str] = {}
    kinds = {s.uid: s.kind for s in series}
    widths: dict[str, dict[int, np.ndarray]] = {}
    score_sums: dict[str, list[float]] = {}
    yhat: dict[str, np.ndarray] = {}
    for kind in ("regular", "intermittent", "short"):
        group = [s for s in series if s.kind == kind]
        if not group:
            continue
        # Ties go to the first candidate: Zero, then the simpler models.
        candidates = list(dict.fromkeys([ZERO, *(c for s in group for c in s.cv)]))
        scores = _scores(group, candidates)
        if config.ensemble:
            scores = _add_ensemble(group, scores)
        for model in scores.columns:
            score_sums.setdefault(str(model), []).extend(scores[model].dropna().tolist())
        best = _select(scores, config.switch_margin)
        for s in group:
            chosen[s.uid] = str(best.loc[s.uid])
            yhat[s.uid] = s.final[chosen[s.uid]]
        widths |= _conformal(group, chosen, config.levels, h)
    for s in series:
        if s.kind == "unvalidated":
            # Fewer than MIN_VALIDATED points: the last value, with the history's own spread.
            chosen[s.uid] = "Naive"
            yhat[s.uid] = np.repeat(s.y[-1], h)
            spread = np.abs(np.diff(s.y)) if len(s.y) > 1 else np.array([s.abs_scale])
            widths[s.uid] = {level: np.quantile(spread, level / 100) * np.sqrt(np.arange(1, h + 1)) for level in config.levels}

    rows = []
    steps = np.arange(1, h + 1)
    for s in series:
        non_negative = bool(s.y.min() >= 0)
        point = np.maximum(yhat[s.uid], 0.0) if non_negative else yhat[s.uid]
        data: dict[str, object] = {"unique_id": s.uid, "step": steps, "yhat": point}
        positive = s.y[s.y > 0]
        for level in config.levels:
            lo = point - widths[s.uid][level]
            hi = point + widths[s.uid][level]
            if non_negative and len(positive):
                # Sparse demand: most CV residuals are 0, so the conformal quantile can be 0;
                # a series that has had demand still gets room for its smallest order.
                hi = np.maximum(hi, float(positive.min()))
            data[f"lo-{level}"] = np.maximum(lo, 0.0) if non_negative else lo
            data[f"hi-{level}"] = hi
        rows.append(pd.DataFrame(data))
    points = pd.concat(rows, ignore_index=True)
    cv_scores = {model: float(np.mean(values)) for model, values in score_sums.items() if values and np.isfinite(np.mean(values))}
    return ForecastResult(points=points, chosen=chosen, kinds=kinds, cv_scores=cv_scores)


def baseline(history: pd.DataFrame, horizon: int, model: str, season_length: int = 1) -> pd.DataFrame:
    """A baseline forecast (Naive, SeasonalNaive or Zero) as unique_id, step, yhat."""
    if model not in BASELINES:
        raise ValueError(f"baseline must be one of {', '.join(BASELINES)}")
    frame = prepare(history)
    rows = []
    steps = np.arange(1, horizon + 1)
    for uid, group in frame.groupby("unique_id", sort=False):
        y = group["y"].to_numpy(float)
        if model == ZERO:
            yhat = np.zeros(horizon)
        elif model == "SeasonalNaive" and season_length > 1 and len(y) >= season_length:
            yhat = y[len(y) - season_length + (steps - 1) % season_length]
        else:
            yhat = np.repeat(y[-1], horizon)
        rows.append(pd.DataFrame({"unique_id": uid, "step": steps, "yhat": yhat}))
    return pd.concat(rows, ignore_index=True)


def default_jobs() -> int:
    return max(1, min(2, os.cpu_count() or 1))
