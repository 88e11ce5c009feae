"""Files on disk (uploaded images, registered model files) and the per-process cache of
loaded models. Keys are relative paths under the configured storage directory."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import uuid
from pathlib import Path
from typing import Any

from inspection.config import BUILTIN_MODEL, BUILTIN_MODEL_DIR, get_inspection_settings
from inspection.runtime import Inspector, load_inspector


def _root() -> Path:
    return get_inspection_settings().storage_dir


def write(key: str, data: bytes) -> None:
    """Write atomically (temp file + rename): a crash never leaves a half file under a key."""
    path = _root() / key
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def read(key: str) -> bytes:
    return (_root() / key).read_bytes()


def image_key(organisation_id: uuid.UUID, image_id: uuid.UUID, extension: str) -> str:
    return f"images/{organisation_id}/{image_id}.{extension}"


def model_key(sha256: str) -> str:
    return f"models/{sha256}.onnx"


def builtin_card() -> dict[str, Any]:
    return json.loads((BUILTIN_MODEL_DIR / f"{BUILTIN_MODEL}.json").read_text())


def builtin_model_bytes() -> bytes:
    return (BUILTIN_MODEL_DIR / f"{BUILTIN_MODEL}.onnx").read_bytes()


_cache: dict[str, Inspector] = {}
_cache_lock = threading.Lock()


def inspector_for(sha256: str, load_bytes: Any, card: dict[str, Any]) -> Inspector:
    """The loaded model with this file hash and card (one file may serve under two cards with
    different thresholds); loaded once per process, its hash verified on load."""
    key = sha256 + hashlib.sha256(json.dumps(card, sort_keys=True).encode()).hexdigest()
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            return cached
        data = load_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise RuntimeError(f"model file {sha256} does not match its hash")
        inspector = load_inspector(data, card, threads=get_inspection_settings().inference_threads)
        _cache[key] = inspector
        return inspector
