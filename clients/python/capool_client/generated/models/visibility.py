from typing import Literal

Visibility = Literal["alliance", "partners", "private"]

VISIBILITY_VALUES: set[Visibility] = {
    "alliance",
    "partners",
    "private",
}


def check_visibility(value: str) -> Visibility:
    if value in VISIBILITY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {VISIBILITY_VALUES!r}")
