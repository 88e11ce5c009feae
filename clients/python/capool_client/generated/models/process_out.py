from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.process_names_out import ProcessNamesOut


T = TypeVar("T", bound="ProcessOut")


@_attrs_define
class ProcessOut:
    """
    Attributes:
        alliance_id (UUID):
        code (str):
        created_at (datetime.datetime):
        id (UUID):
        names (ProcessNamesOut):
        retired_at (datetime.datetime | None):
    """

    alliance_id: UUID
    code: str
    created_at: datetime.datetime
    id: UUID
    names: ProcessNamesOut
    retired_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        alliance_id = str(self.alliance_id)

        code = self.code

        created_at = self.created_at.isoformat()

        id = str(self.id)

        names = self.names.to_dict()

        retired_at: None | str
        if isinstance(self.retired_at, datetime.datetime):
            retired_at = self.retired_at.isoformat()
        else:
            retired_at = self.retired_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "alliance_id": alliance_id,
                "code": code,
                "created_at": created_at,
                "id": id,
                "names": names,
                "retired_at": retired_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.process_names_out import ProcessNamesOut  # noqa: PLC0415

        d = dict(src_dict)
        alliance_id = UUID(d.pop("alliance_id"))

        code = d.pop("code")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = UUID(d.pop("id"))

        names = ProcessNamesOut.from_dict(d.pop("names"))

        def _parse_retired_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                retired_at_type_0 = datetime.datetime.fromisoformat(data)

                return retired_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        retired_at = _parse_retired_at(d.pop("retired_at"))

        process_out = cls(
            alliance_id=alliance_id,
            code=code,
            created_at=created_at,
            id=id,
            names=names,
            retired_at=retired_at,
        )

        process_out.additional_properties = d
        return process_out

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
