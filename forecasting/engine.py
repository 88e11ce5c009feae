"""The forecasting engine: statistical models from statsforecast, chosen per series by
rolling-origin cross-validation, with empirical prediction intervals.

Pure: takes a long data frame (unique_id, ds, y) and returns forecasts; no database or
web imports, so the CLI, the scheduled job and the benchmarks all run the same code.

How a series is forecast:
1. It is classified: *short* (too little history for cross-validation), *intermittent*
   (at least `intermittent_share` of its values are zero) or *regular*.
2. Each class has a candidate pool. Regular: Naive, SeasonalNaive, AutoETS, AutoTheta,
   ADIDA, TSB. Intermittent: Naive, SeasonalNaive, CrostonOptimized, ADIDA, TSB, IMAPA.
   Both also hold three cheap smoothers (SES, a 28-step window average, a seasonal window
   average), the Zero forecast (the baseline that wins on sparse spare-parts demand) and
   "Ensemble": the median of the pool's three best non-baseline models by mean CV score.
3. Rolling-origin cross-validation (statsforecast `cross_validation`, `cv_windows` windows
   of `horizon` steps, step = horizon) scores every candidate per series by
   MAE / scale_abs + RMSE / scale_sq (the two error scales of MASE and RMSSE, taken from the
   series' own history). Each series gets the median ensemble unless its own best candidate
   beats the ensemble by more than `switch_margin` in CV (then that candidate, which may be
   Zero or a single model).
4. The chosen model is refitted on the whole history. Intervals are conformal: the
   half-width at level L is the L-quantile of the chosen model's absolute CV errors on that
   series (all windows and steps pooled), widened by sqrt(step / mean step).
Short series get SeasonalNaive (or Naive) without cross-validation and naive-scale intervals.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

ENGINE_NAME = "capool-statsforecast-cv"
ENGINE_VERSION = "1.0.0"

ZERO = "Zero"
ENSEMBLE = "Ensemble"
BASELINES = ("Naive", "SeasonalNaive", ZERO)
# The ensemble is the median of this many models: the pool's best by mean CV score.
ENSEMBLE_SIZE = 3


@dataclass(frozen=True)
class ForecastConfig:
    horizon: int
    season_length: int = 1
    levels: tuple[int, ...] = (80, 95)
    cv_windows: int = 2
    # Older history rarely helps these models and costs time; None keeps all of it.
    max_history: int | None = 1000
    intermittent_share: float = 0.3
    ensemble: bool = True
    # A series leaves the pool-wide best model only for one at least this much better in CV.
    switch_margin: float = 0.25
    n_jobs: int = 1

    def __post_init__(self) -> None:
        if self.horizon < 1:
            raise ValueError("horizon must be at least 1")
        if self.season_length < 1:
            raise ValueError("season_length must be at least 1")
        if not 0 <= self.switch_margin < 1:
            raise ValueError("switch_margin must lie in [0, 1)")
        if self.cv_windows < 1:
            raise ValueError("cv_windows must be at least 1")
        if any(not 0 < level < 100 for level in self.levels):
            raise ValueError("levels must lie strictly between 0 and 100")


@dataclass
class ForecastResult:
    # unique_id, step, yhat, and lo-L / hi-L for every level L.
    points: pd.DataFrame
    # unique_id -> name of the model that produced its forecast.
    chosen: dict[str, str]
    # unique_id -> series class (regular / intermittent / short).
    kinds: dict[str, str]
    # model -> mean CV score over the series where it was a candidate.
    cv_scores: dict[str, float] = field(default_factory=dict)
    engine: str = ENGINE_NAME
    version: str = ENGINE_VERSION


def _cheap_models(m: int) -> list:
    """Smoothers that cost next to nothing and hold their own on noisy daily demand."""
    from statsforecast.models import SeasonalWindowAverage, SimpleExponentialSmoothingOptimized, WindowAverage

    models = [SimpleExponentialSmoothingOptimized(alias="SES"), WindowAverage(window_size=28, alias="WindowAverage")]
    if m > 1:
        models.append(SeasonalWindowAverage(season_length=m, window_size=4, alias="SeasonalWindowAverage"))
    return models


def _regular_models(m: int) -> list:
    from statsforecast.models import ADIDA, TSB, AutoETS, AutoTheta, Naive, SeasonalNaive

    models = [Naive(), AutoETS(season_length=m if m <= 24 else 1), AutoTheta(season_length=m), ADIDA(), TSB(alpha_d=0.1, alpha_p=0.1)]
    if m > 1:
        models.insert(1, SeasonalNaive(season_length=m))
    return models + _cheap_models(m)


def _intermittent_models(m: int) -> list:
    from statsforecast.models import ADIDA, IMAPA, TSB, CrostonOptimized, Naive, SeasonalNaive

    models = [Naive(), CrostonOptimized(), ADIDA(), TSB(alpha_d=0.1, alpha_p=0.1), IMAPA()]
    if m > 1:
        models.insert(1, SeasonalNaive(season_length=m))
    return models + _cheap_models(m)


def _non_baseline(columns: list[str]) -> list[str]:
    return [c for c in columns if c not in BASELINES and c != ENSEMBLE]


def prepare(history: pd.DataFrame, max_history: int | None = None) -> pd.DataFrame:
    """Validate and normalise input: ds becomes the position 1..n within each series
    (the models use no calendar), y a float; optionally keep only the newest points."""
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
    frame["ds"] = frame.groupby("unique_id", sort=False).cumcount() + 1
    return frame.reset_index(drop=True)


def _scales(frame: pd.DataFrame) -> pd.DataFrame:
    def per_series(y: pd.Series) -> pd.Series:
        x = y.to_numpy(float)
        d = np.diff(x)
        abs_scale = np.mean(np.abs(d)) if len(d) else 0.0
        sq_scale = np.sqrt(np.mean(d * d)) if len(d) else 0.0
        level = np.mean(np.abs(x)) or 1.0
        # A constant history has no differences; fall back to its level so scores stay finite.
        return pd.Series({"abs_scale": abs_scale or level, "sq_scale": sq_scale or level})

    return frame.groupby("unique_id", sort=False)["y"].apply(per_series).unstack()


def _classify(frame: pd.DataFrame, config: ForecastConfig) -> dict[str, str]:
    min_len = config.horizon * config.cv_windows + max(2 * config.season_length, 10)
    stats = frame.groupby("unique_id", sort=False)["y"].agg(n="size", zeros=lambda y: float((y == 0).mean()))
    kinds = {}
    for uid, row in stats.iterrows():
        if row.n < min_len:
            kinds[str(uid)] = "short"
        elif row.zeros >= config.intermittent_share:
            kinds[str(uid)] = "intermittent"
        else:
            kinds[str(uid)] = "regular"
    return kinds


def _run_pool(frame: pd.DataFrame, models: list, config: ForecastConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cross-validate and forecast one pool; returns (cv frame, forecast frame)."""
    from statsforecast import StatsForecast

    sf = StatsForecast(models=models, freq=1, n_jobs=config.n_jobs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cv = sf.cross_validation(df=frame, h=config.horizon, n_windows=config.cv_windows, step_size=config.horizon, refit=True)
        fc = sf.forecast(df=frame, h=config.horizon)
    cv = cv.reset_index() if "unique_id" not in cv.columns else cv
    fc = fc.reset_index() if "unique_id" not in fc.columns else fc
    cv[ZERO] = 0.0
    fc[ZERO] = 0.0
    for column in [c for c in fc.columns if c not in ("unique_id", "ds")]:
        fc[column] = fc[column].astype(float).fillna(0.0)
        cv[column] = cv[column].astype(float).fillna(0.0)
    return cv, fc


def _score(cv: pd.DataFrame, scales: pd.DataFrame, candidates: list[str]) -> pd.DataFrame:
    """Per series and candidate: MAE / abs_scale + RMSE / sq_scale over the CV windows."""
    err = cv[candidates].sub(cv["y"], axis=0)
    err["unique_id"] = cv["unique_id"].astype(str).to_numpy()
    mae = err.groupby("unique_id")[candidates].apply(lambda e: e.abs().mean())
    rmse = err.groupby("unique_id")[candidates].apply(lambda e: np.sqrt((e * e).mean()))
    sc = scales.loc[mae.index]
    return mae.div(sc["abs_scale"], axis=0) + rmse.div(sc["sq_scale"], axis=0)


def _select(scores: pd.DataFrame, margin: float) -> pd.Series:
    """Per series: the default model (the median ensemble where the pool has one, else the
    model with the lowest mean CV score over all series), unless the series' own best
    candidate beats it by more than `margin` (a share of its score). A few CV windows are
    a noisy judge of one series; the robust default is the safer bet."""
    default = ENSEMBLE if ENSEMBLE in scores.columns else str(scores.mean().idxmin())
    own = scores.idxmin(axis=1)
    own_score = scores.min(axis=1)
    keep_own = own_score < (1 - margin) * scores[default]
    return own.where(keep_own, default)


def _step_column(fc: pd.DataFrame) -> pd.Series:
    return fc.groupby("unique_id", sort=False).cumcount() + 1


def _intervals(points: pd.DataFrame, abs_errors: dict[str, np.ndarray], levels: tuple[int, ...], horizon: int, non_negative: dict[str, bool]) -> pd.DataFrame:
    mean_step = (horizon + 1) / 2
    widen = np.sqrt(points["step"].to_numpy(float) / mean_step)
    uids = points["unique_id"].to_numpy()
    for level in levels:
        half = np.array([np.quantile(abs_errors[u], level / 100) if len(abs_errors[u]) else 0.0 for u in uids]) * widen
        lo = points["yhat"].to_numpy(float) - half
        clip = np.array([non_negative[u] for u in uids])
        points[f"lo-{level}"] = np.where(clip, np.maximum(lo, 0.0), lo)
        points[f"hi-{level}"] = points["yhat"].to_numpy(float) + half
    return points


def forecast(history: pd.DataFrame, config: ForecastConfig) -> ForecastResult:
    """Forecast `config.horizon` steps for every series in `history` (unique_id, ds, y)."""
    frame = prepare(history, config.max_history)
    kinds = _classify(frame, config)
    scales = _scales(frame)
    non_negative = {str(k): bool(v) for k, v in (frame.groupby("unique_id")["y"].min() >= 0).items()}
    chosen: dict[str, str] = {}
    abs_errors: dict[str, np.ndarray] = {}
    parts: list[pd.DataFrame] = []
    score_sums: dict[str, list[float]] = {}

    for kind, pool in (("regular", _regular_models), ("intermittent", _intermittent_models)):
        ids = [u for u, k in kinds.items() if k == kind]
        if not ids:
            continue
        sub = frame[frame["unique_id"].isin(ids)]
        cv, fc = _run_pool(sub, pool(config.season_length), config)
        # Ties go to the first candidate: Zero, then the simpler models.
        candidates = [ZERO] + [c for c in fc.columns if c not in ("unique_id", "ds", ZERO)]
        scores = _score(cv, scales, candidates)
        if config.ensemble:
            members = [str(m) for m in scores[_non_baseline(candidates)].mean().nsmallest(ENSEMBLE_SIZE).index]
            if len(members) >= 2:
                # The median of the pool's best models in CV: robust to one of them going astray.
                cv[ENSEMBLE] = cv[members].median(axis=1)
                fc[ENSEMBLE] = fc[members].median(axis=1)
                candidates.append(ENSEMBLE)
                scores = _score(cv, scales, candidates)
        for model in candidates:
            score_sums.setdefault(model, []).extend(scores[model].tolist())
        best = _select(scores, config.switch_margin)
        fc["step"] = _step_column(fc)
        fc["unique_id"] = fc["unique_id"].astype(str)
        cv["unique_id"] = cv["unique_id"].astype(str)
        for uid, group in fc.groupby("unique_id", sort=False):
            model = str(best.loc[uid])
            chosen[uid] = model
            parts.append(pd.DataFrame({"unique_id": uid, "step": group["step"].to_numpy(), "yhat": group[model].to_numpy(float)}))
        for uid, group in cv.groupby("unique_id", sort=False):
            abs_errors[uid] = np.abs(group[chosen[uid]].to_numpy(float) - group["y"].to_numpy(float))

    short = [u for u, k in kinds.items() if k == "short"]
    if short:
        parts.append(_short_forecasts(frame[frame["unique_id"].isin(short)], config, chosen, abs_errors))

    points = pd.concat(parts, ignore_index=True)
    if non_negative:
        # Demand cannot be negative; a model's negative point forecast is clipped when the history is.
        clip = points["unique_id"].map(non_negative).to_numpy(bool)
        points["yhat"] = np.where(clip, np.maximum(points["yhat"].to_numpy(float), 0.0), points["yhat"].to_numpy(float))
    points = _intervals(points, abs_errors, config.levels, config.horizon, non_negative)
    order = {u: i for i, u in enumerate(dict.fromkeys(frame["unique_id"]))}
    points = points.sort_values(["unique_id", "step"], key=lambda s: s.map(order) if s.name == "unique_id" else s).reset_index(drop=True)
    cv_scores = {model: float(np.mean(values)) for model, values in score_sums.items() if values and np.isfinite(np.mean(values))}
    return ForecastResult(points=points, chosen=chosen, kinds=kinds, cv_scores=cv_scores)


def _short_forecasts(frame: pd.DataFrame, config: ForecastConfig, chosen: dict[str, str], abs_errors: dict[str, np.ndarray]) -> pd.DataFrame:
    m = config.season_length
    rows = []
    for uid, group in frame.groupby("unique_id", sort=False):
        y = group["y"].to_numpy(float)
        steps = np.arange(1, config.horizon + 1)
        if m > 1 and len(y) >= m:
            yhat = y[len(y) - m + (steps - 1) % m]
            chosen[uid] = "SeasonalNaive"
            residuals = np.abs(y[m:] - y[:-m])
        else:
            yhat = np.repeat(y[-1], config.horizon)
            chosen[uid] = "Naive"
            residuals = np.abs(np.diff(y))
        abs_errors[uid] = residuals
        rows.append(pd.DataFrame({"unique_id": uid, "step": steps, "yhat": yhat}))
    return pd.concat(rows, ignore_index=True)


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
