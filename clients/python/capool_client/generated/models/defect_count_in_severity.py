from typing import Literal

DefectCountInSeverity = Literal["critical", "major", "minor"]

DEFECT_COUNT_IN_SEVERITY_VALUES: set[DefectCountInSeverity] = {
    "critical",
    "major",
    "minor",
}


def check_defect_count_in_severity(value: str) -> DefectCountInSeverity:
    if value in DEFECT_COUNT_IN_SEVERITY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {DEFECT_COUNT_IN_SEVERITY_VALUES!r}")
