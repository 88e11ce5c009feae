from typing import Literal

CostSensitivity = Literal["high", "low", "medium"]

COST_SENSITIVITY_VALUES: set[CostSensitivity] = {
    "high",
    "low",
    "medium",
}


def check_cost_sensitivity(value: str) -> CostSensitivity:
    if value in COST_SENSITIVITY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {COST_SENSITIVITY_VALUES!r}")
