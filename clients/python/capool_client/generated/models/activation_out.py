from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ActivationOut")


@_attrs_define
class ActivationOut:
    """
    Attributes:
        activated_at (datetime.datetime):
        activated_by (UUID):
        id (UUID):
        model_version_id (UUID):
        organisation_id (UUID):
        product (str):
    """

    activated_at: datetime.datetime
    activated_by: UUID
    id: UUID
    model_version_id: UUID
    organisation_id: UUID
    product: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        activated_at = self.activated_at.isoformat()

        activated_by = str(self.activated_by)

        id = str(self.id)

        model_version_id = str(self.model_version_id)

        organisation_id = str(self.organisation_id)

        product = self.product

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "activated_at": activated_at,
                "activated_by": activated_by,
                "id": id,
                "model_version_id": model_version_id,
                "organisation_id": organisation_id,
                "product": product,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        activated_at = datetime.datetime.fromisoformat(d.pop("activated_at"))

        activated_by = UUID(d.pop("activated_by"))

        id = UUID(d.pop("id"))

        model_version_id = UUID(d.pop("model_version_id"))

        organisation_id = UUID(d.pop("organisation_id"))

        product = d.pop("product")

        activation_out = cls(
            activated_at=activated_at,
            activated_by=activated_by,
            id=id,
            model_version_id=model_version_id,
            organisation_id=organisation_id,
            product=product,
        )

        activation_out.additional_properties = d
        return activation_out

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
