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
