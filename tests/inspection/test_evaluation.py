"""The metrics the training script and the benchmark share, on hand-made scores."""

from __future__ import annotations

import numpy as np
import pytest

from inspection.evaluation import binary_metrics, roc_auc, threshold_at_recall, threshold_within_false_alarms

TRUTH = np.array([True, True, True, False, False, False, False])
SCORES = np.array([0.9, 0.8, 0.3, 0.7, 0.3, 0.2, 0.1])


def test_roc_auc_counts_pairs_and_half_ties() -> None:
    # 12 positive/negative pairs: 0.9 and 0.8 beat all 4 (8), 0.3 beats 0.2 and 0.1 (2) and ties 0.3 (0.5).
    assert roc_auc(TRUTH, SCORES) == pytest.approx(10.5 / 12)
    assert roc_auc(np.array([True, False]), np.array([0.1, 0.9])) == 0.0
    with pytest.raises(ValueError):
        roc_auc(np.array([True, True]), np.array([0.1, 0.2]))


def test_metrics_at_a_threshold() -> None:
    metrics = binary_metrics(TRUTH, SCORES, 0.3)
    assert (metrics["recall"], metrics["false_alarm_rate"], metrics["miss_rate"]) == (1.0, 0.5, 0.0)
    assert binary_metrics(TRUTH, SCORES, 0.75)["recall"] == pytest.approx(0.6667, abs=1e-4)


def test_thresholds_from_recall_target_and_false_alarm_budget() -> None:
    assert threshold_at_recall(TRUTH, SCORES, 1.0) == 0.3
    assert threshold_at_recall(TRUTH, SCORES, 0.6) == 0.8
    # Budget 25% of 4 free images: one may score above; the second highest free score (0.3) must not.
    threshold = threshold_within_false_alarms(TRUTH, SCORES, 0.25)
    assert 0.3 < threshold < 0.3000001
    assert binary_metrics(TRUTH, SCORES, threshold)["false_alarm_rate"] == 0.25
    assert threshold_within_false_alarms(TRUTH, SCORES, 0.0) > 0.7
    assert threshold_within_false_alarms(TRUTH, SCORES, 1.0) == 0.0
