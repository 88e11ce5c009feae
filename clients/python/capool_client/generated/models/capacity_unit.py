from typing import Literal

CapacityUnit = Literal["hour", "piece"]

CAPACITY_UNIT_VALUES: set[CapacityUnit] = {
    "hour",
    "piece",
}


def check_capacity_unit(value: str) -> CapacityUnit:
    if value in CAPACITY_UNIT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CAPACITY_UNIT_VALUES!r}")
