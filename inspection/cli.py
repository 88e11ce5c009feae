"""`capool` verbs of inspection; capool.cli loads them lazily, so only click is imported at
module level (onnxruntime and the image decoders load when a verb runs)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from capool.clitools import JSON


@click.group(name="inspection")
def inspection() -> None:
    """Defect detection with ONNX models (onnxruntime, CPU)."""


@inspection.command(name="detect")
@click.argument("images", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--model", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="ONNX file; its card is the .json beside it. Default: the built-in model.")
@JSON
def detect_command(images: tuple[Path, ...], model: Path | None, as_json: bool) -> None:
    """Inspect image files and print one JSON line per image (defective, score, detections);
    --json: one JSON list of them instead."""
    from inspection import store
    from inspection.runtime import ImageError, decode_image, load_inspector

    if model is None:
        card, data = store.builtin_card(), store.builtin_model_bytes()
    else:
        card, data = json.loads(model.with_suffix(".json").read_text()), model.read_bytes()
    inspector = load_inspector(data, card)
    answers = []
    for path in images:
        try:
            result = inspector.inspect(decode_image(path.read_bytes()))
        except ImageError as exc:
            raise click.BadParameter(f"{path}: {exc}", param_hint="IMAGES") from exc
        answer = {
            "image": str(path), "defective": result.defective, "score": round(result.score, 6), "defect_counts": result.defect_counts(),
            "detections": [{"label": d.label, "score": round(d.score, 6), "box": d.box} for d in result.detections],
        }
        if as_json:
            answers.append(answer)
        else:
            click.echo(json.dumps(answer))
    if as_json:
        click.echo(json.dumps(answers, indent=2))

