"""Inputs of the forecasting service, shared by REST, GraphQL and jobs (msgspec checks
types and bounds at the edge)."""

from __future__ import annotations

import math
import uuid
from typing import Annotated

from msgspec import Meta, Struct

from marketplace.schemas import AwareDatetime

Current = Annotated[float, Meta(ge=0, le=1_000_000)]


class TelemetrySample(Struct, forbid_unknown_fields=True):
    cycle: Annotated[int, Meta(ge=0, le=2**31 - 1)]
    current_a: Current
    measured_at: AwareDatetime

    def __post_init__(self) -> None:
        if not math.isfinite(self.current_a):
            raise ValueError("current_a must be a finite number")


class TelemetryIn(Struct, forbid_unknown_fields=True):
    """Machine current samples (e.g. one every 10 minutes), each tagged with its cycle."""

    resource_id: uuid.UUID
    readings: Annotated[list[TelemetrySample], Meta(min_length=1, max_length=5000)]
