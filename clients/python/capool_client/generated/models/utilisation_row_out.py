from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UtilisationRowOut")


@_attrs_define
class UtilisationRowOut:
    """
    Attributes:
        allocated (int):
        group (str):
        key (str):
        label (str):
        published (int | None):
        share (float | None):
        unit (str):
        utilisation (float | None):
    """

    allocated: int
    group: str
    key: str
    label: str
    published: int | None
    share: float | None
    unit: str
    utilisation: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        allocated = self.allocated

        group = self.group

        key = self.key

        label = self.label

        published: int | None
        published = self.published

        share: float | None
        share = self.share

        unit = self.unit

        utilisation: float | None
        utilisation = self.utilisation

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "allocated": allocated,
                "group": group,
                "key": key,
                "label": label,
                "published": published,
                "share": share,
                "unit": unit,
                "utilisation": utilisation,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        allocated = d.pop("allocated")

        group = d.pop("group")

        key = d.pop("key")

        label = d.pop("label")

        def _parse_published(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        published = _parse_published(d.pop("published"))

        def _parse_share(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        share = _parse_share(d.pop("share"))

        unit = d.pop("unit")

        def _parse_utilisation(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        utilisation = _parse_utilisation(d.pop("utilisation"))

        utilisation_row_out = cls(
            allocated=allocated,
            group=group,
            key=key,
            label=label,
            published=published,
            share=share,
            unit=unit,
            utilisation=utilisation,
        )

        utilisation_row_out.additional_properties = d
        return utilisation_row_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
