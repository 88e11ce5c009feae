"""ISO 2859-1 (= ANSI/ASQ Z1.4 = MIL-STD-105E) single-sampling tables, as data.

Table I (sample-size code letters) is transcribed literally. The master tables II-A (normal),
II-B (tightened) and II-C (reduced) follow a staircase: along every diagonal (one code letter
down, one AQL step left) the printed cell is the same, because both the sample sizes and the
AQL series grow by ~10**0.2 per step. So a table is the sequence of cells along one row,
anchored at the diagonal where Ac = 0, plus what the printed tables do at their edges:

- the plans above Ac 21 (normal), 18 (tightened) or 10 (reduced) exist only in the
  nonconformities-per-hundred-units columns (AQL >= 100) and only in rows A-E; from row F
  down those columns point up (F at AQL 100 uses E's 21/22 on normal inspection);
- an arrow that would leave the bottom of a table points up instead (row R at AQL 0.015);
  an up arrow in row A (normal and reduced, AQL 10) has no plan above and is followed down,
  to the first plan below;
- tightened inspection has a row S (n = 3150) below R, with its only plan, 1/2, at AQL 0.025;
  its row A has no Ac 0 plan (the cell at AQL 10 points down);
- reduced inspection draws 2 units for rows A, B and C; rows A and B print, from AQL 25 on,
  the normal plans of a 2-unit sample (row B steps between: 1/3, 2/4, 3/5), not the staircase.

Source, and how it was checked: the resolved plan (n, Ac, Re after the arrows) of every code
letter x AQL x severity is compared, cell by cell, with an independent transcription of
ANSI/ASQ Z1.4 Tables II-A/B/C: the AQLSchemes R package (J. Lawson), as carried by
github.com/fjgonzalezmgt/AQLSchemesCust, R/AAZ14Single.R (commit c42ea7df). The test data
file tests/quality/data/z14_single_sampling.txt holds that transcription, and the cells it
disputes with the staircase were checked against two renderings of MIL-STD-105E: the row
sequences of Table II-A in a text copy of MIL-STD-105E (rows F-R end at 21/22; row R starts
with a single 1/2, so R at 0.015 is an arrow) and the NIBS ASCII tables 1-A / 1-B of
MIL-STD-105E Tables II-A / II-B (the tightened Ac 0 diagonal: F at AQL 1.0 is 0/1, n = 20;
the two cells after it point down). See docs/quality-sampling.md.

Reduced inspection follows ANSI/ASQ Z1.4 Table II-C (the 1999 ISO edition removed the gap
between Ac and Re there; Z1.4 keeps it, and aql.decide() applies its rule: a count above Ac
but below Re accepts the lot and reinstates normal inspection).
"""

from __future__ import annotations

from typing import Final

LETTERS: Final = "ABCDEFGHJKLMNPQR"
SAMPLE_SIZES: Final = {
    "A": 2, "B": 3, "C": 5, "D": 8, "E": 13, "F": 20, "G": 32, "H": 50,
    "J": 80, "K": 125, "L": 200, "M": 315, "N": 500, "P": 800, "Q": 1250, "R": 2000,
}
# Table II-C: reduced sample size per code letter (about 2/5 of normal).
REDUCED_SAMPLE_SIZES: Final = {
    "A": 2, "B": 2, "C": 2, "D": 3, "E": 5, "F": 8, "G": 13, "H": 20,
    "J": 32, "K": 50, "L": 80, "M": 125, "N": 200, "P": 315, "Q": 500, "R": 800,
}
# Table II-B has one extra row below R; no lot draws it as its code letter, only arrows lead there.
EXTRA_ROW: Final = "S"
EXTRA_ROW_SAMPLE_SIZE: Final = 3150

# Percent nonconforming up to 10; nonconformities per hundred units above.
AQL_SERIES: Final = (
    0.010, 0.015, 0.025, 0.040, 0.065, 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5,
    10.0, 15.0, 25.0, 40.0, 65.0, 100.0, 150.0, 250.0, 400.0, 650.0, 1000.0,
)
PERCENT_NONCONFORMING_MAX: Final = 10.0

LOT_RANGES: Final = (
    (2, 8), (9, 15), (16, 25), (26, 50), (51, 90), (91, 150), (151, 280), (281, 500),
    (501, 1200), (1201, 3200), (3201, 10000), (10001, 35000), (35001, 150000),
    (150001, 500000), (500001, None),
)
# Table I, one letter per lot range above.
CODE_LETTERS: Final = {
    "S-1": "AAAABBBBCCCCDDD",
    "S-2": "AAABBBCCCDDDEEE",
    "S-3": "AABBCCDDEEFFGGH",
    "S-4": "AABCCDEEFGGHJJK",
    "I": "AABCCDEFGHJKLMN",
    "II": "ABCDEFGHJKLMNPQ",
    "III": "BCDEFGHJKLMNPQR",
}
LEVELS: Final = tuple(CODE_LETTERS)

