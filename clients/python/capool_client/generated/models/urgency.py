from typing import Literal

Urgency = Literal["high", "low", "normal", "urgent"]

URGENCY_VALUES: set[Urgency] = {
    "high",
    "low",
    "normal",
    "urgent",
}


def check_urgency(value: str) -> Urgency:
    if value in URGENCY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {URGENCY_VALUES!r}")
