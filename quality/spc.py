"""Attribute control charts: p-charts (fraction nonconforming, variable sample size) and
c-charts (nonconformities per inspected unit of constant size), with the Western Electric /
Nelson run rules that make sense for attribute data. Pure: no database, no web.

Limits are Shewhart 3-sigma limits with the centre line estimated from the points given
(phase I); a lower limit below zero is clipped to zero. Zones for the run rules use each
point's own sigma (for a p-chart with variable n, sigma differs point to point), so the
rules are evaluated on the standardised value z = (x - centre) / sigma.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ChartPoint:
    index: int
    value: float  # p (fraction) or c (count)
    centre: float
    lcl: float
    ucl: float
    z: float  # standardised distance from the centre line


@dataclass(frozen=True)
class Signal:
    rule: int  # Nelson rule number (1-8; 1-4 are the Western Electric rules)
    index: int  # the point at which the rule fires
    description: str


@dataclass(frozen=True)
class Chart:
    kind: str  # "p" or "c"
    centre: float
    points: list[ChartPoint]
    signals: list[Signal]

    @property
    def in_control(self) -> bool:
        return not self.signals


RULES = {
    1: "one point beyond 3 sigma",
    2: "nine points in a row on one side of the centre line",
    3: "six points in a row steadily increasing or decreasing",
    4: "fourteen points in a row alternating up and down",
    5: "two of three points in a row beyond 2 sigma on the same side",
    6: "four of five points in a row beyond 1 sigma on the same side",
    7: "fifteen points in a row within 1 sigma",
    8: "eight points in a row beyond 1 sigma on either side",
}


def p_chart(defectives: Sequence[int], sample_sizes: Sequence[int], *, rules: Sequence[int] = (1, 2, 3, 4, 5, 6)) -> Chart:
    """p-chart with variable n: centre p-bar = sum(d) / sum(n), sigma_i = sqrt(p-bar (1 - p-bar) / n_i)."""
    if len(defectives) != len(sample_sizes):
        raise ValueError("one sample size per point")
    if not defectives:
        raise ValueError("a chart needs at least one point")
    if any(n <= 0 for n in sample_sizes) or any(d < 0 or d > n for d, n in zip(defectives, sample_sizes, strict=True)):
        raise ValueError("each point needs 0 <= defectives <= sample size and sample size > 0")
    centre = sum(defectives) / sum(sample_sizes)
    points = []
    for i, (d, n) in enumerate(zip(defectives, sample_sizes, strict=True)):
        sigma = math.sqrt(centre * (1 - centre) / n)
        value = d / n
        points.append(_point(i, value, centre, sigma, upper_bound=1.0))
    return Chart("p", centre, points, run_rules(points, rules))


def c_chart(counts: Sequence[int], *, rules: Sequence[int] = (1, 2, 3, 4, 5, 6)) -> Chart:
    """c-chart: centre c-bar = mean count, sigma = sqrt(c-bar)."""
    if not counts:
        raise ValueError("a chart needs at least one point")
    if any(c < 0 for c in counts):
        raise ValueError("counts must not be negative")
    centre = sum(counts) / len(counts)
    sigma = math.sqrt(centre)
    points = [_point(i, float(c), centre, sigma, upper_bound=math.inf) for i, c in enumerate(counts)]
    return Chart("c", centre, points, run_rules(points, rules))


def _point(index: int, value: float, centre: float, sigma: float, *, upper_bound: float) -> ChartPoint:
    lcl = max(0.0, centre - 3 * sigma)
    ucl = min(upper_bound, centre + 3 * sigma)
    if sigma == 0:
        z = 0.0 if value == centre else math.copysign(math.inf, value - centre)
    else:
        z = (value - centre) / sigma
    return ChartPoint(index, value, centre, lcl, ucl, z)


def run_rules(points: Sequence[ChartPoint], rules: Sequence[int] = (1, 2, 3, 4, 5, 6)) -> list[Signal]:
    """Every (rule, point) where a rule fires; a run reports each point that completes it."""
    z = [p.z for p in points]
    signals: list[Signal] = []

    def fire(rule: int, index: int) -> None:
        signals.append(Signal(rule, index, RULES[rule]))

    for i in range(len(z)):
        if 1 in rules and (z[i] > 3 or z[i] < -3 or points[i].value > points[i].ucl or points[i].value < points[i].lcl):
            fire(1, i)
        if 2 in rules and i >= 8:
            window = z[i - 8 : i + 1]
            if all(v > 0 for v in window) or all(v < 0 for v in window):
                fire(2, i)
        if 3 in rules and i >= 5:
            window = [p.value for p in points[i - 5 : i + 1]]
            steps = [b - a for a, b in zip(window, window[1:], strict=False)]
            if all(s > 0 for s in steps) or all(s < 0 for s in steps):
                fire(3, i)
        if 4 in rules and i >= 13:
            window = [p.value for p in points[i - 13 : i + 1]]
            steps = [b - a for a, b in zip(window, window[1:], strict=False)]
            if all(s != 0 for s in steps) and all((a > 0) != (b > 0) for a, b in zip(steps, steps[1:], strict=False)):
                fire(4, i)
        if 5 in rules and i >= 2 and _k_of_n_beyond(z[i - 2 : i + 1], 2, 2):
            fire(5, i)
        if 6 in rules and i >= 4 and _k_of_n_beyond(z[i - 4 : i + 1], 4, 1):
            fire(6, i)
        if 7 in rules and i >= 14 and all(abs(v) < 1 for v in z[i - 14 : i + 1]):
            fire(7, i)
        if 8 in rules and i >= 7 and all(abs(v) > 1 for v in z[i - 7 : i + 1]):
            fire(8, i)
    return signals


def _k_of_n_beyond(window: Sequence[float], k: int, limit: float) -> bool:
    # The standard wording: k of n beyond `limit` sigma on the same side, the last point among them.
    last = window[-1]
    if abs(last) <= limit:
        return False
    side = 1 if last > 0 else -1
    return sum(1 for v in window if v * side > limit) >= k
