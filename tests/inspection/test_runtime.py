"""The ONNX runtime: YOLO v5/v8 decoding, class-wise NMS, letterbox mapping, classifiers,
image decoding. Every model here is a real ONNX graph run by onnxruntime."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from inspection.runtime import (
    ImageClassifier,
    ImageError,
    YoloDetector,
    classwise_nms,
    decode_image,
    letterbox,
    load_inspector,
    nms,
    open_session,
)
from tests.inspection.onnx_graphs import brightness_classifier, constant_output_model

LABELS = ["crack", "scratch"]
# Candidates in letterboxed pixels of a 320 x 320 input: (cx, cy, w, h, objectness, p(crack), p(scratch)).
CANDIDATES = np.array(
    [
        [100, 100, 40, 40, 0.90, 0.90, 0.10],  # A: crack, score 0.81
        [102, 101, 40, 40, 0.80, 0.90, 0.10],  # B: overlaps A (IoU ~0.9), crack 0.72 -> suppressed by A
        [100, 100, 40, 40, 0.95, 0.20, 0.80],  # C: same place as A but a scratch, 0.76 -> kept (other class)
        [250, 200, 20, 30, 0.10, 0.90, 0.10],  # D: objectness too low (0.09 < 0.25) -> dropped
        [300, 270, 60, 60, 0.60, 0.10, 0.90],  # E: scratch 0.54, runs past the image's bottom-right -> clipped
    ],
    dtype=np.float32,
)


def v5_output() -> np.ndarray:
    return CANDIDATES[None]  # [1, N, 5 + C]


def v8_output() -> np.ndarray:
    # v8 has no objectness: the class scores are the final ones, laid out [1, 4 + C, N].
    rows = np.concatenate([CANDIDATES[:, :4], CANDIDATES[:, 5:] * CANDIDATES[:, 4:5]], axis=1)
    return rows.T[None]


def original_image() -> np.ndarray:
    # 640 wide x 480 high: scale 0.5 to 320 x 240, padded 40 px above and below.
    return np.full((480, 640, 3), 30, dtype=np.uint8)


@pytest.mark.parametrize(("layout", "output"), [("v5", v5_output()), ("v8", v8_output())])
def test_yolo_decode_nms_and_box_mapping(layout: str, output: np.ndarray) -> None:
    session = open_session(constant_output_model(output, [1, 3, 320, 320]))
    detector = YoloDetector(session, labels=LABELS, layout=layout)  # input size read from the graph
    detections = detector.detect(original_image())

    assert [(d.label, round(d.score, 4)) for d in detections] == [("crack", 0.81), ("scratch", 0.76), ("scratch", 0.54)]
    # A: (80, 80, 120, 120) letterboxed -> x / 0.5, (y - 40) / 0.5.
    assert detections[0].box == pytest.approx((160.0, 80.0, 240.0, 160.0))
    assert detections[1].box == pytest.approx((160.0, 80.0, 240.0, 160.0))
    # E: (270, 240, 330, 300) -> (540, 400, 660, 520), clipped to the 640 x 480 image.
    assert detections[2].box == pytest.approx((540.0, 400.0, 640.0, 480.0))
    result = detector.inspect(original_image())
    assert result.defective and result.score == pytest.approx(0.81)
    assert result.defect_counts() == {"crack": 1, "scratch": 2}


def test_yolo_without_candidates_is_a_clean_image() -> None:
    quiet = CANDIDATES.copy()
    quiet[:, 4] = 0.01
    detector = YoloDetector(open_session(constant_output_model(quiet[None], [1, 3, 320, 320])), labels=LABELS, layout="v5")
    result = detector.inspect(original_image())
    assert not result.defective and result.detections == [] and result.defect_counts() == {}


def test_yolo_rejects_an_output_of_the_other_layout() -> None:
    detector = YoloDetector(open_session(constant_output_model(v8_output(), [1, 3, 320, 320])), labels=LABELS, layout="v5")
    with pytest.raises(ValueError, match="YOLOv5 output"):
        detector.detect(original_image())


def test_load_inspector_builds_a_yolov8_detector_from_a_card() -> None:
    model = constant_output_model(v8_output(), [1, 3, 320, 320])
    detector = load_inspector(model, {"kind": "yolov8", "labels": LABELS, "conf_threshold": 0.6, "iou_threshold": 0.5})
    assert [d.label for d in detector.inspect(original_image()).detections] == ["crack", "scratch"]


def test_letterbox_pads_evenly_with_grey() -> None:
    tall = np.zeros((400, 100), dtype=np.uint8)  # grayscale, 100 wide x 400 high
    boxed = letterbox(tall, 320, 320)
    assert boxed.image.shape == (320, 320, 3)
    assert boxed.ratio == pytest.approx(0.8)
    assert (boxed.pad_x, boxed.pad_y) == (120.0, 0.0)
    assert (boxed.image[:, :120] == 114).all() and (boxed.image[:, 200:] == 114).all()
    assert (boxed.image[:, 120:200] == 0).all()


def test_nms_keeps_the_best_of_overlapping_boxes() -> None:
    boxes = np.array([[0, 0, 10, 10], [1, 0, 11, 10], [20, 20, 30, 30], [0, 0, 10, 10]], dtype=np.float64)
    scores = np.array([0.6, 0.9, 0.5, 0.7])
    # IoU(box1, box0) = 90 / 110 = 0.818 > 0.5; box 3 equals box 0.
    assert nms(boxes, scores, 0.5).tolist() == [1, 2]
    assert nms(boxes, scores, 0.85).tolist() == [1, 3, 2]
    assert classwise_nms(boxes, scores, np.array([0, 0, 0, 1]), 0.5).tolist() == [1, 3, 2]


def test_classifier_scores_batches_through_the_real_graph() -> None:
    classifier = ImageClassifier(
        open_session(brightness_classifier()), labels=["ok", "defect"], input_size=(16, 16), threshold=0.5, normal_label="ok"
    )
    dark = np.full((50, 70), 20, dtype=np.uint8)
    bright = np.full((30, 30, 3), 235, dtype=np.uint8)
    results = classifier.inspect_batch([dark, bright])
    m_dark = 20 / 255
    expected_dark = 1 / (1 + np.exp((5 - 10 * m_dark) - (10 * m_dark - 5)))
    assert results[0].score == pytest.approx(expected_dark, abs=1e-6) and not results[0].defective
    assert results[1].defective and results[1].detections[0].label == "defect" and results[1].detections[0].box is None
    assert results[1].defect_counts() == {"defect": 1}
    assert classifier.defect_scores([dark, bright]) == pytest.approx([results[0].score, results[1].score])


def _encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def test_decode_image_modes_and_rejections() -> None:
    png = _encode(Image.new("RGB", (7, 5), (10, 200, 30)), "PNG")
    assert decode_image(png).shape == (5, 7, 3)
    assert decode_image(png, mode="L").shape == (5, 7)
    with pytest.raises(ImageError, match="not a readable image"):
        decode_image(b"definitely not an image")
    with pytest.raises(ImageError, match="not a readable image"):
        decode_image(png[:40])  # truncated
    with pytest.raises(ImageError, match="unsupported image format GIF"):
        decode_image(_encode(Image.new("L", (4, 4)), "GIF"))
    bomb = _encode(Image.new("1", (8000, 6000)), "PNG")  # a few kB that decode to 48 Mpixel
    assert len(bomb) < 100_000
    with pytest.raises(ImageError, match="exceeds"):
        decode_image(bomb)
