"""REST for integrations; app.py mounts every handler in ROUTES."""

from __future__ import annotations

from typing import Any

ROUTES: list[Any] = []
