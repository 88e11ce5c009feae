"""The built-in model as shipped: its card, its file, and detection end to end on sample
images of the Magnetic-Tile test split (read from ../shared/bench, never copied here)."""

from __future__ import annotations

import hashlib
import json

import onnx
from click.testing import CliRunner

from inspection import store
from inspection.config import BUILTIN_MODEL, BUILTIN_MODEL_DIR
from inspection.runtime import decode_image, load_inspector
from tests.inspection.conftest import needs_dataset, sample_image, split_entries


def test_card_describes_the_shipped_file() -> None:
    card = store.builtin_card()
    data = store.builtin_model_bytes()
    assert len(data) < 2 * 1024 * 1024
    assert hashlib.sha256(data).hexdigest() == card["onnx"]["sha256"] and len(data) == card["onnx"]["bytes"]
    model = onnx.load_from_string(data)
    assert [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")] == [17]
    assert card["labels"] == ["Free", "Blowhole", "Break", "Crack", "Fray", "Uneven"] and card["normal_label"] == "Free"
    assert 0 < card["threshold"] < 1
    for key in ("training_data", "hyperparameters", "metrics", "created_by", "created_at"):
        assert card[key], key
    assert card["training_data"]["used"] == "train list only"
    assert (BUILTIN_MODEL_DIR / f"{BUILTIN_MODEL}.json").exists()


# Test-split images (the first of each class in the split list, and three more), with what
# the shipped model answers: a regression check of the shipped file. The first Uneven tile
# is a known miss (score 0.52, just under the 0.5275 threshold; see docs/inspection-model.md).
SAMPLES: list[tuple[str, bool, list[str]]] = [
    ("data/mt/MT_Free/Imgs/exp1_num_106729.jpg", False, []),
    ("data/mt/MT_Blowhole/Imgs/exp1_num_262480.jpg", True, ["Blowhole"]),
    ("data/mt/MT_Break/Imgs/exp1_num_271361.jpg", True, ["Break"]),
    ("data/mt/MT_Crack/Imgs/exp1_num_249594.jpg", True, ["Crack"]),
    ("data/mt/MT_Fray/Imgs/exp1_num_135544.jpg", True, ["Fray"]),
    ("data/mt/MT_Uneven/Imgs/exp1_num_124236.jpg", False, []),
    ("data/mt/MT_Uneven/Imgs/exp6_num_270255.jpg", True, ["Uneven"]),
    ("data/mt/MT_Uneven/Imgs/exp6_num_28424.jpg", True, ["Uneven"]),
    ("data/mt/MT_Uneven/Imgs/exp6_num_352572.jpg", True, ["Uneven"]),
]


@needs_dataset
def test_builtin_model_end_to_end_on_sample_images() -> None:
    assert {entry for entry, _, _ in SAMPLES} <= set(split_entries("test"))
    inspector = load_inspector(store.builtin_model_bytes(), store.builtin_card())
    for entry, defective, classes in SAMPLES:
        result = inspector.inspect(decode_image(sample_image(entry)))
        assert 0.0 <= result.score <= 1.0 and abs(sum(result.class_scores.values()) - 1) < 1e-4
        assert (result.defective, sorted(result.defect_counts())) == (defective, classes), entry


@needs_dataset
def test_cli_detects_with_the_builtin_model(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from capool.cli import main as capool_cli  # the whole CLI, with every area's wiring

    image = tmp_path / "tile.jpg"
    image.write_bytes(sample_image(SAMPLES[3][0]))  # a crack
    result = CliRunner().invoke(capool_cli, ["inspection", "detect", str(image)])
    assert result.exit_code == 0, result.output
    line = json.loads(result.output.splitlines()[0])
    assert line["image"] == str(image) and line["defective"] is True and line["defect_counts"] == {"Crack": 1}
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"nope")
    assert CliRunner().invoke(capool_cli, ["inspection", "detect", str(bad)]).exit_code != 0

