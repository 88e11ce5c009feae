from typing import Literal

LotInLevel = Literal["I", "II", "III", "S-1", "S-2", "S-3", "S-4"]

LOT_IN_LEVEL_VALUES: set[LotInLevel] = {
    "I",
    "II",
    "III",
    "S-1",
    "S-2",
    "S-3",
    "S-4",
}


def check_lot_in_level(value: str) -> LotInLevel:
    if value in LOT_IN_LEVEL_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {LOT_IN_LEVEL_VALUES!r}")
