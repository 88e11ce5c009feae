from typing import Literal

MatchInMode = Literal["batch", "incremental"]

MATCH_IN_MODE_VALUES: set[MatchInMode] = {
    "batch",
    "incremental",
}


def check_match_in_mode(value: str) -> MatchInMode:
    if value in MATCH_IN_MODE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {MATCH_IN_MODE_VALUES!r}")
