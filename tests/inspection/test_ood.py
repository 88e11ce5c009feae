"""The out-of-distribution check (inspection.ood): hand-made images whose answer is known by
construction, and real Magnetic-Tile images (read from ../shared/bench, never copied here)."""

from __future__ import annotations

import glob

import numpy as np
import pytest
from PIL import Image, ImageDraw

from inspection import ood, store
from inspection.runtime import decode_image
from tests.inspection.conftest import DATA, needs_dataset, sample_image, split_entries

REFERENCE = store.builtin_card()["ood"]


def drawing() -> np.ndarray:
    picture = Image.new("RGB", (400, 300), "white")
    draw = ImageDraw.Draw(picture)
    draw.rectangle((60, 40, 340, 260), outline="black", width=3)
    draw.line((60, 40, 340, 260), fill="black", width=2)
    return np.asarray(picture)


def red_fabric(seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:300, 0:400]
    weave = np.sin(x / 2.0) * np.sin(y / 2.0) * 20
    return (np.array([200, 40, 60])[None, None, :] + weave[..., None] + rng.normal(0, 8, (300, 400, 3))).clip(0, 255).astype(np.uint8)


@pytest.mark.parametrize(("name", "pixels", "reason"), [
    ("1x1", np.full((1, 1), 128, np.uint8), "too small: 1x1"),
    ("thin strip", np.random.default_rng(2).integers(0, 255, (8, 500), dtype=np.uint8), "too small: 500x8"),
    ("flat grey", np.full((480, 640), 128, np.uint8), "uniform:"),
    ("flat white RGB", np.full((64, 64, 3), 255, np.uint8), "uniform:"),
    ("sensor noise on grey", (128 + np.random.default_rng(3).normal(0, 1, (64, 64))).astype(np.uint8), "uniform:"),
    ("black with a few specks", np.where(np.random.default_rng(4).random((200, 200)) < 0.01, 255, 0).astype(np.uint8), "blank:"),
])
def test_images_with_nothing_to_judge_are_flagged_by_the_fixed_rules(name: str, pixels: np.ndarray, reason: str) -> None:
    for reference in (None, REFERENCE):  # the rules hold with and without a training reference
        result = ood.check(pixels, reference)
        assert result.flagged and result.reason is not None and result.reason.startswith(reason), (name, result)


@pytest.mark.parametrize(("name", "pixels"), [
    ("line drawing", drawing()),
    ("red fabric", red_fabric()),
    ("checkerboard", ((np.indices((256, 256)).sum(0) // 16) % 2 * 255).astype(np.uint8)),
    ("white noise", np.random.default_rng(5).integers(0, 256, (256, 256), dtype=np.uint8)),
])
def test_images_unlike_the_tile_training_data_are_flagged_by_distance(name: str, pixels: np.ndarray) -> None:
    result = ood.check(pixels, REFERENCE)
    assert result.flagged and result.reason.startswith("unlike the training images"), (name, result)
    assert result.distance is not None and result.distance > REFERENCE["limit"]
    # Without a reference only the fixed rules apply, and these images pass them.
    assert not ood.check(pixels, None).flagged


def test_known_limits_of_image_statistics() -> None:
    """Honest limits, kept as tests so a change that fixes them shows: a grey-scale fabric
    photo and a smooth gradient have tile-like statistics and are not flagged."""
    grey_fabric = np.asarray(Image.fromarray(red_fabric()).convert("L"))
    gradient = np.tile(np.linspace(0, 255, 256), (256, 1)).astype(np.uint8)
    assert not ood.check(grey_fabric, REFERENCE).flagged
    assert not ood.check(gradient, REFERENCE).flagged


def test_reference_statistics_by_construction() -> None:
    rng = np.random.default_rng(7)
    images = [(100 + rng.normal(0, 10, (64, 64))).clip(0, 255).astype(np.uint8) for _ in range(40)]
    reference = ood.reference_statistics(images, margin=1.5)
    assert reference["features"] == list(ood.FEATURES) and reference["training_images"] == 40
    assert reference["limit"] == pytest.approx(1.5 * reference["training_distance_max"], rel=1e-3)
    assert not any(ood.check(image, reference).flagged for image in images)  # every training image passes
    assert ood.check((images[0].astype(int) + 80).clip(0, 255).astype(np.uint8), reference).flagged  # far brighter
    assert ood.reference_errors(reference) == [] and ood.reference_errors(None) == []
    with pytest.raises(ValueError, match="at least 24"):
        ood.reference_statistics(images[:5])


@needs_dataset
def test_the_shipped_reference_is_the_train_list_and_passes_the_test_split() -> None:
    """The card's numbers come from the train list of mt_split.json; the 404 test images (never
    in the reference) all pass; the dataset's defect masks and its overview figure are flagged."""
    train = [decode_image(sample_image(e)) for e in split_entries("train")]
    recomputed = ood.reference_statistics(train)
    assert recomputed["limit"] == pytest.approx(REFERENCE["limit"], rel=1e-3) and recomputed["training_images"] == 940
    np.testing.assert_allclose(recomputed["mean"], REFERENCE["mean"], rtol=1e-5, atol=1e-7)
    results = [ood.check(decode_image(sample_image(e)), REFERENCE) for e in split_entries("test")]
    flagged = [r for r in results if r.flagged]
    assert len(results) == 404 and flagged == []
    assert max(r.distance for r in results) < REFERENCE["limit"] * 0.75
    masks = sorted(glob.glob(str(DATA / "magnetic_tile" / "MT_*" / "Imgs" / "*.png")))
    assert len(masks) == 1344
    assert all(ood.check(decode_image(open(m, "rb").read()), REFERENCE).flagged for m in masks[::20])
    overview = decode_image((DATA / "magnetic_tile" / "dataset.jpg").read_bytes())
    assert ood.check(overview, REFERENCE).reason.startswith("unlike the training images")
