"""A small, licence-clean sample image set for trying a registered model (docs/byo-yolo-model.md).

    python -m inspection.samples docs/samples/fabric

Every image is drawn here from a seed (no photograph, no dataset): a knitted-fabric texture
in a garment colour, and on some images one or two defects of three kinds (a hole, a stain,
a pulled thread), with their boxes in YOLO label files (`class cx cy w h`, normalised) and in
`labels.json`. They are for checking the platform's wiring (upload, boxes, review), not for
training or measuring a model.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

CLASSES = ("hole", "stain", "pulled_thread")
COLOURS = ((32, 58, 110), (170, 30, 45), (225, 225, 218), (60, 110, 70), (30, 30, 34), (200, 150, 40))
SIZE = (480, 360)
SEED = 20261202


def fabric(rng: np.random.Generator, colour: tuple[int, int, int]) -> Image.Image:
    """A jersey-knit texture: rows of V-shaped loops, yarn noise, soft light from one side."""
    width, height = SIZE
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    loops = np.abs(np.sin((x + 3 * np.abs(np.sin(y / 3.0))) / 2.2)) * np.abs(np.sin(y / 2.6))
    light = 0.85 + 0.3 * (x / width) + 0.05 * np.sin(y / 40.0)
    shade = (0.7 + 0.45 * loops) * light + rng.normal(0, 0.04, (height, width))
    pixels = np.clip(np.asarray(colour, dtype=np.float64)[None, None, :] * shade[..., None], 0, 255).astype(np.uint8)
    return Image.fromarray(pixels).filter(ImageFilter.GaussianBlur(0.6))


def add_defect(image: Image.Image, rng: np.random.Generator, kind: str) -> tuple[float, float, float, float]:
    """Draw one defect; its box (x1, y1, x2, y2) in pixels."""
    width, height = image.size
    draw = ImageDraw.Draw(image)
    cx, cy = float(rng.uniform(60, width - 60)), float(rng.uniform(60, height - 60))
    if kind == "hole":
        rx, ry = float(rng.uniform(8, 18)), float(rng.uniform(6, 14))
        draw.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=(12, 12, 12))
        return cx - rx, cy - ry, cx + rx, cy + ry
    if kind == "stain":
        r = float(rng.uniform(18, 34))
        layer = Image.new("L", image.size, 0)
        ImageDraw.Draw(layer).ellipse((cx - r, cy - r * 0.7, cx + r, cy + r * 0.7), fill=150)
        image.paste(Image.new("RGB", image.size, (120, 95, 40)), mask=layer.filter(ImageFilter.GaussianBlur(6)))
        return cx - r - 6, cy - r * 0.7 - 6, cx + r + 6, cy + r * 0.7 + 6
    length, angle = float(rng.uniform(50, 110)), float(rng.uniform(0, np.pi))
    dx, dy = np.cos(angle) * length / 2, np.sin(angle) * length / 2
    draw.line((cx - dx, cy - dy, cx + dx, cy + dy), fill=tuple(min(255, c + 60) for c in image.getpixel((int(cx), int(cy)))), width=3)
    return min(cx - dx, cx + dx) - 3, min(cy - dy, cy + dy) - 3, max(cx - dx, cx + dx) + 3, max(cy - dy, cy + dy) + 3


def make(out: Path, count: int = 8, seed: int = SEED) -> dict[str, list[dict[str, object]]]:
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    labels: dict[str, list[dict[str, object]]] = {}
    for index in range(count):
        image = fabric(rng, COLOURS[index % len(COLOURS)])
        defects = [] if index % 3 == 0 else [CLASSES[int(k)] for k in rng.integers(0, len(CLASSES), 1 + index % 2)]
        boxes = [(kind, add_defect(image, rng, kind)) for kind in defects]
        name = f"fabric_{index:02d}"
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=80)
        (out / f"{name}.jpg").write_bytes(buffer.getvalue())
        width, height = image.size
        (out / f"{name}.txt").write_text("".join(
            f"{CLASSES.index(kind)} {(x1 + x2) / 2 / width:.6f} {(y1 + y2) / 2 / height:.6f} {(x2 - x1) / width:.6f} {(y2 - y1) / height:.6f}\n"
            for kind, (x1, y1, x2, y2) in boxes))
        labels[f"{name}.jpg"] = [{"label": kind, "box": [round(v, 1) for v in box]} for kind, box in boxes]
    (out / "labels.json").write_text(json.dumps({"classes": list(CLASSES), "seed": seed, "images": labels}, indent=2) + "\n")
    return labels


if __name__ == "__main__":
    make(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/samples/fabric"))
