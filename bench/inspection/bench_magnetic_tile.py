"""Benchmark the shipped defect model on the Magnetic-Tile test split, against a baseline.

    .venv/bin/python bench/inspection/bench_magnetic_tile.py [--data ../shared/bench/inspection]

Prints ROC-AUC, recall on defective images and false-alarm rate at the operating threshold
stored in the model card (chosen on training data only), and images per second on CPU
end to end from a decoded image (preprocessing + onnxruntime + result), batch 1 and
batched. The baseline is a logistic regression on pixel statistics, fitted and
thresholded with the same protocol as the CNN (fit part / validation part of the train
split, same false-alarm budget), then scored once on the test split.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from inspection.config import BUILTIN_MODEL, BUILTIN_MODEL_DIR  # noqa: E402
from inspection.evaluation import binary_metrics, leaking_test_images, roc_auc, threshold_within_false_alarms  # noqa: E402
from inspection.runtime import decode_image, load_inspector, resize  # noqa: E402

CLASSES = ["Free", "Blowhole", "Break", "Crack", "Fray", "Uneven"]


def entry_path(data: Path, entry: str) -> Path:
    return data / "magnetic_tile" / entry.split("data/mt/", 1)[1]


def is_defective(entry: str) -> bool:
    return "/MT_Free/" not in entry


# ---------------------------------------------------------------- baseline


def pixel_features(image: np.ndarray, size: int = 128) -> np.ndarray:
    """Global intensity, gradient and Laplacian statistics of a standardised grayscale image."""
    x = resize(image, size, size).astype(np.float64) / 255.0
    x = (x - x.mean()) / (x.std() + 1e-3)
    gy, gx = np.gradient(x)
    gradient = np.hypot(gx, gy)
    laplacian = np.abs(4 * x[1:-1, 1:-1] - x[:-2, 1:-1] - x[2:, 1:-1] - x[1:-1, :-2] - x[1:-1, 2:])
    blocks = x.reshape(8, size // 8, 8, size // 8).mean(axis=(1, 3))  # 8 x 8 block means: uneven illumination
    parts = [
        np.percentile(x, [0.5, 1, 5, 25, 50, 75, 95, 99, 99.5]),
        [np.mean(np.abs(x) > 3), np.mean(np.abs(x) > 4)],
        np.percentile(gradient, [50, 90, 99, 99.9]), [gradient.mean(), gradient.std()],
        np.percentile(laplacian, [50, 90, 99, 99.9]), [laplacian.mean()],
        [blocks.std(), blocks.max() - blocks.min()],
    ]
    return np.concatenate([np.ravel(p) for p in parts])


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-2, steps: int = 50) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (features standardised by the caller)."""
    w = np.zeros(x.shape[1])
    b = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        g_w = x.T @ (p - y) / len(y) + l2 * w
        g_b = float(np.mean(p - y))
        s = p * (1 - p) / len(y)
        hessian = np.zeros((x.shape[1] + 1, x.shape[1] + 1))
        hessian[:-1, :-1] = x.T @ (x * s[:, None]) + l2 * np.eye(x.shape[1])
        hessian[:-1, -1] = hessian[-1, :-1] = x.T @ s
        hessian[-1, -1] = s.sum()
        step = np.linalg.solve(hessian, np.concatenate([g_w, [g_b]]))
        w -= step[:-1]
        b -= step[-1]
    return w, b


def stratified_holdout(labels: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    # The training script's split of the train list, so both models are thresholded alike.
    rng = np.random.default_rng(seed)
    held = []
    for c in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == c))
        held.extend(members[: max(1, round(len(members) * fraction))])
    mask = np.zeros(len(labels), dtype=bool)
    mask[held] = True
    return np.flatnonzero(~mask), np.flatnonzero(mask)


def baseline(train_images: list[np.ndarray], train_entries: list[str], test_images: list[np.ndarray], test_truth: np.ndarray,
             budget: float, seed: int) -> dict[str, float]:
    features = np.stack([pixel_features(i) for i in train_images])
    labels = np.asarray([CLASSES.index(e.split("MT_", 1)[1].split("/", 1)[0]) for e in train_entries])
    truth = labels > 0
    fit, val = stratified_holdout(labels, 0.2, seed)
    mean, std = features[fit].mean(axis=0), features[fit].std(axis=0) + 1e-9
    w, b = fit_logistic((features[fit] - mean) / std, truth[fit].astype(float))
    score = lambda f: 1 / (1 + np.exp(-(((f - mean) / std) @ w + b)))  # noqa: E731
    threshold = threshold_within_false_alarms(truth[val], score(features[val]), budget)
    test_features = np.stack([pixel_features(i) for i in test_images])
    return binary_metrics(test_truth, score(test_features), threshold)


