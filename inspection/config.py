"""Settings of the inspection area: the `inspection` section of the one Settings
(environment variables prefixed CAPOOL_INSPECTION_)."""

from __future__ import annotations

from pathlib import Path

from capool.config import InspectionSettings, get_settings

BUILTIN_MODEL_DIR = Path(__file__).resolve().parent / "models"
BUILTIN_MODEL = "magnetic_tile_v1"

__all__ = ["BUILTIN_MODEL", "BUILTIN_MODEL_DIR", "InspectionSettings", "get_inspection_settings"]


def get_inspection_settings() -> InspectionSettings:
    return get_settings().inspection
