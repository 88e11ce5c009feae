from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ActivationChangeIn")


@_attrs_define
class ActivationChangeIn:
    """
    Attributes:
        factory_org_id (None | Unset | UUID):
        product (str | Unset):  Default: '*'.
    """

    factory_org_id: None | Unset | UUID = UNSET
    product: str | Unset = "*"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        factory_org_id: None | str | Unset
        if isinstance(self.factory_org_id, Unset):
            factory_org_id = UNSET
        elif isinstance(self.factory_org_id, UUID):
            factory_org_id = str(self.factory_org_id)
        else:
            factory_org_id = self.factory_org_id

        product = self.product

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if factory_org_id is not UNSET:
            field_dict["factory_org_id"] = factory_org_id
        if product is not UNSET:
            field_dict["product"] = product

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_factory_org_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                factory_org_id_type_0 = UUID(data)

                return factory_org_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        factory_org_id = _parse_factory_org_id(d.pop("factory_org_id", UNSET))

        product = d.pop("product", UNSET)

        activation_change_in = cls(
            factory_org_id=factory_org_id,
            product=product,
        )

        activation_change_in.additional_properties = d
        return activation_change_in

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
