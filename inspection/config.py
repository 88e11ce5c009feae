"""Settings of the inspection area (environment variables prefixed CAPOOL_INSPECTION_)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

BUILTIN_MODEL_DIR = Path(__file__).resolve().parent / "models"
BUILTIN_MODEL = "magnetic_tile_v1"


class InspectionSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CAPOOL_INSPECTION_", env_file=".env", extra="ignore")

    # Uploaded images and registered model files live here (relative to the working directory).
    storage_dir: Path = Path("var/inspection")
    max_image_bytes: int = 10 * 1024 * 1024
    max_images_per_upload: int = 50
    max_model_bytes: int = 100 * 1024 * 1024
    # onnxruntime threads per inference session (the worker runs several jobs in parallel).
    inference_threads: int = 1


@lru_cache
def get_inspection_settings() -> InspectionSettings:
    return InspectionSettings()
