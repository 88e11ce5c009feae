"""Binary detection metrics in numpy (ROC-AUC, recall, false alarms); shared by the
training script and the benchmarks so both count the same way."""

from __future__ import annotations

import numpy as np


def roc_auc(truth: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve as the Mann-Whitney statistic (ties count one half)."""
    truth = np.asarray(truth, dtype=bool)
    scores = np.asarray(scores, dtype=np.float64)
    positives, negatives = int(truth.sum()), int((~truth).sum())
    if positives == 0 or negatives == 0:
        raise ValueError("ROC-AUC needs both classes")
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores), dtype=np.float64)
    sorted_scores = scores[order]
    # Average ranks over ties.
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    average = first + (counts + 1) / 2.0
    ranks[order] = np.repeat(average, counts)
    return float((ranks[truth].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def binary_metrics(truth: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, float]:
    """A defect is flagged when its score >= threshold."""
    truth = np.asarray(truth, dtype=bool)
    flagged = np.asarray(scores) >= threshold
    positives, negatives = int(truth.sum()), int((~truth).sum())
    hits = int((flagged & truth).sum())
    false_alarms = int((flagged & ~truth).sum())
    return {
        "images": int(len(truth)),
        "defective": positives,
        "roc_auc": round(roc_auc(truth, scores), 4),
        "threshold": round(float(threshold), 6),
        "recall": round(hits / positives, 4),
        "miss_rate": round(1 - hits / positives, 4),
        "false_alarm_rate": round(false_alarms / negatives, 4),
        "accuracy": round(float((flagged == truth).mean()), 4),
    }


def threshold_at_recall(truth: np.ndarray, scores: np.ndarray, target_recall: float) -> float:
    """The highest threshold whose recall on these images reaches `target_recall`."""
    truth = np.asarray(truth, dtype=bool)
    positive_scores = np.sort(np.asarray(scores, dtype=np.float64)[truth])[::-1]
    if not len(positive_scores):
        raise ValueError("no defective images to set a threshold on")
    needed = int(np.ceil(target_recall * len(positive_scores) - 1e-9))
    return float(positive_scores[max(needed, 1) - 1])


def threshold_within_false_alarms(truth: np.ndarray, scores: np.ndarray, budget: float) -> float:
    """The lowest threshold whose false-alarm rate on these images stays within `budget`:
    the most recall that false-alarm budget allows."""
    truth = np.asarray(truth, dtype=bool)
    free = np.sort(np.asarray(scores, dtype=np.float64)[~truth])[::-1]
    allowed = int(np.floor(budget * len(free) + 1e-9))  # free images that may score >= threshold
    # Just above the (allowed + 1)-th highest score of a free image.
    return float(np.nextafter(free[allowed], np.inf)) if allowed < len(free) else 0.0


def tile_of(entry: str) -> tuple[str, int, int]:
    """(class, exposure, frame number) of a Magnetic-Tile entry ".../MT_<class>/Imgs/exp<e>_num_<n>.jpg"."""
    name = entry.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    exposure, frame = name.split("_num_")
    return entry.split("MT_", 1)[1].split("/", 1)[0], int(exposure.removeprefix("exp")), int(frame)


def tile_groups(entries: list[str], max_gap: int = 200) -> list[list[str]]:
    """Group the photographs of one physical tile: Magnetic-Tile shoots each tile under up to
    seven exposures (exp0-exp6) with frame numbers close together. Within a class, frames
    sorted by number start a new group when the gap to the previous frame exceeds `max_gap`
    or when the exposure already occurs in the current group."""
    by_class: dict[str, list[tuple[int, int, str]]] = {}
    for entry in entries:
        label, exposure, frame = tile_of(entry)
        by_class.setdefault(label, []).append((frame, exposure, entry))
    groups: list[list[str]] = []
    for label in sorted(by_class):
        current: list[str] = []
        exposures: set[int] = set()
        last = None
        for frame, exposure, entry in sorted(by_class[label]):
            if current and (frame - last > max_gap or exposure in exposures):  # type: ignore[operator]
                groups.append(current)
                current, exposures = [], set()
            current.append(entry)
            exposures.add(exposure)
            last = frame
        if current:
            groups.append(current)
    return groups


def leaking_test_images(train: list[str], test: list[str], max_gap: int = 200) -> list[str]:
    """Test images whose tile (group) has a photograph in the train list."""
    train_set = set(train)
    leaking = []
    for group in tile_groups(train + test, max_gap):
        if any(e in train_set for e in group):
            leaking += [e for e in group if e not in train_set]
    return leaking
