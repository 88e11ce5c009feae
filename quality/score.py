"""Supplier quality score: a Bayesian estimate of each supplier's nonconforming rate per
process from its inspection-lot history, with older lots counting less. Pure.

Model: the nonconforming rate theta of a (supplier, process) has a Beta(a0, b0) prior
(default a0 = 1, b0 = 49: a prior mean of 2% worth 50 inspected units). Each lot i adds its
nonconforming units d_i out of n_i sampled, weighted by w_i = 0.5 ** (age_i / half_life):
    a = a0 + sum(w_i d_i),  b = b0 + sum(w_i (n_i - d_i))
(a power-prior / discounted Beta-Binomial update). The posterior mean a / (a + b) is the
estimated rate and the equal-tailed credible interval comes from the Beta quantiles.

Score for matching, in [0, 1]: score = 1 - upper credible bound of theta, scaled by the
rate the buyer tolerates: score = clamp(1 - upper / tolerance, 0, 1) with tolerance 10% by
default. Using the upper bound makes an uncertain (new) supplier score below a proven one
with the same mean, and a rejected lot lowers the score at once. With no history the score
is the prior's (about 0.35 with the defaults); orders.min_quality_score (0-100) compares
with round(100 * score).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from scipy.stats import beta as beta_dist

DAY = 86_400.0


@dataclass(frozen=True)
class LotRecord:
    org_id: object
    process: str
    inspected_at: datetime
    sample_size: int
    nonconforming: int


@dataclass(frozen=True)
class ScoreParams:
    half_life_days: float = 90.0
    prior_alpha: float = 1.0
    prior_beta: float = 49.0
    credible_mass: float = 0.90
    tolerance: float = 0.10


@dataclass(frozen=True)
class SupplierScore:
    org_id: object
    process: str
    lots: int
    effective_units: float  # decayed sample size the estimate rests on
    rate_mean: float
    rate_low: float
    rate_high: float
    score: float

    def as_dict(self) -> dict[str, object]:
        return {
            "org_id": str(self.org_id), "process": self.process, "lots": self.lots, "effective_units": round(self.effective_units, 3),
            "rate_mean": self.rate_mean, "rate_low": self.rate_low, "rate_high": self.rate_high, "score": self.score,
        }


def estimate(org_id: object, process: str, lots: Iterable[LotRecord], now: datetime, params: ScoreParams = ScoreParams()) -> SupplierScore:
    if params.half_life_days <= 0:
        raise ValueError("half-life must be positive")
    a, b = params.prior_alpha, params.prior_beta
    count = 0
    units = 0.0
    for lot in lots:
        if lot.nonconforming < 0 or lot.nonconforming > lot.sample_size:
            raise ValueError("nonconforming must lie between 0 and the sample size")
        age_days = max(0.0, (now - lot.inspected_at).total_seconds() / DAY)
        weight = 0.5 ** (age_days / params.half_life_days)
        a += weight * lot.nonconforming
        b += weight * (lot.sample_size - lot.nonconforming)
        units += weight * lot.sample_size
        count += 1
    tail = (1 - params.credible_mass) / 2
    low, high = (float(x) for x in beta_dist.ppf([tail, 1 - tail], a, b))
    mean = a / (a + b)
    score = min(1.0, max(0.0, 1 - high / params.tolerance))
    return SupplierScore(org_id, process, count, units, mean, low, high, score)


def scores(lots: Iterable[LotRecord], now: datetime, params: ScoreParams = ScoreParams()) -> dict[tuple[object, str], SupplierScore]:
    """{(org_id, process): score} for every pair with history."""
    grouped: dict[tuple[object, str], list[LotRecord]] = {}
    for lot in lots:
        grouped.setdefault((lot.org_id, lot.process), []).append(lot)
    return {key: estimate(key[0], key[1], history, now, params) for key, history in grouped.items()}
