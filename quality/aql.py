"""Acceptance sampling by attributes, ISO 2859-1 single sampling: plans, lot decisions and
the switching rules between normal, tightened and reduced inspection.

Pure: no database, no web. The service layer (quality/service.py) loads and stores state.

AQL 0 (typical for critical defects): the standard has no column for it. We treat it as a
zero-acceptance plan: Ac 0 / Re 1 on the sample the lot draws anyway (the largest sample of
its other classes, or the code letter's own sample when every class is AQL 0), so a single
critical defect rejects the lot.

Several defect classes (critical / major / minor) are judged separately, each against its
own plan; arrows can give classes different sample sizes, so the lot draws the largest
and each class is judged on its own plan's sample size (the first n units). A lot is
accepted only when every class is.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace

from quality import aql_tables as t

SEVERITY_CLASSES = ("critical", "major", "minor")


class Severity(enum.StrEnum):
    NORMAL = "normal"
    TIGHTENED = "tightened"
    REDUCED = "reduced"


class AqlError(ValueError):
    """Input outside the tables; `field` names the offending argument."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Plan:
    code_letter: str  # letter from Table 1
    plan_letter: str  # the row the plan was read from after following arrows
    aql: float
    severity: Severity
    sample_size: int
    ac: int
    re: int
    hundred_percent: bool = False  # the sample is the whole lot

    def as_dict(self) -> dict[str, object]:
        return {
            "code_letter": self.code_letter, "plan_letter": self.plan_letter, "aql": self.aql, "severity": self.severity.value,
            "sample_size": self.sample_size, "ac": self.ac, "re": self.re, "hundred_percent": self.hundred_percent,
        }


def code_letter(lot_size: int, level: str = "II") -> str:
    if lot_size < 2:
        raise AqlError("lot_size", "lot size must be at least 2")
    if level not in t.CODE_LETTERS:
        raise AqlError("level", f"inspection level must be one of {', '.join(t.LEVELS)}")
    for index, (low, high) in enumerate(t.LOT_RANGES):
        if high is None or low <= lot_size <= high:
            return t.CODE_LETTERS[level][index]
    raise AssertionError("lot ranges cover every size")


def standard_aql(aql: float) -> float:
    for value in t.AQL_SERIES:
        if abs(value - aql) < 1e-9:
            return value
    raise AqlError("aql", f"AQL {aql} is not in the ISO 2859-1 series ({', '.join(f'{v:g}' for v in t.AQL_SERIES)}) nor 0")


def _sample_size(severity: Severity, letter: str) -> int:
    if letter == t.EXTRA_ROW:
        return t.EXTRA_ROW_SAMPLE_SIZE
    return (t.REDUCED_SAMPLE_SIZES if severity == Severity.REDUCED else t.SAMPLE_SIZES)[letter]


def _resolve(severity: Severity, letter: str, aql: float) -> tuple[str, int, int]:
    """Follow the table's arrow from (letter, aql) to "the first sampling plan below / above
    the arrow": (row letter, Ac, Re). An up arrow in row A has no plan above; the first plan
    below it is used (the printed normal and reduced tables have one, at AQL 10)."""
    table = t.MASTER_TABLES[severity.value]
    letters = t.rows(severity.value)
    start = letters.index(letter)
    cell = table[letter][aql]
    if isinstance(cell, tuple):
        return letter, cell[0], cell[1]
    above = [letters[i] for i in range(start - 1, -1, -1)]
    below = [letters[i] for i in range(start + 1, len(letters))]
    for candidate in (above if cell == t.UP else below) + (below if cell == t.UP else []):
        found = table[candidate][aql]
        if isinstance(found, tuple):
            return candidate, found[0], found[1]
    raise AssertionError(f"no plan for {severity}/{letter}/{aql}")


def plan(lot_size: int, aql: float, level: str = "II", severity: Severity | str = Severity.NORMAL) -> Plan:
    """The single-sampling plan for one defect class."""
    severity = _severity(severity)
    letter = code_letter(lot_size, level)
    if aql < 0:
        raise AqlError("aql", "AQL must not be negative")
    if aql == 0:
        n = _sample_size(severity, letter)
        return _whole_lot(Plan(letter, letter, 0.0, severity, n, 0, 1), lot_size)
    return _whole_lot(letter_plan(letter, aql, severity), lot_size)


