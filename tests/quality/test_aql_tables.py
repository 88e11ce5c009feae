"""Tables II-A / II-B / II-C cell by cell against an independent transcription, and
properties every plan must have for every lot size, inspection level, AQL and severity."""

from __future__ import annotations

from pathlib import Path

import pytest

from quality import aql
from quality import aql_tables as t
from quality.aql import Severity

REFERENCE = Path(__file__).parent / "data" / "z14_single_sampling.txt"
AQL_COLUMNS = (
    "0.010", "0.015", "0.025", "0.040", "0.065", "0.10", "0.15", "0.25", "0.40", "0.65", "1.0", "1.5", "2.5", "4.0", "6.5",
    "10", "15", "25", "40", "65", "100", "150", "250", "400", "650", "1000",
)


def _reference() -> dict[tuple[str, str, float], tuple[int, int, int]]:
    cells: dict[tuple[str, str, float], tuple[int, int, int]] = {}
    for line in REFERENCE.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        severity, letter, *plans = line.split()
        assert len(plans) == len(AQL_COLUMNS), line[:20]
        for column, text in zip(AQL_COLUMNS, plans, strict=True):
            n, ac, re = (int(x) for x in text.split("/"))
            cells[(severity, letter, float(column))] = (n, ac, re)
    return cells


REFERENCE_CELLS = _reference()


def test_the_reference_covers_every_cell() -> None:
    assert len(REFERENCE_CELLS) == 3 * 16 * 26
    assert {letter for _, letter, _ in REFERENCE_CELLS} == set(t.LETTERS)
    assert {value for _, _, value in REFERENCE_CELLS} == set(t.AQL_SERIES)


@pytest.mark.parametrize("severity", [s.value for s in Severity])
def test_every_cell_matches_the_transcription(severity: str) -> None:
    wrong = []
    for letter in t.LETTERS:
        for value in t.AQL_SERIES:
            found = aql.letter_plan(letter, value, severity)
            if (found.sample_size, found.ac, found.re) != REFERENCE_CELLS[(severity, letter, value)]:
                wrong.append((letter, value, (found.sample_size, found.ac, found.re), REFERENCE_CELLS[(severity, letter, value)]))
    assert wrong == []


# Cells the issue names, read off the published tables by hand (n, Ac, Re after the arrows).
@pytest.mark.parametrize(("lot", "level", "value", "severity", "expected"), [
    (150, "II", 1.0, "tightened", ("F", "F", 20, 0, 1)),  # was G n=32 0/1: the Ac 0 diagonal one column off
    (50, "II", 2.5, "tightened", ("D", "D", 8, 0, 1)),
    (1200, "II", 0.25, "tightened", ("J", "J", 80, 0, 1)),
    (1200, "II", 0.40, "tightened", ("J", "L", 200, 1, 2)),  # two down arrows after the Ac 0 plan
    (150, "II", 100, "normal", ("F", "E", 13, 21, 22)),  # rows F-R stop at 21/22: arrow up
    (280, "II", 150, "normal", ("G", "E", 13, 30, 31)),
    (150, "II", 100, "tightened", ("F", "E", 13, 18, 19)),
    (90, "II", 150, "normal", ("E", "E", 13, 30, 31)),  # row E still prints the wide plans
    (600000, "III", 0.015, "normal", ("R", "P", 800, 0, 1)),  # R at 0.015 points up
    (600000, "III", 0.025, "normal", ("R", "R", 2000, 1, 2)),
    (600000, "III", 0.015, "tightened", ("R", "Q", 1250, 0, 1)),
    (600000, "III", 0.010, "tightened", ("R", "R", 2000, 0, 1)),
    (600000, "III", 0.015, "reduced", ("R", "P", 315, 0, 1)),
])
def test_cells_named_in_the_issue(lot: int, level: str, value: float, severity: str, expected: tuple) -> None:
    found = aql.plan(lot, value, level, severity)
    assert (found.code_letter, found.plan_letter, found.sample_size, found.ac, found.re) == expected


def test_row_s_of_the_tightened_table() -> None:
    found = aql.plan(600000, 0.025, "III", "tightened")  # R, down to S
    assert (found.code_letter, found.plan_letter, found.sample_size, found.ac, found.re) == ("R", "S", 3150, 1, 2)
    # Row S prints only that plan; no other cell of any code letter leads there.
    reached = {(letter, value) for letter in t.LETTERS for value in t.AQL_SERIES if aql.letter_plan(letter, value, "tightened").plan_letter == "S"}
    assert reached == {("Q", 0.025), ("R", 0.025)}


