"""ISO 2859-1 plans: code letters, arrows, 100% inspection, lot decisions and
the switching rules run as sequences of lots."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from quality import aql
from quality.aql import Severity, SwitchContext, SwitchingState, next_state

# (lot size, level, letter) from Table 1.
CODE_LETTERS = [
    (2, "II", "A"), (8, "II", "A"), (9, "II", "B"), (15, "II", "B"), (16, "II", "C"), (50, "II", "D"), (90, "II", "E"),
    (100, "II", "F"), (280, "II", "G"), (500, "II", "H"), (501, "II", "J"), (1200, "II", "J"), (1201, "II", "K"),
    (3200, "II", "K"), (10000, "II", "L"), (35000, "II", "M"), (150000, "II", "N"), (500000, "II", "P"), (500001, "II", "Q"),
    (1200, "I", "G"), (1200, "III", "K"), (1200, "S-1", "C"), (1200, "S-2", "C"), (1200, "S-3", "E"), (1200, "S-4", "F"),
    (100, "I", "D"), (100, "III", "G"), (5000, "I", "J"), (5000, "III", "M"), (5000, "S-4", "G"), (5000, "S-3", "F"),
    (2, "III", "B"), (600000, "III", "R"), (600000, "S-1", "D"), (600000, "S-2", "E"), (600000, "S-3", "H"), (600000, "S-4", "K"),
    (40, "S-1", "A"), (60, "S-1", "B"), (60, "S-2", "B"), (200, "S-2", "C"), (20000, "S-2", "D"), (20000, "S-1", "C"),
]


@pytest.mark.parametrize(("lot", "level", "letter"), CODE_LETTERS)
def test_code_letters(lot: int, level: str, letter: str) -> None:
    assert aql.code_letter(lot, level) == letter


def test_the_worked_example() -> None:
    found = aql.plan(1200, 1.0)  # lot 1200, level II: J, n=80, Ac 2 Re 3
    assert (found.code_letter, found.plan_letter, found.sample_size, found.ac, found.re, found.hundred_percent) == ("J", "J", 80, 2, 3, False)


# Arrows: the plan and the sample size come from the row the arrow points at.
ARROWS = [
    (1200, 0.25, "J", "H", 50, 0, 1),  # up
    (1200, 0.40, "J", "K", 125, 1, 2),  # down
    (1200, 0.10, "J", "K", 125, 0, 1),  # down to the first plan
    (3000, 0.010, "K", "Q", 1250, 0, 1),
    (1200, 25, "J", "H", 50, 21, 22),  # past the end of the row: up
    (150, 1.0, "F", "E", 13, 0, 1),
    (150, 1.5, "F", "G", 32, 1, 2),
    (280, 0.65, "G", "F", 20, 0, 1),
    (280, 1.0, "G", "H", 50, 1, 2),
    (50, 2.5, "D", "C", 5, 0, 1),
    (50, 4.0, "D", "E", 13, 1, 2),
    (100000, 40, "N", "G", 32, 21, 22),
]


@pytest.mark.parametrize(("lot", "aql_value", "letter", "plan_letter", "n", "ac", "re"), ARROWS)
def test_arrows_move_the_plan_and_its_sample_size(lot: int, aql_value: float, letter: str, plan_letter: str, n: int, ac: int, re: int) -> None:
    found = aql.plan(lot, aql_value)
    assert (found.code_letter, found.plan_letter, found.sample_size, found.ac, found.re) == (letter, plan_letter, n, ac, re)


def test_sample_as_large_as_the_lot_means_100_percent() -> None:
    found = aql.plan(10, 0.65)  # B, the arrow leads to F (n=20) > 10
    assert (found.plan_letter, found.sample_size, found.ac, found.re, found.hundred_percent) == ("F", 10, 0, 1, True)
    found = aql.plan(5, 10)  # A, arrows lead to C (n=5) = lot
    assert (found.sample_size, found.hundred_percent) == (5, True)


def test_aql_zero_is_zero_acceptance_on_the_lot_sample() -> None:
    lot = aql.lot_plan(1200, {"critical": 0, "major": 2.5, "minor": 4.0})
    assert lot.sample_size == 80
    assert (lot.classes["critical"].sample_size, lot.classes["critical"].ac, lot.classes["critical"].re) == (80, 0, 1)
    assert aql.decide(lot, {"critical": 1}).decision == aql.Decision.REJECTED
    assert aql.decide(lot, {"critical": 0, "major": 5, "minor": 7}).decision == aql.Decision.ACCEPTED
    assert aql.decide(lot, {"major": 6}).per_class == {"critical": "accepted", "major": "rejected", "minor": "accepted"}
    assert aql.decide(lot, {"minor": 8}).decision == aql.Decision.REJECTED


def test_classes_with_different_samples_draw_the_largest() -> None:
    lot = aql.lot_plan(1200, {"critical": 0, "major": 0.40, "minor": 0.25})  # major: K n=125, minor: H n=50
    assert lot.sample_size == 125
    assert lot.classes["minor"].sample_size == 50
    assert lot.classes["critical"].sample_size == 125


def test_reduced_gap_accepts_but_reinstates_normal() -> None:
    lot = aql.lot_plan(1200, {"major": 1.0}, severity="reduced")  # 32, Ac 1 Re 3
    outcome = aql.decide(lot, {"major": 2})
    assert (outcome.decision, outcome.reinstate_normal) == (aql.Decision.ACCEPTED, True)
    assert aql.decide(lot, {"major": 3}).decision == aql.Decision.REJECTED


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"lot_size": 1, "aql": 1.0}, "lot_size"),
    ({"lot_size": 100, "aql": 1.1}, "aql"),
    ({"lot_size": 100, "aql": -1}, "aql"),
    ({"lot_size": 100, "aql": 1.0, "level": "IV"}, "level"),
    ({"lot_size": 100, "aql": 1.0, "severity": "lenient"}, "severity"),
])
def test_bad_input_names_the_field(kwargs: dict, field: str) -> None:
    with pytest.raises(aql.AqlError) as error:
        aql.plan(**kwargs)
    assert error.value.field == field


NOT_APPROVED = SwitchContext()


def _run(state: SwitchingState, lots: list[bool], points: int | None = 3, context: SwitchContext = NOT_APPROVED) -> list[SwitchingState]:
    seen = []
    for accepted in lots:
        state = next_state(state, accepted, points=points if accepted else None, context=context)
        seen.append(state)
    return seen


def test_normal_to_tightened_after_two_rejections_in_five_lots() -> None:
    states = _run(SwitchingState(), [True, False, True, True, False, True])
    assert [s.severity for s in states][:5] == [Severity.NORMAL] * 4 + [Severity.TIGHTENED]
    assert states[-1].tightened_accepted_run == 1
    # Two rejections six lots apart are not "2 of 5 consecutive".
    states = _run(SwitchingState(), [False, True, True, True, True, False])
    assert states[-1].severity == Severity.NORMAL
    states = _run(SwitchingState(), [False, True, True, True, False])
    assert states[-1].severity == Severity.TIGHTENED


def test_tightened_back_to_normal_after_five_accepted_in_a_row() -> None:
    start = SwitchingState(severity=Severity.TIGHTENED)
    states = _run(start, [True, True, True, True, False, True, True, True, True, True])
    assert [s.severity for s in states] == [Severity.TIGHTENED] * 9 + [Severity.NORMAL]
    assert states[-1] == SwitchingState()  # a fresh normal state: score and history reset


def test_discontinue_after_five_rejections_on_tightened_and_resume_tightened() -> None:
    start = SwitchingState(severity=Severity.TIGHTENED)
    states = _run(start, [False, True, False, False, True, False, False])
    assert [s.discontinued for s in states] == [False] * 6 + [True]
    with pytest.raises(aql.AqlError):
        next_state(states[-1], True)
    assert aql.resume(states[-1]) == SwitchingState(severity=Severity.TIGHTENED)


def test_normal_to_reduced_needs_score_30_steady_production_and_approval() -> None:
    approved = SwitchContext(production_steady=True, authority_approves_reduced=True)
    states = _run(SwitchingState(), [True] * 10, points=3, context=approved)
    assert [s.severity for s in states] == [Severity.NORMAL] * 9 + [Severity.REDUCED]
    assert states[8].switching_score == 27
    # Without approval the score keeps rising but inspection stays normal.
    states = _run(SwitchingState(), [True] * 12, points=3)
    assert (states[-1].severity, states[-1].switching_score) == (Severity.NORMAL, 36)
    # A rejection resets the score.
    states = _run(SwitchingState(), [True] * 9 + [False] + [True] * 9, points=3, context=approved)
    assert states[-1].severity == Severity.NORMAL and states[-1].switching_score == 27
    # Ac 0/1 plans earn 2 points: 15 lots.
    states = _run(SwitchingState(), [True] * 15, points=2, context=approved)
    assert [s.severity for s in states].index(Severity.REDUCED) == 14
    steady_off = SwitchContext(production_steady=False, authority_approves_reduced=True)
    assert _run(SwitchingState(), [True] * 10, context=steady_off)[-1].severity == Severity.NORMAL


def test_reduced_back_to_normal() -> None:
    reduced = SwitchingState(severity=Severity.REDUCED)
    assert next_state(reduced, False).severity == Severity.NORMAL
    assert next_state(reduced, True, reinstate_normal=True).severity == Severity.NORMAL
    assert next_state(reduced, True, context=SwitchContext(production_steady=False)).severity == Severity.NORMAL
    assert next_state(reduced, True).severity == Severity.REDUCED


def test_switching_points_use_the_next_tighter_aql() -> None:
    lot = aql.lot_plan(1200, {"critical": 0, "major": 1.0, "minor": 4.0})  # major Ac 2, tighter 0.65 -> Ac 1
    assert aql.switching_points(lot, {"major": 1, "minor": 5}, True) == 3
    assert aql.switching_points(lot, {"major": 2}, True) is None  # accepted, but not at 0.65
    assert aql.switching_points(lot, {"minor": 6}, True) is None  # minor: 2.5 -> Ac 5
    assert aql.switching_points(lot, {"major": 3}, False) is None
    small = aql.lot_plan(1200, {"major": 0.65})  # Ac 1: +2 when accepted
    assert aql.switching_points(small, {"major": 1}, True) == 2


def test_state_round_trips_through_json() -> None:
    state = _run(SwitchingState(), [True, False, True], points=3)[-1]
    assert SwitchingState.from_dict(json.loads(json.dumps(state.as_dict()))) == state


def test_cli_prints_the_plan_as_json() -> None:
    from capool.cli import main

    result = CliRunner().invoke(main, ["quality", "plan", "--lot-size", "1200", "--level", "II", "--aql", "1.0"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"code_letter": "J", "plan_letter": "J", "aql": 1.0, "severity": "normal", "sample_size": 80,
                                         "ac": 2, "re": 3, "hundred_percent": False}
    result = CliRunner().invoke(main, ["quality", "plan", "--lot-size", "1200", "--aql", "1.0", "--severity", "tightened"])
    assert json.loads(result.output)["ac"] == 1
    result = CliRunner().invoke(main, ["quality", "plan", "--lot-size", "1200", "--aql", "1.2"])
    assert result.exit_code == 2 and "--aql" in result.output
