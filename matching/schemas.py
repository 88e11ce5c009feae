"""Inputs of the matching service, shared by REST, GraphQL and jobs."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from msgspec import Meta, Struct

Pct = Annotated[int, Meta(ge=0, le=100)]


class PolicyIn(Struct, forbid_unknown_fields=True):
    core_min_pct: Pct = 40
    external_min_pct: Pct = 20
    external_max_pct: Pct = 60
    hard_shares: bool = False
    carbon_weight_per_kg: Annotated[int, Meta(ge=0, le=10**6)] = 0
    max_late_days: Annotated[int, Meta(ge=0, le=365)] = 30
    # Minor units per 1/100 piece outside the buyer's core / external band (soft mode).
    share_penalty: Annotated[int, Meta(ge=0, le=10**6)] = 1
    # Accept a late offer when it is cheaper than the lateness costs at late_penalty_per_unit_day
    # (per piece and day, times urgency); otherwise an on-time offer with room always wins.
    cheaper_but_late: bool = False
    late_penalty_per_unit_day: Annotated[int, Meta(ge=0, le=10**7)] = 0


class MatchIn(Struct, forbid_unknown_fields=True):
    # None: every open order of the caller.
    order_ids: Annotated[list[uuid.UUID], Meta(min_length=1, max_length=5000)] | None = None
    mode: Literal["batch", "incremental"] = "batch"
    time_limit_s: Annotated[float, Meta(gt=0, le=120)] = 10.0
    policy: PolicyIn | None = None
    # Run as a background job (batch matching of many orders); the run starts 'queued'.
    background: bool = False
