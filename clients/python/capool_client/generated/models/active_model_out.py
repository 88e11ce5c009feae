from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.active_model_out_validated_on import ActiveModelOutValidatedOn


T = TypeVar("T", bound="ActiveModelOut")


@_attrs_define
class ActiveModelOut:
    """
    Attributes:
        activated_at (datetime.datetime | None):
        activated_by (None | UUID):
        builtin (bool):
        model_name (str):
        model_version_id (None | UUID):
        organisation_id (UUID):
        product (str):
        validated_on (ActiveModelOutValidatedOn):
    """

    activated_at: datetime.datetime | None
    activated_by: None | UUID
    builtin: bool
    model_name: str
    model_version_id: None | UUID
    organisation_id: UUID
    product: str
    validated_on: ActiveModelOutValidatedOn
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        activated_at: None | str
        if isinstance(self.activated_at, datetime.datetime):
            activated_at = self.activated_at.isoformat()
        else:
            activated_at = self.activated_at

        activated_by: None | str
        if isinstance(self.activated_by, UUID):
            activated_by = str(self.activated_by)
        else:
            activated_by = self.activated_by

        builtin = self.builtin

        model_name = self.model_name

        model_version_id: None | str
        if isinstance(self.model_version_id, UUID):
            model_version_id = str(self.model_version_id)
        else:
            model_version_id = self.model_version_id

        organisation_id = str(self.organisation_id)

        product = self.product

        validated_on = self.validated_on.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "activated_at": activated_at,
                "activated_by": activated_by,
                "builtin": builtin,
                "model_name": model_name,
                "model_version_id": model_version_id,
                "organisation_id": organisation_id,
                "product": product,
                "validated_on": validated_on,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.active_model_out_validated_on import ActiveModelOutValidatedOn  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_activated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                activated_at_type_0 = datetime.datetime.fromisoformat(data)

                return activated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        activated_at = _parse_activated_at(d.pop("activated_at"))

        def _parse_activated_by(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                activated_by_type_0 = UUID(data)

                return activated_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        activated_by = _parse_activated_by(d.pop("activated_by"))

        builtin = d.pop("builtin")

        model_name = d.pop("model_name")

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

        validated_on = ActiveModelOutValidatedOn.from_dict(d.pop("validated_on"))

        active_model_out = cls(
            activated_at=activated_at,
            activated_by=activated_by,
            builtin=builtin,
            model_name=model_name,
            model_version_id=model_version_id,
            organisation_id=organisation_id,
            product=product,
            validated_on=validated_on,
        )

        active_model_out.additional_properties = d
        return active_model_out

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
