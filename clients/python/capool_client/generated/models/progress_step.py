from typing import Literal

ProgressStep = Literal["confirm", "done", "scan"]

PROGRESS_STEP_VALUES: set[ProgressStep] = {
    "confirm",
    "done",
    "scan",
}


def check_progress_step(value: str) -> ProgressStep:
    if value in PROGRESS_STEP_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PROGRESS_STEP_VALUES!r}")
