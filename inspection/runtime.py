"""Defect detection with ONNX models on CPU: image decoding, classifiers and YOLO detectors.

Pure engine: numpy, Pillow and onnxruntime only (no database, no web). The service loads
model bytes and images through its adapter and calls `load_inspector(...).inspect(image)`.

Supported model kinds
- `classifier`: input `[N, C, H, W]` float32 in [0, 1]; output `[N, K]` probabilities
  (`output: softmax`), logits (`output: logits`) or one anomaly score (`output: sigmoid`,
  `[N, 1]`, already in [0, 1]).
- `yolov5`: output `[1, N, 5 + C]` rows of (cx, cy, w, h, objectness, C class scores).
- `yolov8`: output `[1, 4 + C, N]` columns of (cx, cy, w, h, C class scores), no objectness.
  Both take a letterboxed `[1, 3, H, W]` RGB input in [0, 1]; boxes are in input pixels.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import onnxruntime as ort
from PIL import Image, UnidentifiedImageError

# Decompression bombs: a small file that decodes to gigapixels is refused, not decoded.
MAX_IMAGE_PIXELS = 40_000_000
ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "BMP", "TIFF", "WEBP"})

YoloLayout = Literal["v5", "v8"]


class ImageError(ValueError):
    """The bytes are not an image this runtime accepts."""


# Pillow's own message for unknown bytes names the BytesIO object (a memory address), not the problem.
_UNIDENTIFIED = f"not a readable image: the bytes are not in any image format this service reads ({', '.join(sorted(ALLOWED_FORMATS))})"


def decode_image(data: bytes, *, mode: Literal["L", "RGB"] = "RGB") -> np.ndarray:
    """Decode an encoded image to uint8 `H x W` (mode L) or `H x W x 3` (mode RGB)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in ALLOWED_FORMATS:
                    raise ImageError(f"unsupported image format {image.format}; use one of {', '.join(sorted(ALLOWED_FORMATS))}")
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise ImageError(f"image of {image.width}x{image.height} pixels exceeds {MAX_IMAGE_PIXELS} pixels")
                image.load()
                if image.mode in _WIDE_MODES:
                    return _wide_to_uint8(image, mode)
                return np.asarray(image.convert(mode))
    except UnidentifiedImageError as exc:
        raise ImageError(_UNIDENTIFIED) from exc
    except (OSError, SyntaxError, Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise ImageError(f"not a readable image: {exc}") from exc


# Pillow modes wider than 8 bits per channel: 16-bit integer, 32-bit integer, 32-bit float.
# Pillow's own convert("L") clips them at 255; they are rescaled here instead.
_WIDE_MODES = frozenset({"I;16", "I;16L", "I;16B", "I;16N", "I", "F"})


def rescale_to_uint8(pixels: np.ndarray, mode: str) -> np.ndarray:
    """A single-channel image of more than 8 bits to uint8, by its value range, never clipped.

    - 16-bit (`I;16*`): full scale, v * 255 / 65535 (a 16-bit copy v * 257 of an 8-bit image
      gives back exactly v).
    - 32-bit integer (`I`): as 16-bit when every value lies in [0, 65535] (Pillow reads some
      16-bit files so), otherwise min-max over the image.
    - float (`F`): values in [0, 1] are intensities (v * 255); any other range is min-max over
      the image. NaN or infinite values are refused.
    """
    values = pixels.astype(np.float64)
    if not np.isfinite(values).all():
        raise ImageError("the image holds NaN or infinite pixel values")
    low, high = (float(values.min()), float(values.max())) if values.size else (0.0, 0.0)
    if mode.startswith("I;16") or (mode == "I" and low >= 0 and high <= 65535):
        scaled = values * (255.0 / 65535.0)
    elif mode == "F" and low >= 0 and high <= 1:
        scaled = values * 255.0
    elif high > low:
        scaled = (values - low) * (255.0 / (high - low))
    else:  # one value all over a float / wide-range image: no contrast to keep
        scaled = np.zeros_like(values)
    return np.rint(scaled).clip(0, 255).astype(np.uint8)


def _wide_to_uint8(image: Image.Image, mode: Literal["L", "RGB"]) -> np.ndarray:
    gray = rescale_to_uint8(np.asarray(image), image.mode)
    return gray if mode == "L" else np.repeat(gray[:, :, None], 3, axis=2)


def image_format(data: bytes) -> str:
    """The container format Pillow detects without decoding pixels ('JPEG', 'PNG', ...)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return str(image.format)
    except UnidentifiedImageError as exc:
        raise ImageError(_UNIDENTIFIED) from exc
    except OSError as exc:
        raise ImageError(f"not a readable image: {exc}") from exc


def resize(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Bilinear resize of a uint8 image (the one resize used in training and inference)."""
    return np.asarray(Image.fromarray(image).resize((width, height), Image.Resampling.BILINEAR))


def to_gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image
    return np.asarray(Image.fromarray(image).convert("L"))


def to_rgb(image: np.ndarray) -> np.ndarray:
    if image.ndim == 3:
        return image
    return np.asarray(Image.fromarray(image).convert("RGB"))


def open_session(model: str | Path | bytes, *, threads: int = 1) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    source = model if isinstance(model, bytes) else str(model)
    return ort.InferenceSession(source, sess_options=options, providers=["CPUExecutionProvider"])


@dataclass(frozen=True)
class Detection:
    class_id: int
    label: str
    score: float
    # (x1, y1, x2, y2) in pixels of the original image; None for whole-image classifiers.
    box: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class InspectionResult:
    defective: bool
    # Defect score in [0, 1]: P(defect) for classifiers, the best detection's score for detectors.
    score: float
    detections: list[Detection] = field(default_factory=list)
    class_scores: dict[str, float] = field(default_factory=dict)

    def defect_counts(self) -> dict[str, int]:
        """Defects by class: what aggregates into a lot's counts."""
        counts: dict[str, int] = {}
        if self.defective:
            for detection in self.detections:
                counts[detection.label] = counts.get(detection.label, 0) + 1
        return counts


# ---------------------------------------------------------------- classification


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


class ImageClassifier:
    """Whole-image classifier or anomaly scorer.

    With K labels and one `normal_label`, the defect score is 1 - P(normal) and the
    reported defect class is the most probable non-normal label. A one-output anomaly
    model (`output="sigmoid"`) reports `defect_label` when its score reaches the threshold.
    """

    def __init__(
        self,
        session: ort.InferenceSession,
        *,
        labels: Sequence[str],
        input_size: tuple[int, int],
        threshold: float,
        channels: int = 1,
        output: Literal["softmax", "logits", "sigmoid"] = "softmax",
        normal_label: str | None = None,
        defect_label: str = "defect",
    ) -> None:
        self.session = session
        self.input_name = session.get_inputs()[0].name
        self.labels = list(labels)
        self.width, self.height = input_size
        self.threshold = threshold
        self.channels = channels
        self.output = output
        self.normal_label = normal_label
        self.defect_label = defect_label
        if output != "sigmoid" and normal_label is not None and normal_label not in self.labels:
            raise ValueError(f"normal label {normal_label!r} is not among the labels")

    def preprocess(self, image: np.ndarray) -> np.ndarray:
        pixels = to_gray(image) if self.channels == 1 else to_rgb(image)
        pixels = resize(pixels, self.width, self.height).astype(np.float32) / 255.0
        return pixels[None, :, :] if self.channels == 1 else pixels.transpose(2, 0, 1)

    def scores(self, images: Sequence[np.ndarray]) -> np.ndarray:
        """Class probabilities `[N, K]` (or anomaly scores `[N, 1]`) for decoded images."""
        batch = np.stack([self.preprocess(image) for image in images]).astype(np.float32)
        (raw,) = self.session.run(None, {self.input_name: batch})
        raw = np.asarray(raw, dtype=np.float64).reshape(len(images), -1)
        return _softmax(raw) if self.output == "logits" else raw

    def defect_scores(self, images: Sequence[np.ndarray]) -> np.ndarray:
        probabilities = self.scores(images)
        if self.output == "sigmoid":
            return probabilities[:, 0]
        if self.normal_label is None:
            return probabilities.max(axis=1)
        return 1.0 - probabilities[:, self.labels.index(self.normal_label)]

    def inspect_batch(self, images: Sequence[np.ndarray]) -> list[InspectionResult]:
        probabilities = self.scores(images)
        results = []
        for row in probabilities:
            if self.output == "sigmoid":
                score = float(row[0])
                class_scores = {self.defect_label: score}
                label, label_id, label_score = self.defect_label, 0, score
            else:
                class_scores = {name: float(p) for name, p in zip(self.labels, row, strict=True)}
                candidates = [i for i, name in enumerate(self.labels) if name != self.normal_label]
                label_id = max(candidates, key=lambda i: row[i])
                label, label_score = self.labels[label_id], float(row[label_id])
                score = 1.0 - class_scores[self.normal_label] if self.normal_label else label_score
            defective = score >= self.threshold
            detections = [Detection(label_id, label, label_score)] if defective else []
            results.append(InspectionResult(defective, score, detections, class_scores))
        return results

    def inspect(self, image: np.ndarray) -> InspectionResult:
        return self.inspect_batch([image])[0]


# ---------------------------------------------------------------- YOLO detectors


@dataclass(frozen=True)
class Letterbox:
    image: np.ndarray
    ratio: float
    pad_x: float
    pad_y: float

    def unmap(self, boxes: np.ndarray, width: int, height: int) -> np.ndarray:
        """Boxes (x1, y1, x2, y2) in letterboxed pixels -> pixels of the original image."""
        mapped = boxes.astype(np.float64).copy()
        mapped[:, [0, 2]] = (mapped[:, [0, 2]] - self.pad_x) / self.ratio
        mapped[:, [1, 3]] = (mapped[:, [1, 3]] - self.pad_y) / self.ratio
        mapped[:, [0, 2]] = mapped[:, [0, 2]].clip(0, width)
        mapped[:, [1, 3]] = mapped[:, [1, 3]].clip(0, height)
        return mapped


def letterbox(image: np.ndarray, height: int, width: int, *, fill: int = 114) -> Letterbox:
    """Scale to fit `height x width` keeping the aspect ratio, pad the rest evenly (as YOLO does)."""
    rgb = to_rgb(image)
    source_h, source_w = rgb.shape[:2]
    ratio = min(height / source_h, width / source_w)
    new_w, new_h = round(source_w * ratio), round(source_h * ratio)
    pad_x, pad_y = (width - new_w) / 2, (height - new_h) / 2
    resized = rgb if (new_w, new_h) == (source_w, source_h) else resize(rgb, new_w, new_h)
    canvas = np.full((height, width, 3), fill, dtype=np.uint8)
    top, left = round(pad_y - 0.1), round(pad_x - 0.1)
    canvas[top : top + new_h, left : left + new_w] = resized
    return Letterbox(canvas, ratio, float(left), float(top))


def xywh_to_xyxy(boxes: np.ndarray) -> np.ndarray:
    half_w, half_h = boxes[:, 2] / 2, boxes[:, 3] / 2
    return np.stack([boxes[:, 0] - half_w, boxes[:, 1] - half_h, boxes[:, 0] + half_w, boxes[:, 1] + half_h], axis=1)


def decode_yolo(output: np.ndarray, layout: YoloLayout, num_classes: int, conf_threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate boxes (xyxy), scores and class ids above `conf_threshold`, before NMS."""
    raw = np.asarray(output, dtype=np.float32)
    if raw.ndim == 3:
        if raw.shape[0] != 1:
            raise ValueError(f"expected a batch of one, got output shape {raw.shape}")
        raw = raw[0]
    if layout == "v5":
        if raw.shape[-1] != 5 + num_classes:
            raise ValueError(f"YOLOv5 output needs rows of 5 + {num_classes} values, got shape {raw.shape}")
        class_scores = raw[:, 5:] * raw[:, 4:5]  # objectness x conditional class probability
    elif layout == "v8":
        if raw.shape[0] != 4 + num_classes:
            raise ValueError(f"YOLOv8 output needs 4 + {num_classes} rows, got shape {raw.shape}")
        raw = raw.T
        class_scores = raw[:, 4:]
    else:
        raise ValueError(f"unknown YOLO layout {layout!r}")
    class_ids = class_scores.argmax(axis=1)
    scores = class_scores[np.arange(len(class_ids)), class_ids]
    keep = scores >= conf_threshold
    return xywh_to_xyxy(raw[keep, :4]), scores[keep], class_ids[keep]


def iou(box: np.ndarray, others: np.ndarray) -> np.ndarray:
    x1 = np.maximum(box[0], others[:, 0])
    y1 = np.maximum(box[1], others[:, 1])
    x2 = np.minimum(box[2], others[:, 2])
    y2 = np.minimum(box[3], others[:, 3])
    intersection = (x2 - x1).clip(0) * (y2 - y1).clip(0)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (others[:, 2] - others[:, 0]) * (others[:, 3] - others[:, 1])
    union = area + areas - intersection
    return np.where(union > 0, intersection / np.where(union > 0, union, 1), 0.0)


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> np.ndarray:
    """Greedy non-maximum suppression; indices kept, best score first."""
    order = np.argsort(-scores, kind="stable")
    keep: list[int] = []
    while order.size:
        best = int(order[0])
        keep.append(best)
        rest = order[1:]
        order = rest[iou(boxes[best], boxes[rest]) <= iou_threshold]
    return np.asarray(keep, dtype=np.int64)


def classwise_nms(boxes: np.ndarray, scores: np.ndarray, class_ids: np.ndarray, iou_threshold: float) -> np.ndarray:
    """NMS within each class: boxes of different classes never suppress each other."""
    kept = [np.flatnonzero(class_ids == c)[nms(boxes[class_ids == c], scores[class_ids == c], iou_threshold)] for c in np.unique(class_ids)]
    if not kept:
        return np.zeros(0, dtype=np.int64)
    merged = np.concatenate(kept)
    return merged[np.argsort(-scores[merged], kind="stable")]


class YoloDetector:
    def __init__(
        self,
        session: ort.InferenceSession,
        *,
        labels: Sequence[str],
        layout: YoloLayout,
        input_size: tuple[int, int] | None = None,
        conf_threshold: float = 0.25,
        iou_threshold: float = 0.45,
        max_detections: int = 300,
    ) -> None:
        self.session = session
        model_input = session.get_inputs()[0]
        self.input_name = model_input.name
        if input_size is None:
            height, width = model_input.shape[2], model_input.shape[3]
            if not (isinstance(height, int) and isinstance(width, int)):
                raise ValueError("the model has a dynamic input size; give input_size")
            input_size = (width, height)
        self.width, self.height = input_size
        self.labels = list(labels)
        self.layout = layout
        self.conf_threshold = conf_threshold
        self.iou_threshold = iou_threshold
        self.max_detections = max_detections

    def detect(self, image: np.ndarray) -> list[Detection]:
        boxed = letterbox(image, self.height, self.width)
        tensor = (boxed.image.astype(np.float32) / 255.0).transpose(2, 0, 1)[None]
        (output,) = self.session.run(None, {self.input_name: tensor})[:1]
        boxes, scores, class_ids = decode_yolo(output, self.layout, len(self.labels), self.conf_threshold)
        keep = classwise_nms(boxes, scores, class_ids, self.iou_threshold)[: self.max_detections]
        original_h, original_w = image.shape[:2]
        mapped = boxed.unmap(boxes[keep], original_w, original_h)
        return [
            Detection(int(class_ids[i]), self.labels[int(class_ids[i])], float(scores[i]), tuple(float(v) for v in box))  # type: ignore[arg-type]
            for i, box in zip(keep, mapped, strict=True)
        ]

    def inspect(self, image: np.ndarray) -> InspectionResult:
        detections = self.detect(image)
        score = max((d.score for d in detections), default=0.0)
        return InspectionResult(bool(detections), score, detections)


# ---------------------------------------------------------------- loading from a model card

Inspector = ImageClassifier | YoloDetector


def load_inspector(model: str | Path | bytes, card: dict[str, Any], *, threads: int = 1) -> Inspector:
    """Build the runtime for a model from its metadata card (see inspection/models/*.json)."""
    session = open_session(model, threads=threads)
    kind = card["kind"]
    labels = card["labels"]
    if kind == "classifier":
        pre = card["preprocess"]
        return ImageClassifier(
            session, labels=labels, input_size=(pre["width"], pre["height"]), threshold=float(card["threshold"]),
            channels=pre.get("channels", 1), output=card.get("output", "softmax"), normal_label=card.get("normal_label"),
            defect_label=card.get("defect_label", "defect"),
        )
    if kind in ("yolov5", "yolov8"):
        size = card.get("input_size")
        return YoloDetector(
            session, labels=labels, layout="v5" if kind == "yolov5" else "v8",
            input_size=(size[0], size[1]) if size else None,
            conf_threshold=float(card.get("conf_threshold", 0.25)), iou_threshold=float(card.get("iou_threshold", 0.45)),
        )
    raise ValueError(f"unknown model kind {kind!r}")