def _lot_sizes() -> list[int]:
    """Both ends of every Table I range, a size inside it, and a very large lot."""
    sizes = set()
    for low, high in t.LOT_RANGES:
        sizes |= {low, high or 10_000_000, (low + (high or 2 * low)) // 2}
    return sorted(sizes)


LOT_SIZES = _lot_sizes()


def test_lot_sizes_cover_every_code_letter_range() -> None:
    assert len(LOT_SIZES) == 45
    for level in t.LEVELS:
        assert {aql.code_letter(lot, level) for lot in LOT_SIZES} == set(t.CODE_LETTERS[level])


@pytest.mark.parametrize("severity", [s.value for s in Severity])
def test_every_plan_is_well_formed(severity: str) -> None:
    """Every lot size x level x AQL: the arrows end at a printed plan, Ac < Re, the sample is
    the plan row's own, capped at the lot (100% inspection), and single sampling's Re = Ac + 1
    on normal and tightened inspection (Z1.4's reduced table keeps a gap of at most 3)."""
    table = t.MASTER_TABLES[severity]
    sizes = t.REDUCED_SAMPLE_SIZES if severity == "reduced" else {**t.SAMPLE_SIZES, t.EXTRA_ROW: t.EXTRA_ROW_SAMPLE_SIZE}
    checked = 0
    for lot in LOT_SIZES:
        for level in t.LEVELS:
            for value in t.AQL_SERIES:
                found = aql.plan(lot, value, level, severity)
                assert table[found.plan_letter][value] == (found.ac, found.re)
                assert 0 <= found.ac < found.re
                if severity == "reduced":
                    assert found.re - found.ac <= 3
                else:
                    assert found.re == found.ac + 1
                printed_n = sizes[found.plan_letter]
                assert found.sample_size == min(printed_n, lot)
                assert found.hundred_percent == (printed_n >= lot)
                if value <= t.PERCENT_NONCONFORMING_MAX and not found.hundred_percent:
                    assert found.ac < found.sample_size  # percent nonconforming: at most n units can fail
                checked += 1
    assert checked == len(LOT_SIZES) * 7 * 26


def test_arrows_point_to_plans_inside_the_table() -> None:
    for severity in ("normal", "tightened", "reduced"):
        letters = t.rows(severity)
        for value in t.AQL_SERIES:
            column = [t.MASTER_TABLES[severity][letter][value] for letter in letters]
            for index, cell in enumerate(column):
                if cell == t.DOWN:
                    assert any(isinstance(c, tuple) for c in column[index + 1:]), (severity, letters[index], value)
                elif cell == t.UP and index > 0:
                    assert any(isinstance(c, tuple) for c in column[:index]), (severity, letters[index], value)


@pytest.mark.parametrize("severity", [s.value for s in Severity])
def test_a_looser_aql_never_lowers_the_acceptance_number(severity: str) -> None:
    for letter in t.LETTERS:
        acs = [aql.letter_plan(letter, value, severity).ac for value in t.AQL_SERIES]
        assert acs == sorted(acs), (letter, acs)


@pytest.mark.parametrize("severity", [s.value for s in Severity])
def test_a_larger_code_letter_never_draws_a_smaller_sample(severity: str) -> None:
    for value in t.AQL_SERIES:
        ns = [aql.letter_plan(letter, value, severity).sample_size for letter in t.LETTERS]
        assert ns == sorted(ns), (value, ns)


def test_tightened_is_never_looser_and_reduced_never_draws_more_than_normal() -> None:
    for letter in t.LETTERS:
        for value in t.AQL_SERIES:
            normal = aql.letter_plan(letter, value)
            tightened = aql.letter_plan(letter, value, "tightened")
            reduced = aql.letter_plan(letter, value, "reduced")
            assert tightened.sample_size >= normal.sample_size, (letter, value)
            if tightened.sample_size == normal.sample_size:
                assert tightened.ac <= normal.ac, (letter, value)
            assert reduced.sample_size <= normal.sample_size, (letter, value)


def test_letter_plan_rejects_unknown_letters() -> None:
    with pytest.raises(aql.AqlError) as error:
        aql.letter_plan("I", 1.0)
    assert error.value.field == "code_letter"
