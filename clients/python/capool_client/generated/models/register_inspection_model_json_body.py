from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.register_inspection_model_json_body_card import RegisterInspectionModelJsonBodyCard


T = TypeVar("T", bound="RegisterInspectionModelJsonBody")


@_attrs_define
class RegisterInspectionModelJsonBody:
    """
    Attributes:
        card (RegisterInspectionModelJsonBodyCard):
        file_base64 (str):
        name (str):
        version (str):
    """

    card: RegisterInspectionModelJsonBodyCard
    file_base64: str
    name: str
    version: str

    def to_dict(self) -> dict[str, Any]:
        card = self.card.to_dict()

        file_base64 = self.file_base64

        name = self.name

        version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "card": card,
                "file_base64": file_base64,
                "name": name,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.register_inspection_model_json_body_card import RegisterInspectionModelJsonBodyCard  # noqa: PLC0415

        d = dict(src_dict)
        card = RegisterInspectionModelJsonBodyCard.from_dict(d.pop("card"))

        file_base64 = d.pop("file_base64")

        name = d.pop("name")

        version = d.pop("version")

        register_inspection_model_json_body = cls(
            card=card,
            file_base64=file_base64,
            name=name,
            version=version,
        )

        return register_inspection_model_json_body