def letter_plan(letter: str, aql: float, severity: Severity | str = Severity.NORMAL) -> Plan:
    """The master table's plan for a code letter (Table I already applied), before the lot
    size caps the sample: what Tables II-A / II-B / II-C print once the arrows are followed."""
    severity = _severity(severity)
    if letter not in t.LETTERS:
        raise AqlError("code_letter", f"code letter must be one of {', '.join(t.LETTERS)}")
    value = standard_aql(aql)
    plan_letter, ac, re = _resolve(severity, letter, value)
    return Plan(letter, plan_letter, value, severity, _sample_size(severity, plan_letter), ac, re)


def _whole_lot(found: Plan, lot_size: int) -> Plan:
    if found.sample_size >= lot_size:
        return replace(found, sample_size=lot_size, hundred_percent=True)
    return found


def _severity(value: Severity | str) -> Severity:
    try:
        return Severity(value)
    except ValueError:
        raise AqlError("severity", "severity must be normal, tightened or reduced") from None


@dataclass(frozen=True)
class LotPlan:
    lot_size: int
    level: str
    severity: Severity
    code_letter: str
    sample_size: int  # units to draw: the largest of the classes' samples
    classes: dict[str, Plan]

    def as_dict(self) -> dict[str, object]:
        return {
            "lot_size": self.lot_size, "level": self.level, "severity": self.severity.value, "code_letter": self.code_letter,
            "sample_size": self.sample_size, "classes": {name: p.as_dict() for name, p in self.classes.items()},
        }


def lot_plan(lot_size: int, aqls: dict[str, float], level: str = "II", severity: Severity | str = Severity.NORMAL) -> LotPlan:
    """Plans for every defect class of a lot; AQL 0 classes inspect the lot's whole sample."""
    severity = _severity(severity)
    unknown = set(aqls) - set(SEVERITY_CLASSES)
    if unknown:
        raise AqlError("aqls", f"unknown defect classes: {', '.join(sorted(unknown))}")
    plans = {name: plan(lot_size, aql, level, severity) for name, aql in aqls.items()}
    positive = [p.sample_size for p in plans.values() if p.aql > 0]
    drawn = max(positive) if positive else max(p.sample_size for p in plans.values())
    for name, found in plans.items():
        if found.aql == 0:
            plans[name] = replace(found, sample_size=drawn, hundred_percent=drawn >= lot_size)
    return LotPlan(lot_size, level, severity, code_letter(lot_size, level), drawn, plans)


class Decision(enum.StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True)
class LotOutcome:
    decision: Decision
    # Z1.4 reduced inspection: a count above Ac but below Re accepts the lot and ends reduced inspection.
    reinstate_normal: bool
    per_class: dict[str, Decision]


def judged_counts(lot: LotPlan, nonconformities: dict[str, int], units: dict[str, int]) -> dict[str, int]:
    """What each class's plan is judged on: nonconforming units for AQLs of percent
    nonconforming (up to 10, and AQL 0), nonconformities for AQLs per hundred units."""
    return {
        name: (units if found.aql <= t.PERCENT_NONCONFORMING_MAX else nonconformities).get(name, 0)
        for name, found in lot.classes.items()
    }


def decide(lot: LotPlan, counts: dict[str, int]) -> LotOutcome:
    """Accept or reject from the number of nonconforming items (or nonconformities) per class."""
    per_class: dict[str, Decision] = {}
    reinstate = False
    for name, found in lot.classes.items():
        count = counts.get(name, 0)
        if count < 0:
            raise AqlError(f"counts/{name}", "a defect count must not be negative")
        if count <= found.ac:
            per_class[name] = Decision.ACCEPTED
        elif count >= found.re:
            per_class[name] = Decision.REJECTED
        else:
            per_class[name] = Decision.ACCEPTED
            reinstate = True
    rejected = any(d == Decision.REJECTED for d in per_class.values())
    return LotOutcome(Decision.REJECTED if rejected else Decision.ACCEPTED, reinstate and not rejected, per_class)


def tighter_aql(aql: float) -> float | None:
    """The next AQL one step tighter in the series (for the switching score)."""
    index = t.AQL_SERIES.index(standard_aql(aql))
    return t.AQL_SERIES[index - 1] if index else None


