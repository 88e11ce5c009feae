from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ActivationChangeOut")


@_attrs_define
class ActivationChangeOut:
    """
    Attributes:
        model_version_id (None | UUID):
        organisation_id (UUID):
        product (str):
    """

    model_version_id: None | UUID
    organisation_id: UUID
    product: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        model_version_id: None | str
        if isinstance(self.model_version_id, UUID):
            model_version_id = str(self.model_version_id)
        else:
            model_version_id = self.model_version_id

        organisation_id = str(self.organisation_id)

        product = self.product

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "model_version_id": model_version_id,
                "organisation_id": organisation_id,
                "product": product,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_model_version_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                model_version_id_type_0 = UUID(data)

                return model_version_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        model_version_id = _parse_model_version_id(d.pop("model_version_id"))

        organisation_id = UUID(d.pop("organisation_id"))

        product = d.pop("product")

        activation_change_out = cls(
            model_version_id=model_version_id,
            organisation_id=organisation_id,
            product=product,
        )

        activation_change_out.additional_properties = d
        return activation_change_out

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
