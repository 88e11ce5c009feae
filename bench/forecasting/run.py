"""Score the forecasting engine against baselines and statsforecast anchors on one fcbench set.

    .venv/bin/python bench/forecasting/run.py m4_weekly [--subset-stride K] [--subset-offset O]
        [--truncate N] [--max-history N] [--cv-windows W] [--anchors AutoETS,AutoTheta,ADIDA]
        [--data /work/shared/bench/forecasting]

Every method forecasts from train.csv only and is scored by the shared eval.py (OWA, sMAPE,
MASE, RMSSE). CPU seconds are this process's CPU time (fits run in-process, n_jobs=1).
--subset-stride K keeps every K-th series in sorted unique_id order (deterministic), starting
at position --subset-offset O, for sets too large to run within the time budget; the output
says so. The development subsets are offset 0 of stride 4, the held-out ones offset 2
(docs/benchmarks.md). --truncate N keeps only the newest N training points per series (a
"short series" variant of a set; the test window is unchanged). Interval coverage at 80% and
95% is the share of test points inside capool's intervals. A progress bar runs on stderr.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
import warnings
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from capool.clitools import progress_bars  # noqa: E402
from forecasting.engine import ForecastConfig, baseline, forecast  # noqa: E402

DATA = Path("/work/shared/bench/forecasting")


def load_eval(data: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("fceval", data / "eval.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def anchor(train: pd.DataFrame, h: int, m: int, name: str) -> pd.DataFrame:
    from statsforecast import StatsForecast
    from statsforecast.models import ADIDA, AutoETS, AutoTheta, CrostonClassic

    model = {"AutoETS": lambda: AutoETS(season_length=m if m <= 24 else 1), "ADIDA": ADIDA, "AutoTheta": lambda: AutoTheta(season_length=m),
             "CrostonClassic": CrostonClassic}[name]()
    frame = train[["unique_id", "ds", "y"]].copy()
    frame["ds"] = frame.groupby("unique_id", sort=False).cumcount() + 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc = StatsForecast(models=[model], freq=1, n_jobs=1).forecast(df=frame, h=h)
    fc = fc.reset_index() if "unique_id" not in fc.columns else fc
    fc["step"] = fc.groupby("unique_id", sort=False).cumcount() + 1
    return fc.rename(columns={fc.columns[2]: "yhat"})[["unique_id", "step", "yhat"]]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset")
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--subset-stride", type=int, default=1)
    ap.add_argument("--subset-offset", type=int, default=0)
    ap.add_argument("--truncate", type=int, default=0, help="keep only the newest N training points per series")
    ap.add_argument("--no-global", action="store_true", help="leave the global LightGBM model out of the pool")
    ap.add_argument("--expensive-fit", default="full", choices=("full", "cv", "both"), help="see ForecastConfig.expensive_fit")
    ap.add_argument("--skip-anchors", action="store_true", help="only run capool (development)")
    ap.add_argument("--max-history", type=int, default=1000)
    ap.add_argument("--cv-windows", type=int, default=1)
    ap.add_argument("--anchors", default="AutoETS,AutoTheta,ADIDA,CrostonClassic")
    ap.add_argument("--json", help="also write every method's scores here")
    ap.add_argument("--switch-margin", type=float, default=0.25)
    args = ap.parse_args()

    data = Path(args.data)
    ev = load_eval(data)
    ddir = data / args.dataset
    meta = json.loads((ddir / "meta.json").read_text())
    h, m = int(meta["h"]), int(meta["season_length"])
    train = pd.read_csv(ddir / "train.csv", dtype={"unique_id": str})
    ids = sorted(train["unique_id"].unique())
    kept = ids[args.subset_offset:: args.subset_stride]
    train = train[train["unique_id"].isin(set(kept))]
    if args.truncate:
        train = train.groupby("unique_id", sort=False).tail(args.truncate)
    allow_missing = args.subset_stride > 1
    load = os.getloadavg()
    print(f"# {args.dataset}: {len(kept)} of {len(ids)} series (stride {args.subset_stride}, offset {args.subset_offset}"
          f"{f', newest {args.truncate} points' if args.truncate else ''}), h={h}, season_length={m}; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs", flush=True)

    rows = []

    def score(name: str, fc: pd.DataFrame, seconds: float) -> None:
        res = ev.evaluate(ddir, fc, name=name, seconds=seconds, allow_missing=allow_missing)
        rows.append(res)
        print(f"{name:14s} OWA {res['owa']:.3f}  sMAPE {res['smape']:.3f}  MASE {res['mase']:.3f}  RMSSE {res['rmsse']:.3f}  CPU {seconds:.1f}s", flush=True)

    for name in () if args.skip_anchors else ("Naive", "SeasonalNaive", "Zero"):
        t0 = time.process_time()
        fc = baseline(train, h, name, m)
        score(name, fc, time.process_time() - t0)
    for name in [] if args.skip_anchors else [a for a in args.anchors.split(",") if a]:
        t0 = time.process_time()
        fc = anchor(train, h, m, name)
        score(name, fc, time.process_time() - t0)
    t0 = time.process_time()
    with progress_bars() as progress:
        result = forecast(train, ForecastConfig(horizon=h, season_length=m, cv_windows=args.cv_windows,
                                                max_history=args.max_history or None, switch_margin=args.switch_margin,
                                                global_model=not args.no_global, expensive_fit=args.expensive_fit), progress)
    seconds = time.process_time() - t0
    score("capool", result.points[["unique_id", "step", "yhat"]], seconds)
    test = pd.read_csv(ddir / "test.csv", dtype={"unique_id": str})
    joined = test.merge(result.points, on=["unique_id", "step"], how="inner")
    coverage = {}
    for level in (80, 95):
        inside = (joined["y"] >= joined[f"lo-{level}"] - 1e-9) & (joined["y"] <= joined[f"hi-{level}"] + 1e-9)
        coverage[level] = float(inside.mean())
    zero_width = joined.groupby("unique_id").apply(lambda g: bool((g["hi-80"] <= 0).all() and (g["y"] > 0).any()), include_groups=False)
    rows[-1]["coverage"] = coverage
    print(f"# capool interval coverage: 80% -> {coverage[80]:.3f}, 95% -> {coverage[95]:.3f}; "
          f"series with a [0, 0] 80% interval but demand in the test window: {int(zero_width.sum())}", flush=True)
    print("# kinds:", pd.Series(result.kinds).value_counts().to_dict(), flush=True)
    print("# chosen:", pd.Series(result.chosen).value_counts().to_dict(), flush=True)
    print("# mean CV score per candidate:", {k: round(v, 3) for k, v in sorted(result.cv_scores.items(), key=lambda kv: kv[1])}, flush=True)
    load = os.getloadavg()
    print(f"# load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
