from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.model_version_out_card import ModelVersionOutCard
    from ..models.model_version_out_metrics import ModelVersionOutMetrics


T = TypeVar("T", bound="ModelVersionOut")


@_attrs_define
class ModelVersionOut:
    """
    Attributes:
        card (ModelVersionOutCard):
        created_at (datetime.datetime):
        created_by (UUID):
        file_bytes (int):
        file_sha256 (str):
        id (UUID):
        kind (str):
        labels (list[str]):
        metrics (ModelVersionOutMetrics):
        name (str):
        organisation_id (UUID):
        version (str):
    """

    card: ModelVersionOutCard
    created_at: datetime.datetime
    created_by: UUID
    file_bytes: int
    file_sha256: str
    id: UUID
    kind: str
    labels: list[str]
    metrics: ModelVersionOutMetrics
    name: str
    organisation_id: UUID
    version: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        card = self.card.to_dict()

        created_at = self.created_at.isoformat()

        created_by = str(self.created_by)

        file_bytes = self.file_bytes

        file_sha256 = self.file_sha256

        id = str(self.id)

        kind = self.kind

        labels = self.labels

        metrics = self.metrics.to_dict()

        name = self.name

        organisation_id = str(self.organisation_id)

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "card": card,
                "created_at": created_at,
                "created_by": created_by,
                "file_bytes": file_bytes,
                "file_sha256": file_sha256,
                "id": id,
                "kind": kind,
                "labels": labels,
                "metrics": metrics,
                "name": name,
                "organisation_id": organisation_id,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_version_out_card import ModelVersionOutCard  # noqa: PLC0415
        from ..models.model_version_out_metrics import ModelVersionOutMetrics  # noqa: PLC0415

        d = dict(src_dict)
        card = ModelVersionOutCard.from_dict(d.pop("card"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        created_by = UUID(d.pop("created_by"))

        file_bytes = d.pop("file_bytes")

        file_sha256 = d.pop("file_sha256")

        id = UUID(d.pop("id"))

        kind = d.pop("kind")

        labels = cast(list[str], d.pop("labels"))

        metrics = ModelVersionOutMetrics.from_dict(d.pop("metrics"))

        name = d.pop("name")

        organisation_id = UUID(d.pop("organisation_id"))

        version = d.pop("version")

        model_version_out = cls(
            card=card,
            created_at=created_at,
            created_by=created_by,
            file_bytes=file_bytes,
            file_sha256=file_sha256,
            id=id,
            kind=kind,
            labels=labels,
            metrics=metrics,
            name=name,
            organisation_id=organisation_id,
            version=version,
        )

        model_version_out.additional_properties = d
        return model_version_out

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
