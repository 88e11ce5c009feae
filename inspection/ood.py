"""Out-of-distribution check: is an image like the images the model was trained on?

Pure numpy. Two layers, both cheap and explainable:

1. Fixed rules that hold for any camera model: an image smaller than `MIN_SIDE` pixels on a
   side, an image with (almost) no contrast (`uniform`), or one that is nearly one value
   everywhere (`blank`) says nothing about a product's surface.
2. A distance to the training distribution: 12 image statistics (intensity percentiles,
   contrast, edge and fine-texture energy, share of saturated pixels, histogram entropy,
   colour saturation, aspect ratio) compared with the same statistics of the model's
   training images by the Mahalanobis distance (covariance shrunk towards its diagonal).
   The card's `ood` section holds the reference (`reference_statistics` computes it); the
   limit is the largest distance of a training image times a margin, so every training
   image passes and an image much further out than any of them is flagged.

A flagged image is inspected (its detections are kept for the record) but never counted.
The distance uses image statistics, not the network's internal features: it catches a
garment photo, a drawing or a mask shown to a tile model, not every subtle shift.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

MIN_SIDE = 16
UNIFORM_STD = 2.0  # intensity std (of 255) below which an image has no usable contrast
BLANK_SHARE = 0.98  # share of pixels within +-2 of the median above which an image is blank
FEATURES = (
    "mean", "std", "p01", "p50", "p99", "gradient", "texture", "clipped", "entropy", "saturation", "log_aspect", "dark_share",
)
STAT_SIZE = 128
VARIANCE_FLOOR = 1e-4


@dataclass(frozen=True)
class OodResult:
    flagged: bool
    reason: str | None
    distance: float | None = None
    limit: float | None = None


def _gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image
    return np.asarray(Image.fromarray(image).convert("L"))


def statistics(image: np.ndarray) -> np.ndarray:
    """The 12 statistics of FEATURES for a uint8 image (H x W or H x W x 3)."""
    gray = _gray(image)
    height, width = gray.shape[:2]
    small = np.asarray(Image.fromarray(gray).resize((STAT_SIZE, STAT_SIZE), Image.Resampling.BILINEAR), dtype=np.float64) / 255.0
    gy, gx = np.gradient(small)
    laplacian = np.abs(4 * small[1:-1, 1:-1] - small[:-2, 1:-1] - small[2:, 1:-1] - small[1:-1, :-2] - small[1:-1, 2:])
    histogram = np.bincount(gray.ravel() // 8, minlength=32).astype(np.float64)
    histogram /= histogram.sum()
    entropy = float(-(histogram[histogram > 0] * np.log2(histogram[histogram > 0])).sum())
    if image.ndim == 3:
        rgb = image.astype(np.float64) / 255.0
        saturation = float((rgb.max(axis=2) - rgb.min(axis=2)).mean())
    else:
        saturation = 0.0
    values = gray.astype(np.float64) / 255.0
    p01, p50, p99 = np.percentile(values, [1, 50, 99])
    return np.array([
        values.mean(), values.std(), p01, p50, p99, float(np.hypot(gx, gy).mean()), float(laplacian.mean()),
        float(np.mean((gray <= 3) | (gray >= 252))), entropy, saturation, float(np.log(width / height)), float(np.mean(values < 0.1)),
    ])


def reference_statistics(images: Iterable[np.ndarray], *, margin: float = 1.5, shrinkage: float = 0.1, source: str = "") -> dict[str, Any]:
    """The card's `ood` section from the model's training images."""
    rows = np.stack([statistics(image) for image in images])
    if len(rows) < 2 * len(FEATURES):
        raise ValueError(f"need at least {2 * len(FEATURES)} training images, got {len(rows)}")
    mean = rows.mean(axis=0)
    covariance = np.cov(rows, rowvar=False)
    covariance = (1 - shrinkage) * covariance + shrinkage * np.diag(np.diag(covariance))
    # A statistic that never varies in training (saturation of grayscale images) gets a floor
    # of 0.01 standard deviation, so a faint colour cast is not infinitely far.
    covariance += np.diag(np.maximum(VARIANCE_FLOOR - np.diag(covariance), 0))
    precision = np.linalg.inv(covariance)
    distances = _mahalanobis(rows, mean, precision)
    return {
        "method": "mahalanobis distance of image statistics to the training images (covariance shrunk to its diagonal)",
        "features": list(FEATURES),
        "mean": [round(float(v), 8) for v in mean],
        "precision": [[round(float(v), 6) for v in row] for row in precision],
        "limit": round(float(distances.max() * margin), 4),
        "rule": f"flag when the distance exceeds {margin} x the largest distance of a training image",
        "training_images": int(len(rows)),
        "training_distance_p99": round(float(np.percentile(distances, 99)), 4),
        "training_distance_max": round(float(distances.max()), 4),
        "source": source,
    }


def _mahalanobis(rows: np.ndarray, mean: np.ndarray, precision: np.ndarray) -> np.ndarray:
    centred = np.atleast_2d(rows) - mean
    return np.sqrt(np.einsum("ij,jk,ik->i", centred, precision, centred).clip(0))


def reference_errors(reference: Any) -> list[tuple[str, str]]:
    """(path, message) for a malformed `ood` section of a card (an absent one is fine)."""
    if reference is None:
        return []
    if not isinstance(reference, dict):
        return [("/card/ood", "ood must be an object (see inspection.ood.reference_statistics)")]
    errors = []
    if reference.get("features") != list(FEATURES):
        errors.append(("/card/ood/features", f"features must be {list(FEATURES)}"))
    n = len(FEATURES)
    mean = reference.get("mean")
    if not (isinstance(mean, list) and len(mean) == n and all(isinstance(v, int | float) for v in mean)):
        errors.append(("/card/ood/mean", f"mean must be {n} numbers"))
    precision = reference.get("precision")
    if not (isinstance(precision, list) and len(precision) == n
            and all(isinstance(r, list) and len(r) == n and all(isinstance(v, int | float) for v in r) for r in precision)):
        errors.append(("/card/ood/precision", f"precision must be a {n} x {n} matrix"))
    limit = reference.get("limit")
    if not (isinstance(limit, int | float) and limit > 0):
        errors.append(("/card/ood/limit", "limit must be a positive number"))
    return errors


def check(image: np.ndarray, reference: dict[str, Any] | None) -> OodResult:
    """Flag an image the model should not judge, with the reason; `reference` is the card's `ood`."""
    height, width = image.shape[:2]
    if min(height, width) < MIN_SIDE:
        return OodResult(True, f"too small: {width}x{height} pixels (at least {MIN_SIDE} on each side)")
    gray = _gray(image).astype(np.float64)
    std = float(gray.std())
    if std < UNIFORM_STD:
        return OodResult(True, f"uniform: intensity std {std:.2f} of 255 (below {UNIFORM_STD}); no surface to judge")
    median = float(np.median(gray))
    blank = float(np.mean(np.abs(gray - median) <= 2))
    if blank > BLANK_SHARE:
        return OodResult(True, f"blank: {blank:.1%} of the pixels within 2 of one value")
    if not reference:
        return OodResult(False, None)
    distance = float(_mahalanobis(statistics(image), np.asarray(reference["mean"]), np.asarray(reference["precision"]))[0])
    limit = float(reference["limit"])
    if distance > limit:
        return OodResult(True, f"unlike the training images: distance {distance:.1f} > limit {limit:.1f}", distance, limit)
    return OodResult(False, None, distance, limit)


def check_many(images: Sequence[np.ndarray], reference: dict[str, Any] | None) -> list[OodResult]:
    return [check(image, reference) for image in images]