UP: Final = "up"
DOWN: Final = "down"
Cell = tuple[int, int] | str

# The wide plans (second list below) are printed only from AQL 100 on and only in rows A-E.
_WIDE_FROM_COLUMN: Final = AQL_SERIES.index(100.0)
_WIDE_LAST_ROW: Final = LETTERS.index("E")

# Cells along a row, starting at the diagonal where Ac = 0; the second list continues the
# row where wide plans are printed. Beyond the end of a row the table points up.
_ROW_PATTERN: Final[dict[str, tuple[list[Cell], list[Cell]]]] = {
    "normal": ([(0, 1), UP, DOWN, (1, 2), (2, 3), (3, 4), (5, 6), (7, 8), (10, 11), (14, 15), (21, 22)], [(30, 31), (44, 45)]),
    "tightened": ([(0, 1), DOWN, DOWN, (1, 2), (2, 3), (3, 4), (5, 6), (8, 9), (12, 13), (18, 19)], [(27, 28), (41, 42)]),
    "reduced": ([(0, 1), UP, DOWN, (0, 2), (1, 3), (1, 4), (2, 5), (3, 6), (5, 8), (7, 10), (10, 13)], [(14, 17), (21, 24)]),
}
# Row index + column index of the Ac = 0 diagonal: normal J (row 8) at AQL 0.15 (column 6);
# tightened one AQL step further right (J at 0.25); reduced as normal, on its smaller samples.
_ZERO_DIAGONAL: Final = {"normal": 14, "tightened": 15, "reduced": 14}

# Printed cells that do not follow the staircase (see the module docstring).
_REDUCED_SMALL_SAMPLE: Final[dict[str, list[Cell]]] = {
    # AQL 25, 40, 65, 100, 150, 250, 400, 650, 1000
    "A": [(1, 2), (2, 3), (3, 4), (5, 6), (7, 8), (10, 11), (14, 15), (21, 22), (30, 31)],
    "B": [(1, 3), (2, 4), (3, 5), (5, 6), (7, 8), (10, 11), (14, 15), (21, 22), (30, 31)],
}
_PRINTED_EXCEPTIONS: Final[dict[tuple[str, str, float], Cell]] = {
    ("tightened", "A", 10.0): DOWN,
    ("tightened", EXTRA_ROW, 0.025): (1, 2),
    **{("reduced", letter, aql): cell for letter, cells in _REDUCED_SMALL_SAMPLE.items() for aql, cell in zip(AQL_SERIES[17:], cells, strict=True)},
}


def rows(severity: str) -> str:
    """The row letters of a master table, top to bottom."""
    return LETTERS + EXTRA_ROW if severity == "tightened" else LETTERS


def _staircase(severity: str, row: int, column: int) -> Cell:
    offset = row + column - _ZERO_DIAGONAL[severity]
    if offset < 0:
        return DOWN
    body, wide = _ROW_PATTERN[severity]
    if offset < len(body):
        return body[offset]
    wide_offset = offset - len(body)
    if column >= _WIDE_FROM_COLUMN and row <= _WIDE_LAST_ROW and wide_offset < len(wide):
        return wide[wide_offset]
    return UP


def _build(severity: str) -> dict[str, dict[float, Cell]]:
    letters = rows(severity)
    table: dict[str, dict[float, Cell]] = {}
    for row, letter in enumerate(letters):
        cells: dict[float, Cell] = {}
        for column, aql in enumerate(AQL_SERIES):
            printed = _PRINTED_EXCEPTIONS.get((severity, letter, aql))
            if printed is None:
                # Row S prints a single plan; its other cells are never reached.
                printed = UP if letter == EXTRA_ROW else _staircase(severity, row, column)
            cells[aql] = printed
        table[letter] = cells
    # A down arrow whose column has no plan below it: the printed table points up instead.
    for aql in AQL_SERIES:
        below_has_plan = False
        for letter in reversed(letters):
            cell = table[letter][aql]
            if isinstance(cell, tuple):
                below_has_plan = True
            elif cell == DOWN and not below_has_plan:
                table[letter][aql] = UP
            elif cell == UP:
                below_has_plan = False
    return table


MASTER_TABLES: Final = {severity: _build(severity) for severity in ("normal", "tightened", "reduced")}
