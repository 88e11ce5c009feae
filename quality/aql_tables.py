"""ISO 2859-1 (= ANSI/ASQ Z1.4 = MIL-STD-105E) single-sampling tables, as data.

Table 1 (sample-size code letters) is transcribed literally. The master tables 2-A
(normal), 2-B (tightened) and 2-C (reduced) are built from the staircase the printed
tables follow: along every diagonal (one code letter down, one AQL step left) the cell is
the same, because both the sample sizes and the AQL series grow by ~10**0.2 per step. So a
table is the sequence of cells along one row, anchored at the diagonal where Ac = 0, plus
the printed exceptions at the edges (kept in `_EDGE_CELLS`). tests/quality/test_aql.py
compares many cells with the published tables.

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
# Table 2-C: reduced sample size per code letter (about 2/5 of normal).
REDUCED_SAMPLE_SIZES: Final = {
    "A": 2, "B": 2, "C": 2, "D": 3, "E": 5, "F": 8, "G": 13, "H": 20,
    "J": 32, "K": 50, "L": 80, "M": 125, "N": 200, "P": 315, "Q": 500, "R": 800,
}
# Table 2-B has one extra row below R, used only at AQL 0.010 on tightened inspection.
TIGHTENED_EXTRA_ROW: Final = ("S", 3150, (1, 2))

# Percent nonconforming up to 10; nonconformities per hundred units above.
AQL_SERIES: Final = (
    0.010, 0.015, 0.025, 0.040, 0.065, 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5,
    10.0, 15.0, 25.0, 40.0, 65.0, 100.0, 150.0, 250.0, 400.0, 650.0, 1000.0,
)

LOT_RANGES: Final = (
    (2, 8), (9, 15), (16, 25), (26, 50), (51, 90), (91, 150), (151, 280), (281, 500),
    (501, 1200), (1201, 3200), (3201, 10000), (10001, 35000), (35001, 150000),
    (150001, 500000), (500001, None),
)
# Table 1, one letter per lot range above.
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

# The first column index (0 = AQL 0.010) at which Ac/Re numbers above 21 (normal), 18
# (tightened) or 10 (reduced) are printed: only the nonconformities-per-hundred columns >= 100.
_WIDE_FROM: Final = AQL_SERIES.index(100.0)

# Cells along a row, starting at the diagonal where Ac = 0; the second list continues the
# row only in the columns >= AQL 100. Beyond the end of a row the table points up.
_ROW_PATTERN: Final[dict[str, tuple[list[Cell], list[Cell]]]] = {
    "normal": ([(0, 1), UP, DOWN, (1, 2), (2, 3), (3, 4), (5, 6), (7, 8), (10, 11), (14, 15), (21, 22)], [(30, 31), (44, 45)]),
    "tightened": ([(0, 1), DOWN, (1, 2), (2, 3), (3, 4), (5, 6), (8, 9), (12, 13), (18, 19)], [(27, 28), (41, 42)]),
    "reduced": ([(0, 1), UP, DOWN, (0, 2), (1, 3), (1, 4), (2, 5), (3, 6), (5, 8), (7, 10), (10, 13)], [(14, 17), (21, 24)]),
}
# Row index + column index of the Ac = 0 diagonal (normal: J at 0.15 -> 8 + 6).
_ZERO_DIAGONAL: Final = {"normal": 14, "tightened": 16, "reduced": 14}

# Where the staircase meets the edge of the printed table, the table prints a plan instead
# of an arrow that would leave it: row R continues with its next plan.
_EDGE_CELLS: Final[dict[tuple[str, str, float], tuple[int, int]]] = {
    ("normal", "R", 0.015): (1, 2),
    ("tightened", "R", 0.025): (1, 2),
    ("reduced", "R", 0.015): (0, 2),
}


def _cell(severity: str, row: int, column: int) -> Cell:
    offset = row + column - _ZERO_DIAGONAL[severity]
    if offset < 0:
        return DOWN
    body, wide = _ROW_PATTERN[severity]
    if offset < len(body):
        return body[offset]
    wide_offset = offset - len(body)
    if column >= _WIDE_FROM and wide_offset < len(wide):
        return wide[wide_offset]
    return UP


def _build(severity: str) -> dict[str, dict[float, Cell]]:
    table: dict[str, dict[float, Cell]] = {}
    for row, letter in enumerate(LETTERS):
        table[letter] = {aql: _EDGE_CELLS.get((severity, letter, aql)) or _cell(severity, row, column) for column, aql in enumerate(AQL_SERIES)}
    # Row A has no row above: its arrows all point down (the printed tables show this).
    table["A"] = {aql: (DOWN if cell == UP else cell) for aql, cell in table["A"].items()}
    return table


MASTER_TABLES: Final = {severity: _build(severity) for severity in ("normal", "tightened", "reduced")}
