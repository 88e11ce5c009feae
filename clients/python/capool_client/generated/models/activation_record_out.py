from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ActivationRecordOut")


@_attrs_define
class ActivationRecordOut:
    """
    Attributes:
        action (str):
        at (datetime.datetime):
        by_org_id (UUID):
        by_user_id (UUID):
        id (UUID):
        model_version_id (None | UUID):
        organisation_id (UUID):
        previous_version_id (None | UUID):
        product (str):
    """

    action: str
    at: datetime.datetime
    by_org_id: UUID
    by_user_id: UUID
    id: UUID
    model_version_id: None | UUID
    organisation_id: UUID
    previous_version_id: None | UUID
    product: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action

        at = self.at.isoformat()

        by_org_id = str(self.by_org_id)

        by_user_id = str(self.by_user_id)

        id = str(self.id)

        model_version_id: None | str
        if isinstance(self.model_version_id, UUID):
            model_version_id = str(self.model_version_id)
        else:
            model_version_id = self.model_version_id

        organisation_id = str(self.organisation_id)

        previous_version_id: None | str
        if isinstance(self.previous_version_id, UUID):
            previous_version_id = str(self.previous_version_id)
        else:
            previous_version_id = self.previous_version_id

        product = self.product

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "at": at,
                "by_org_id": by_org_id,
                "by_user_id": by_user_id,
                "id": id,
                "model_version_id": model_version_id,
                "organisation_id": organisation_id,
                "previous_version_id": previous_version_id,
                "product": product,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = d.pop("action")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        by_org_id = UUID(d.pop("by_org_id"))

        by_user_id = UUID(d.pop("by_user_id"))

        id = UUID(d.pop("id"))

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

        def _parse_previous_version_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                previous_version_id_type_0 = UUID(data)

                return previous_version_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        previous_version_id = _parse_previous_version_id(d.pop("previous_version_id"))

        product = d.pop("product")

        activation_record_out = cls(
            action=action,
            at=at,
            by_org_id=by_org_id,
            by_user_id=by_user_id,
            id=id,
            model_version_id=model_version_id,
            organisation_id=organisation_id,
            previous_version_id=previous_version_id,
            product=product,
        )

        activation_record_out.additional_properties = d
        return activation_record_out

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
