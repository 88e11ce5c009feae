from typing import Literal

ResourceKind = Literal["crew", "machine", "work_centre"]

RESOURCE_KIND_VALUES: set[ResourceKind] = {
    "crew",
    "machine",
    "work_centre",
}


def check_resource_kind(value: str) -> ResourceKind:
    if value in RESOURCE_KIND_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {RESOURCE_KIND_VALUES!r}")
