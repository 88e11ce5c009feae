"""Property tests of ISO 2859-1 single sampling (hypothesis) over any lot size, inspection
level, AQL and severity, beside test_aql_tables.py's exhaustive walk over one lot size per
Table I range: the properties follow from the standard's structure, not from today's output."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from quality import aql
from quality import aql_tables as t

lot_sizes = st.integers(min_value=2, max_value=2_000_000)
levels = st.sampled_from(t.LEVELS)
aqls = st.sampled_from(t.AQL_SERIES)
severities = st.sampled_from(["normal", "tightened", "reduced"])
SETTINGS = settings(max_examples=400, deadline=None)


@SETTINGS
@given(lot_sizes, lot_sizes, levels, aqls, severities)
def test_a_larger_lot_never_draws_a_smaller_sample(a: int, b: int, level: str, value: float, severity: str) -> None:
    small, large = sorted((a, b))
    assert aql.plan(small, value, level, severity).sample_size <= aql.plan(large, value, level, severity).sample_size


@SETTINGS
@given(lot_sizes, levels, aqls, severities)
def test_every_plan_is_a_printed_plan_with_ac_below_re(lot: int, level: str, value: float, severity: str) -> None:
    found = aql.plan(lot, value, level, severity)
    # Arrows resolve to a real plan: the row they end in prints exactly (Ac, Re) in this AQL column.
    assert t.MASTER_TABLES[severity][found.plan_letter][value] == (found.ac, found.re)
    assert 0 <= found.ac < found.re
    assert 1 <= found.sample_size <= lot and found.hundred_percent == (found.sample_size == lot)
    # The code letter is Table I's for the lot size, and the plan row lies in the direction of the arrow.
    ranges = [t.LOT_RANGES[i] for i, letter in enumerate(t.CODE_LETTERS[level]) if letter == found.code_letter]
    assert any(low <= lot and (high is None or lot <= high) for low, high in ranges)
    letters = t.rows(severity)
    cell = t.MASTER_TABLES[severity][found.code_letter][value]
    if cell == t.DOWN:
        assert letters.index(found.plan_letter) > letters.index(found.code_letter)
    elif cell == t.UP and found.code_letter != letters[0]:
        assert letters.index(found.plan_letter) < letters.index(found.code_letter)
    elif isinstance(cell, tuple):
        assert found.plan_letter == found.code_letter


@SETTINGS
@given(lot_sizes, levels, severities, st.integers(min_value=0, max_value=len(t.AQL_SERIES) - 2))
def test_a_looser_aql_never_accepts_less(lot: int, level: str, severity: str, index: int) -> None:
    """Where two neighbouring AQLs draw the same sample, the looser one's Ac is at least as
    large (across an arrow the sample itself changes; test_aql_tables covers the rows)."""
    tight, loose = (aql.plan(lot, t.AQL_SERIES[i], level, severity) for i in (index, index + 1))
    if tight.sample_size == loose.sample_size:
        assert loose.ac >= tight.ac


@SETTINGS
@given(lot_sizes, levels, aqls, severities, st.integers(min_value=0, max_value=2000))
def test_the_decision_is_monotone_in_the_count(lot: int, level: str, value: float, severity: str, count: int) -> None:
    lot_plan = aql.lot_plan(lot, {"major": value}, level, severity)
    found = lot_plan.classes["major"]
    outcome = aql.decide(lot_plan, {"major": count})
    assert (outcome.decision == aql.Decision.ACCEPTED) == (count < found.re)
    if count >= found.re:  # one more never turns a rejection into an acceptance
        assert aql.decide(lot_plan, {"major": count + 1}).decision == aql.Decision.REJECTED
    if count <= found.ac and count > 0:
        assert aql.decide(lot_plan, {"major": count - 1}).decision == aql.Decision.ACCEPTED


@SETTINGS
@given(lot_sizes, levels, aqls)
def test_tightened_never_looser_than_normal_reduced_never_larger(lot: int, level: str, value: float) -> None:
    normal, tightened, reduced = (aql.plan(lot, value, level, s) for s in ("normal", "tightened", "reduced"))
    assert tightened.sample_size >= normal.sample_size and reduced.sample_size <= normal.sample_size
    if tightened.sample_size == normal.sample_size:
        assert tightened.ac <= normal.ac


@SETTINGS
@given(lot_sizes, levels, severities, st.dictionaries(st.sampled_from(aql.SEVERITY_CLASSES), st.sampled_from((0.0, *t.AQL_SERIES)), min_size=1))
def test_a_lot_draws_the_largest_sample_of_its_classes(lot: int, level: str, severity: str, values: dict[str, float]) -> None:
    lot_plan = aql.lot_plan(lot, values, level, severity)
    positive = [aql.plan(lot, v, level, severity).sample_size for v in values.values() if v > 0]
    assert lot_plan.sample_size == (max(positive) if positive else aql.plan(lot, 0.0, level, severity).sample_size)
    for name, found in lot_plan.classes.items():
        if values[name] == 0:
            assert (found.ac, found.re, found.sample_size) == (0, 1, lot_plan.sample_size)
