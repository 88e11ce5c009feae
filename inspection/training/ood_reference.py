"""Compute the `ood` section of a model card from the model's training images.

    python inspection/training/ood_reference.py --card inspection/models/magnetic_tile_v1.json \\
        --split ../shared/bench/inspection/mt_split.json            # the split's train list
    python inspection/training/ood_reference.py --card my_model.json --images path/to/training/images

Writes the section into the card (inspection.ood.reference_statistics: mean and shrunk
precision of 12 image statistics, and the limit: 1.5 x the largest training distance).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from inspection.ood import reference_statistics  # noqa: E402
from inspection.runtime import decode_image  # noqa: E402

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--card", type=Path, required=True)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--split", type=Path, help="a Magnetic-Tile split file: its train list")
    source.add_argument("--images", type=Path, help="a folder of training images (searched recursively)")
    parser.add_argument("--margin", type=float, default=1.5)
    args = parser.parse_args()
    if args.split:
        entries = json.loads(args.split.read_text())["train"]
        paths = [args.split.parent / "magnetic_tile" / e.split("data/mt/", 1)[1] for e in entries]
        label = f"train list of {args.split.name} ({len(paths)} images)"
    else:
        paths = sorted(p for p in args.images.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        label = f"{len(paths)} images under {args.images.name}/"
    reference = reference_statistics((decode_image(p.read_bytes()) for p in paths), margin=args.margin, source=label)
    card = json.loads(args.card.read_text())
    card["ood"] = reference
    args.card.write_text(json.dumps(card, indent=2) + "\n")
    print(json.dumps({k: v for k, v in reference.items() if k not in ("mean", "precision")}, indent=2))


if __name__ == "__main__":
    main()