# ---------------------------------------------------------------- the shipped model


def throughput(inspector, images: list[np.ndarray], batch: int, seconds: float) -> float:  # type: ignore[no-untyped-def]
    """Images per second, end to end from decoded images, for at least `seconds`."""
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for start in range(0, len(images), batch):
            chunk = images[start : start + batch]
            if batch == 1:
                inspector.inspect(chunk[0])
            else:
                inspector.inspect_batch(chunk)
            done += len(chunk)
    return done / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/bench/inspection")
    parser.add_argument("--model", type=Path, default=BUILTIN_MODEL_DIR / f"{BUILTIN_MODEL}.onnx")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--split", default="mt_split.json", help="split file in --data; mt_split_grouped.json keeps every tile on one side")
    parser.add_argument("--budget", type=float, help="baseline false-alarm budget on validation (default: the card's)")
    parser.add_argument("--seconds", type=float, default=8.0, help="minimum timing per throughput figure")
    args = parser.parse_args()

    card = json.loads(args.model.with_suffix(".json").read_text())
    split = json.loads((args.data / args.split).read_text())
    started = time.perf_counter()
    test_bytes = [entry_path(args.data, e).read_bytes() for e in split["test"]]
    test_images = [decode_image(b, mode="L") for b in test_bytes]
    decode_rate = len(test_bytes) / (time.perf_counter() - started)
    truth = np.asarray([is_defective(e) for e in split["test"]])

    inspector = load_inspector(args.model.read_bytes(), card, threads=args.threads)
    scores = np.concatenate([inspector.defect_scores(test_images[i : i + 64]) for i in range(0, len(test_images), 64)])
    model_metrics = binary_metrics(truth, scores, card["threshold"])
    # The ROC point the goal names: the most recall with at most 10% false alarms on this test
    # list (threshold chosen on the test list itself, so an upper bound for a deployed threshold).
    at_budget = binary_metrics(truth, scores, threshold_within_false_alarms(truth, scores, 0.10))
    model_split = card.get("training_data", {}).get("split_file", "").rsplit("/", 1)[-1]
    per_class = {
        c: round(float(np.mean(scores[[f"/MT_{c}/" in e for e in split["test"]]] >= card["threshold"])), 4) for c in CLASSES[1:]
    }
    speed = {f"batch_{b}": round(throughput(inspector, test_images, b, args.seconds), 1) for b in (1, 16, 64)}

    train_images = [decode_image(entry_path(args.data, e).read_bytes(), mode="L") for e in split["train"]]
    rule = card["threshold_rule"]
    budget = args.budget if args.budget is not None else float(rule.rsplit("<= ", 1)[1]) if "<= " in rule else 0.08
    base = baseline(train_images, split["train"], test_images, truth, budget, card["hyperparameters"]["seed"])

    print(json.dumps({
        "model": card["name"], "model_sha256": card["onnx"]["sha256"], "model_bytes": card["onnx"]["bytes"],
        "split": args.split, "model_trained_on": model_split,
        "test_images_whose_tile_is_in_train": len(leaking_test_images(split["train"], split["test"])),
        "threshold": card["threshold"], "test": model_metrics, "test_auc": round(roc_auc(truth, scores), 4),
        "best_recall_at_most_10pct_false_alarms": {k: at_budget[k] for k in ("recall", "false_alarm_rate", "threshold")},
        "detected_share_per_defect_class": per_class,
        "images_per_second_end_to_end": speed, "decode_images_per_second": round(decode_rate, 1),
        "baseline_pixel_stats_logistic_regression": base,
        "machine": {"cpu_count": os.cpu_count(), "threads": args.threads, "python": platform.python_version(), "onnxruntime": onnxruntime.__version__},
    }, indent=2))


if __name__ == "__main__":
    main()
