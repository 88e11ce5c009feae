"""Train the built-in defect model on Magnetic-Tile and export it to ONNX.

    .venv/bin/python inspection/training/train_magnetic_tile.py \
        --data ../shared/bench/inspection --out inspection/models

torch is a training-only dependency (`pip install torch==2.13.0`); the platform runs the
exported ONNX file with onnxruntime. Only the `train` list of the fixed split
`mt_split.json` is used to fit the network and to choose the operating threshold: it is
cut (stratified, seeded) into a fitting part and a validation part; the threshold is the
lowest one whose false-alarm rate on the validation part stays within `--max-false-alarm`
(the most recall that false-alarm budget allows). The test list is scored once at the end, with everything already frozen.
Preprocessing is `inspection.runtime` (grayscale, bilinear resize, /255), the same code
that runs in production; per-image standardisation is inside the exported graph.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import json
import os
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from capool.clitools import progress_bars  # noqa: E402
from inspection.evaluation import binary_metrics, threshold_within_false_alarms, tile_groups  # noqa: E402
from inspection.runtime import decode_image, resize  # noqa: E402

CLASSES = ["Free", "Blowhole", "Break", "Crack", "Fray", "Uneven"]


def image_path(data_root: Path, split_entry: str) -> Path:
    # Split entries read "data/mt/MT_<class>/Imgs/<name>.jpg"; the folder holds "magnetic_tile/...".
    return data_root / "magnetic_tile" / split_entry.split("data/mt/", 1)[1]


def label_of(split_entry: str) -> int:
    return CLASSES.index(split_entry.split("MT_", 1)[1].split("/", 1)[0])


def load(data_root: Path, entries: list[str], size: int) -> tuple[np.ndarray, np.ndarray]:
    images = np.stack([resize(decode_image(image_path(data_root, e).read_bytes(), mode="L"), size, size) for e in entries])
    return images.astype(np.float32) / 255.0, np.asarray([label_of(e) for e in entries])


class TileNet(nn.Module):
    """Five conv stages (conv-BN-ReLU, max-pool), then global average and max pooling:
    defects are small and local, so the max-pooled features carry most of the signal."""

    def __init__(self, classes: int, widths: tuple[int, ...] = (16, 32, 64, 96, 128), dropout: float = 0.2) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        channels = 1
        for width in widths:
            layers += [nn.Conv2d(channels, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True), nn.MaxPool2d(2)]
            channels = width
        self.features = nn.Sequential(*layers)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(2 * channels, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Per-image standardisation: exposure differs between camera set-ups.
        mean = x.mean(dim=(2, 3), keepdim=True)
        std = x.std(dim=(2, 3), keepdim=True)
        x = (x - mean) / (std + 1e-3)
        x = self.features(x)
        pooled = torch.cat([x.mean(dim=(2, 3)), x.amax(dim=(2, 3))], dim=1)
        return self.head(self.dropout(pooled))


class WithSoftmax(nn.Module):
    """The exported graph: class probabilities, averaged over the four flips of the image
    (test-time augmentation; tiles have no preferred orientation)."""

    def __init__(self, net: nn.Module, flips: bool = True) -> None:
        super().__init__()
        self.net = net
        self.flips = flips

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.flips:
            return torch.softmax(self.net(x), dim=1)
        views = (x, x.flip(3), x.flip(2), x.flip(2).flip(3))
        return torch.stack([torch.softmax(self.net(v), dim=1) for v in views]).mean(dim=0)


def augment(batch: torch.Tensor, shift: int) -> torch.Tensor:
    flip_h = torch.rand(batch.shape[0]) < 0.5
    flip_v = torch.rand(batch.shape[0]) < 0.5
    batch = batch.clone()
    batch[flip_h] = batch[flip_h].flip(3)
    batch[flip_v] = batch[flip_v].flip(2)
    if shift:
        padded = F.pad(batch, (shift, shift, shift, shift), mode="reflect")
        dx, dy = random.randint(0, 2 * shift), random.randint(0, 2 * shift)
        batch = padded[:, :, dy : dy + batch.shape[2], dx : dx + batch.shape[3]]
    # Gamma jitter changes contrast non-linearly (a linear change is undone by the standardisation).
    gamma = torch.exp(torch.empty(batch.shape[0], 1, 1, 1).uniform_(-0.25, 0.25))
    return batch.clamp(1e-4, 1).pow(gamma)


def defect_scores(net: nn.Module, images: np.ndarray, batch: int = 128, flips: bool = True) -> np.ndarray:
    """1 - P(Free), computed exactly as the exported graph does."""
    model = WithSoftmax(net, flips).eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(images), batch):
            x = torch.from_numpy(images[start : start + batch, None])
            out.append(1.0 - model(x)[:, 0].numpy())
    return np.concatenate(out)


def stratified_holdout(labels: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    held = []
    for c in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == c))
        held.extend(members[: max(1, round(len(members) * fraction))])
    held_mask = np.zeros(len(labels), dtype=bool)
    held_mask[held] = True
    return np.flatnonzero(~held_mask), np.flatnonzero(held_mask)


def grouped_holdout(entries: list[str], labels: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """As stratified_holdout, but whole tiles (all exposures of one physical tile, see
    inspection.evaluation.tile_groups) go to one side, so validation never sees a tile the
    network was fitted on."""
    rng = np.random.default_rng(seed)
    index = {e: i for i, e in enumerate(entries)}
    groups = tile_groups(entries)
    held: list[int] = []
    for c in np.unique(labels):
        members = [g for g in groups if labels[index[g[0]]] == c]
        wanted = max(1, round(sum(len(g) for g in members) * fraction))
        taken = 0
        for k in rng.permutation(len(members)):
            if taken >= wanted:
                break
            held += [index[e] for e in members[k]]
            taken += len(members[k])
    held_mask = np.zeros(len(labels), dtype=bool)
    held_mask[held] = True
    return np.flatnonzero(~held_mask), np.flatnonzero(held_mask)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[3] / "shared/bench/inspection")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[2] / "inspection/models")
    parser.add_argument("--name", default="magnetic_tile_v1")
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--weight-decay", type=float, default=1e-4)
    parser.add_argument("--val-fraction", type=float, default=0.2)
    parser.add_argument("--max-false-alarm", type=float, default=0.08, help="false-alarm budget on the validation part")
    parser.add_argument("--no-flips", action="store_true", help="export without flip test-time augmentation")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1 is fastest on a busy 2-core machine)")
    parser.add_argument("--split", default="mt_split.json", help="split file in --data (mt_split_grouped.json: whole tiles on one side)")
    parser.add_argument("--grouped-validation", action="store_true", help="hold out whole tiles of the train list for validation")
    parser.add_argument("--checkpoint", type=Path, help="also save the torch state_dict here (not shipped)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar on stderr (there is none when stderr is not a terminal)")
    args = parser.parse_args()

    started = time.perf_counter()
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)

    split_file = args.data / args.split
    split_bytes = split_file.read_bytes()
    split = json.loads(split_bytes)
    assert split["classes"] == CLASSES, split["classes"]
    train_x, train_y = load(args.data, split["train"], args.size)
    if args.grouped_validation:
        fit_idx, val_idx = grouped_holdout(split["train"], train_y, args.val_fraction, args.seed)
    else:
        fit_idx, val_idx = stratified_holdout(train_y, args.val_fraction, args.seed)
    print(f"loaded {len(train_y)} training images ({len(fit_idx)} fit / {len(val_idx)} validation) in {time.perf_counter() - started:.1f}s", flush=True)

    net = TileNet(len(CLASSES))
    counts = np.bincount(train_y[fit_idx], minlength=len(CLASSES))
    # Inverse-frequency weights, square-rooted so rare classes count more without dominating.
    weights = torch.tensor((counts.sum() / (len(CLASSES) * counts)) ** 0.5, dtype=torch.float32)
    optimiser = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    steps_per_epoch = int(np.ceil(len(fit_idx) / args.batch))
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=args.lr, total_steps=args.epochs * steps_per_epoch, pct_start=0.15)
    fit_x = torch.from_numpy(train_x[fit_idx, None])
    fit_y = torch.from_numpy(train_y[fit_idx])
    total_steps = args.epochs * steps_per_epoch
    with progress_bars(args.quiet) as progress:
        for epoch in range(args.epochs):
            net.train()
            order = torch.randperm(len(fit_idx))
            total = 0.0
            for start in range(0, len(order), args.batch):
                take = order[start : start + args.batch]
                logits = net(augment(fit_x[take], shift=8))
                loss = F.cross_entropy(logits, fit_y[take], weight=weights, label_smoothing=0.05)
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                schedule.step()
                total += loss.item() * len(take)
                progress("training steps", epoch * steps_per_epoch + start // args.batch + 1, total_steps)
            if epoch % 5 == 4 or epoch == args.epochs - 1:
                val_scores = defect_scores(net, train_x[val_idx])
                val_auc = binary_metrics(train_y[val_idx] > 0, val_scores, 0.5)["roc_auc"]
                print(f"epoch {epoch + 1}: loss {total / len(order):.4f} validation AUC {val_auc:.4f} ({time.perf_counter() - started:.0f}s)", flush=True)

    val_truth = train_y[val_idx] > 0
    flips = not args.no_flips
    val_scores = defect_scores(net, train_x[val_idx], flips=flips)
    threshold = threshold_within_false_alarms(val_truth, val_scores, args.max_false_alarm)
    validation = binary_metrics(val_truth, val_scores, threshold)
    fit_metrics = binary_metrics(train_y[fit_idx] > 0, defect_scores(net, train_x[fit_idx], flips=flips), threshold)
    train_seconds = time.perf_counter() - started

    # Frozen from here on: the test split is scored once, for the record.
    test_x, test_y = load(args.data, split["test"], args.size)
    test = binary_metrics(test_y > 0, defect_scores(net, test_x, flips=flips), threshold)

    if args.checkpoint:
        torch.save(net.state_dict(), args.checkpoint)
    args.out.mkdir(parents=True, exist_ok=True)
    onnx_path = args.out / f"{args.name}.onnx"
    export = WithSoftmax(net, flips).eval()
    torch.onnx.export(
        export, torch.zeros(1, 1, args.size, args.size), str(onnx_path), opset_version=17, dynamo=False,
        input_names=["image"], output_names=["probabilities"], dynamic_axes={"image": {0: "batch"}, "probabilities": {0: "batch"}},
    )
    model_bytes = onnx_path.read_bytes()
    card = {
        "name": args.name,
        "kind": "classifier",
        "task": "Magnetic-Tile surface defects: free vs five defect classes, whole image",
        "labels": CLASSES,
        "normal_label": "Free",
        "output": "softmax",
        "preprocess": {"channels": 1, "width": args.size, "height": args.size, "resize": "bilinear", "scale": "1/255",
                       "note": "per-image standardisation is inside the graph"},
        "threshold": round(float(threshold), 6),
        "threshold_rule": f"lowest defect score (1 - P(Free)) threshold whose false-alarm rate on the validation part of the train split is <= {args.max_false_alarm}",
        "test_time_augmentation": "mean of the class probabilities over 4 flips (in the graph)" if flips else "none",
        "defect_severity": {"Blowhole": "major", "Break": "critical", "Crack": "critical", "Fray": "major", "Uneven": "minor"},
        "training_data": {
            "dataset": "Magnetic-Tile surface defect dataset (Huang et al., 'Saliency of magnetic tile surface defects')",
            "split_file": f"shared/bench/inspection/{args.split}",
            "validation": "whole tiles of the train list (grouped)" if args.grouped_validation else "stratified by class, per image",
            "split_sha256": hashlib.sha256(split_bytes).hexdigest(),
            "split_seed": split["seed"],
            "used": "train list only",
            "fit_images": int(len(fit_idx)),
            "validation_images": int(len(val_idx)),
            "class_counts_train": dict(zip(CLASSES, np.bincount(train_y, minlength=len(CLASSES)).tolist(), strict=True)),
        },
        "hyperparameters": {
            "architecture": "TileNet: 5 x (conv3x3-BN-ReLU-maxpool) widths 16/32/64/96/128, avg+max global pooling, dropout 0.2, linear",
            "parameters": int(sum(p.numel() for p in net.parameters())),
            "input": f"1x{args.size}x{args.size} grayscale",
            "epochs": args.epochs, "batch_size": args.batch, "optimiser": "AdamW", "max_lr": args.lr,
            "weight_decay": args.weight_decay, "schedule": "one-cycle (15% warm-up)", "loss": "cross-entropy, sqrt inverse-frequency class weights, label smoothing 0.05",
            "augmentation": "horizontal/vertical flips, reflect-padded shifts up to 8 px, gamma jitter exp(U(-0.25, 0.25))",
            "seed": args.seed, "torch": torch.__version__, "threads": args.threads,
        },
        "metrics": {"fit": fit_metrics, "validation": validation, "test": test},
        "onnx": {"opset": 17, "sha256": hashlib.sha256(model_bytes).hexdigest(), "bytes": len(model_bytes), "input": "image [batch,1,H,W] float32 in [0,1]", "output": "probabilities [batch,6]"},
        "created_by": os.environ.get("CAPOOL_TRAINED_BY", getpass.getuser()),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "training_seconds": round(train_seconds, 1),
        "command": "python inspection/training/train_magnetic_tile.py " + " ".join(sys.argv[1:]),
    }
    (args.out / f"{args.name}.json").write_text(json.dumps(card, indent=2) + "\n")
    print(json.dumps({"threshold": card["threshold"], "validation": validation, "test": test, "bytes": len(model_bytes), "seconds": round(train_seconds, 1)}, indent=2))


if __name__ == "__main__":
    main()
