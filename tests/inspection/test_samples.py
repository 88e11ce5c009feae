"""The sample image set of docs/byo-yolo-model.md is made by inspection.samples (no photograph,
no dataset): regenerating it gives the committed files, and its labels are valid YOLO labels."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from inspection import samples
from inspection.runtime import decode_image

SHIPPED = Path(__file__).resolve().parents[2] / "docs" / "samples" / "fabric"


def test_the_committed_samples_are_what_the_generator_makes(tmp_path: Path) -> None:
    labels = samples.make(tmp_path)
    assert json.loads((SHIPPED / "labels.json").read_text()) == json.loads((tmp_path / "labels.json").read_text())
    assert sorted(p.name for p in SHIPPED.iterdir()) == sorted(p.name for p in tmp_path.iterdir())
    for name, defects in labels.items():
        shipped, fresh = decode_image((SHIPPED / name).read_bytes()), decode_image((tmp_path / name).read_bytes())
        assert shipped.shape == (360, 480, 3) and np.abs(shipped.astype(int) - fresh.astype(int)).mean() < 1.0
        lines = (SHIPPED / name.replace(".jpg", ".txt")).read_text().splitlines()
        assert len(lines) == len(defects)
        for line, defect in zip(lines, defects, strict=True):
            class_id, cx, cy, w, h = line.split()
            assert samples.CLASSES[int(class_id)] == defect["label"]
            assert all(0 < float(v) < 1 for v in (cx, cy, w, h))
            x1, y1, x2, y2 = defect["box"]
            assert abs(float(cx) * 480 - (x1 + x2) / 2) < 0.2 and abs(float(w) * 480 - (x2 - x1)) < 0.2
    assert sum(1 for d in labels.values() if not d) >= 2 and {d["label"] for v in labels.values() for d in v} == set(samples.CLASSES)
