from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ResumeIn")


@_attrs_define
class ResumeIn:
    """
    Attributes:
        factory_org_id (UUID):
        note (str):
        product (str):
    """

    factory_org_id: UUID
    note: str
    product: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        factory_org_id = str(self.factory_org_id)

        note = self.note

        product = self.product

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "factory_org_id": factory_org_id,
                "note": note,
                "product": product,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        factory_org_id = UUID(d.pop("factory_org_id"))

        note = d.pop("note")

        product = d.pop("product")

        resume_in = cls(
            factory_org_id=factory_org_id,
            note=note,
            product=product,
        )

        resume_in.additional_properties = d
        return resume_in

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
