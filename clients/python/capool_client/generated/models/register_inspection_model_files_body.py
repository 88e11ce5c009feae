from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..types import File

T = TypeVar("T", bound="RegisterInspectionModelFilesBody")


@_attrs_define
class RegisterInspectionModelFilesBody:
    """
    Attributes:
        card (str): the model card as JSON text
        file (File): the ONNX model
        name (str):
        version (str):
    """

    card: str
    file: File
    name: str
    version: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        card = self.card

        file = self.file.to_tuple()

        name = self.name

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "card": card,
                "file": file,
                "name": name,
                "version": version,
            }
        )

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("card", (None, str(self.card).encode(), "text/plain")))

        files.append(("file", self.file.to_tuple()))

        files.append(("name", (None, str(self.name).encode(), "text/plain")))

        files.append(("version", (None, str(self.version).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        card = d.pop("card")

        file = File(payload=BytesIO(d.pop("file")))

        name = d.pop("name")

        version = d.pop("version")

        register_inspection_model_files_body = cls(
            card=card,
            file=file,
            name=name,
            version=version,
        )

        register_inspection_model_files_body.additional_properties = d
        return register_inspection_model_files_body

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
