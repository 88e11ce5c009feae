"""Inputs of the quality service, shared by REST, GraphQL, CLI and the inspection jobs."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from msgspec import Meta, Struct, field

Level = Literal["S-1", "S-2", "S-3", "S-4", "I", "II", "III"]
Aql = Annotated[float, Meta(ge=0, le=1000)]
Count = Annotated[int, Meta(ge=0, le=10**7)]
DefectClass = Annotated[str, Meta(min_length=1, max_length=100, pattern=r"^[a-z0-9_\-]+$")]
SeverityClass = Literal["critical", "major", "minor"]
LotSize = Annotated[int, Meta(ge=2, le=10**9)]
LotQuantity = Annotated[int, Meta(ge=1, le=10**9)]


class AqlsIn(Struct, forbid_unknown_fields=True):
    critical: Aql = 0.0
    major: Aql | None = None  # None: the order's AQL
    minor: Aql = 4.0


class LotIn(Struct, forbid_unknown_fields=True):
    allocation_id: uuid.UUID
    # Units of the allocation the lot presents (and an acceptance pays for).
    quantity: LotQuantity
    # The AQL lot size; None: the quantity.
    lot_size: LotSize | None = None
    level: Level = "II"
    aqls: AqlsIn = field(default_factory=AqlsIn)


class DefectCountIn(Struct, forbid_unknown_fields=True):
    defect_class: DefectClass
    severity: SeverityClass
    count: Count


class UnitsIn(Struct, forbid_unknown_fields=True):
    """Nonconforming units per class, each unit counted once in its most severe class."""

    critical: Count = 0
    major: Count = 0
    minor: Count = 0


class ResultsIn(Struct, forbid_unknown_fields=True):
    defects: Annotated[list[DefectCountIn], Meta(max_length=200)] = []
    # The nonconforming units these defects were found on. None: each defect on its own unit.
    # Percent-nonconforming AQLs (up to 10) judge units, AQLs per hundred units judge defects.
    units: UnitsIn | None = None
    # False: only add the counts (e.g. a camera batch); the decision comes with a later final report.
    final: bool = True
