"""Fixtures of the inspection tests: a storage directory per test and a lot to inspect."""

from __future__ import annotations

import io
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncEngine

from capool.config import get_settings
from capool.db import create_session_factory
from quality import service as quality_service
from quality.schemas import LotIn
from tests.conftest import World, allocate, place, publish

# The benchmark data lies beside the repository (../shared/bench); BENCH_DATA points
# elsewhere, and a clone made outside the workspace still finds the workspace's copy.
_CANDIDATES = [Path(os.environ["BENCH_DATA"])] if os.environ.get("BENCH_DATA") else []
_CANDIDATES += [Path(__file__).resolve().parents[3] / "shared/bench", Path("/work/shared/bench")]
DATA = next((c for c in _CANDIDATES if (c / "inspection/mt_split.json").exists()), _CANDIDATES[0]) / "inspection"


@pytest.fixture(autouse=True)
def storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = tmp_path / "inspection-store"
    monkeypatch.setenv("CAPOOL_INSPECTION_STORAGE_DIR", str(root))
    get_settings.cache_clear()
    yield root
    get_settings.cache_clear()


async def open_lot(client: httpx.AsyncClient, db: AsyncEngine, world: World, *, lot_size: int = 500) -> dict[str, str]:
    """The partner factory makes 500 tees for the brand and opens an inspection lot."""
    offer = await publish(client, world.partner, per_day=100, days=10)
    order = await place(client, world.brand, quantity=lot_size)
    [allocation] = await allocate(client, world.brand, [(order["id"], offer["id"], lot_size)])
    accepted = await client.post(f"/v1/allocations/{allocation['id']}/response", json={"accept": True}, headers=world.partner.headers)
    assert accepted.status_code == 200, accepted.text
    async with create_session_factory(db)() as session:
        lot = await quality_service.create_lot(session, world.partner.actor, LotIn(allocation_id=uuid.UUID(allocation["id"]), quantity=lot_size))
        await session.commit()
    return {"lot": str(lot.id), "order": order["id"], "allocation": allocation["id"], "offer": offer["id"]}


def png(width: int = 32, height: int = 24, value: int = 128, *, texture: int = 6) -> bytes:
    """A grey image of mean `value` with a +-`texture` checker pattern (a surface with some
    contrast: a perfectly uniform image is flagged by the out-of-distribution check)."""
    checker = (np.indices((height, width)).sum(axis=0) % 2) * 2 - 1
    pixels = np.clip(value + texture * checker, 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


# What every registered test card states about its domain (the products of the test lots).
DOMAIN = {
    "validated_on": {"products": ["tee"], "processes": ["screen_printing"], "image_kinds": ["synthetic grey test image"]},
    "training_data": {"dataset": "synthetic test images", "images": 100},
    "metrics": {"validation": {"roc_auc": 1.0}},
}


def split_entries(which: str) -> list[str]:
    return json.loads((DATA / "mt_split.json").read_text())[which]


def sample_image(entry: str) -> bytes:
    """A Magnetic-Tile image, read from the shared benchmark folder (never copied into the repository)."""
    return (DATA / "magnetic_tile" / entry.split("data/mt/", 1)[1]).read_bytes()


needs_dataset = pytest.mark.skipif(not (DATA / "mt_split.json").exists(), reason="Magnetic-Tile data not present in ../shared/bench")