def switching_points(lot: LotPlan, counts: dict[str, int], accepted: bool) -> int | None:
    """ISO 2859-1:1999 9.3.3.2 switching score contribution of one lot on normal
    inspection; None resets the score. Ac >= 2: +3 if the lot would also have been accepted
    at the AQL one step tighter; Ac 0 or 1: +2 when accepted. Several classes: every class
    must earn points and the lot adds the smallest."""
    if not accepted:
        return None
    points: list[int] = []
    for name, found in lot.classes.items():
        if found.aql == 0:
            continue
        count = counts.get(name, 0)
        if found.ac >= 2:
            tighter = tighter_aql(found.aql)
            stricter = plan(lot.lot_size, tighter, lot.level, Severity.NORMAL) if tighter else None
            if stricter is None or count > stricter.ac:
                return None
            points.append(3)
        else:
            points.append(2)
    return min(points) if points else 2


@dataclass
class SwitchingState:
    """Where one supplier x product stands in the switching rules (ISO 2859-1 9.3, 9.4)."""

    severity: Severity = Severity.NORMAL
    recent_normal: list[bool] = field(default_factory=list)  # last <= 5 lots on normal, True = accepted
    tightened_accepted_run: int = 0
    tightened_rejections: int = 0  # lots not accepted since tightened inspection started
    switching_score: int = 0
    discontinued: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity.value, "recent_normal": list(self.recent_normal), "tightened_accepted_run": self.tightened_accepted_run,
            "tightened_rejections": self.tightened_rejections, "switching_score": self.switching_score, "discontinued": self.discontinued,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> SwitchingState:
        return cls(
            severity=Severity(str(data["severity"])), recent_normal=[bool(x) for x in data["recent_normal"]],  # type: ignore[attr-defined]
            tightened_accepted_run=int(data["tightened_accepted_run"]), tightened_rejections=int(data["tightened_rejections"]),  # type: ignore[call-overload]
            switching_score=int(data["switching_score"]), discontinued=bool(data["discontinued"]),  # type: ignore[call-overload]
        )


DISCONTINUE_AFTER = 5
REDUCED_SCORE = 30


@dataclass(frozen=True)
class SwitchContext:
    """What the standard leaves to people: steady production and the authority's approval
    (both needed to enter reduced inspection)."""

    production_steady: bool = True
    authority_approves_reduced: bool = False


def next_state(state: SwitchingState, accepted: bool, *, points: int | None = None, reinstate_normal: bool = False,
               context: SwitchContext = SwitchContext()) -> SwitchingState:
    """The state after one more lot inspected under `state.severity`; pure."""
    if state.discontinued:
        raise AqlError("state", "inspection under the standard is discontinued for this supplier and product")
    new = replace(state, recent_normal=list(state.recent_normal))
    if state.severity == Severity.NORMAL:
        new.recent_normal = (new.recent_normal + [accepted])[-5:]
        new.switching_score = 0 if points is None else new.switching_score + points
        if new.recent_normal.count(False) >= 2:
            return SwitchingState(severity=Severity.TIGHTENED)
        if new.switching_score >= REDUCED_SCORE and context.production_steady and context.authority_approves_reduced:
            return SwitchingState(severity=Severity.REDUCED)
        return new
    if state.severity == Severity.TIGHTENED:
        if accepted:
            new.tightened_accepted_run += 1
            if new.tightened_accepted_run >= 5:
                return SwitchingState(severity=Severity.NORMAL)
        else:
            new.tightened_accepted_run = 0
            new.tightened_rejections += 1
            if new.tightened_rejections >= DISCONTINUE_AFTER:
                new.discontinued = True
        return new
    # Reduced: back to normal on a rejection, on Z1.4's "accepted between Ac and Re", or when
    # production is irregular.
    if not accepted or reinstate_normal or not context.production_steady:
        return SwitchingState(severity=Severity.NORMAL)
    return new


def resume(state: SwitchingState) -> SwitchingState:
    """After the supplier has acted on a discontinuation, inspection resumes tightened (9.4)."""
    if not state.discontinued:
        raise AqlError("state", "inspection is not discontinued")
    return SwitchingState(severity=Severity.TIGHTENED)
