"""The watched drop folder, for systems that can only export files (daily ERP / WMS exports).

Layout: DIR/offers/, DIR/orders/, DIR/progress/ each take .csv / .xlsx files. Each file is
imported in its own transaction (all rows or none) as the organisation of the API key, then
moved to <kind>/done/ or to <kind>/failed/ with `<file>.errors.csv` (row, column, message).
A file still being written is left alone until its size has been stable for `settle_s`.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from capool.errors import DomainError, FieldError
from capool.tenancy.service import authenticate
from marketplace.integrations import exchange

SUFFIXES = {".csv": "csv", ".xlsx": "xlsx"}


@dataclass
class DropResult:
    path: Path
    kind: str
    ok: bool
    imported: int
    errors: list[FieldError]


def _target(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if target.exists():
        target = folder / f"{Path(name).stem}.{time.strftime('%Y%m%dT%H%M%S')}{Path(name).suffix}"
    return target


async def process_drop_folder(sessions: async_sessionmaker[AsyncSession], root: Path, token: str, system: str | None = None,
                              settle_s: float = 0.0) -> list[DropResult]:
    results = []
    for kind in exchange.KINDS:
        folder = root / kind
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES):
            if settle_s and time.time() - path.stat().st_mtime < settle_s:
                continue
            results.append(await _import_one(sessions, path, kind, token, system))
    return results


async def _import_one(sessions: async_sessionmaker[AsyncSession], path: Path, kind: str, token: str, system: str | None) -> DropResult:
    content = path.read_bytes()
    errors: list[FieldError] = []
    imported = 0
    async with sessions() as session:
        try:
            actor = await authenticate(session, token)
            ids = await exchange.import_file(session, actor, kind, content, SUFFIXES[path.suffix.lower()], system)
            await session.commit()
            imported = len(ids)
        except DomainError as exc:
            await session.rollback()
            errors = exc.errors or [FieldError("/rows", exc.detail)]
    if errors:
        target = _target(path.parent / "failed", path.name)
        shutil.move(str(path), target)
        target.with_name(target.name + ".errors.csv").write_text(exchange.error_report(errors), encoding="utf-8")
        return DropResult(target, kind, False, 0, errors)
    target = _target(path.parent / "done", path.name)
    shutil.move(str(path), target)
    return DropResult(target, kind, True, imported, [])
