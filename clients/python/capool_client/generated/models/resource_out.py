from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.resource_out_skills import ResourceOutSkills


T = TypeVar("T", bound="ResourceOut")


@_attrs_define
class ResourceOut:
    """
    Attributes:
        carbon_g_per_unit (int):
        certifications (list[str]):
        created_at (datetime.datetime):
        id (UUID):
        kind (str):
        materials (list[str]):
        name (str):
        organisation_id (UUID):
        processes (list[str]):
        site_id (UUID):
        skills (ResourceOutSkills):
        working_weekdays (list[int]):
    """

    carbon_g_per_unit: int
    certifications: list[str]
    created_at: datetime.datetime
    id: UUID
    kind: str
    materials: list[str]
    name: str
    organisation_id: UUID
    processes: list[str]
    site_id: UUID
    skills: ResourceOutSkills
    working_weekdays: list[int]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        carbon_g_per_unit = self.carbon_g_per_unit

        certifications = self.certifications

        created_at = self.created_at.isoformat()

        id = str(self.id)

        kind = self.kind

        materials = self.materials

        name = self.name

        organisation_id = str(self.organisation_id)

        processes = self.processes

        site_id = str(self.site_id)

        skills = self.skills.to_dict()

        working_weekdays = self.working_weekdays

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "carbon_g_per_unit": carbon_g_per_unit,
                "certifications": certifications,
                "created_at": created_at,
                "id": id,
                "kind": kind,
                "materials": materials,
                "name": name,
                "organisation_id": organisation_id,
                "processes": processes,
                "site_id": site_id,
                "skills": skills,
                "working_weekdays": working_weekdays,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.resource_out_skills import ResourceOutSkills  # noqa: PLC0415

        d = dict(src_dict)
        carbon_g_per_unit = d.pop("carbon_g_per_unit")

        certifications = cast(list[str], d.pop("certifications"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = UUID(d.pop("id"))

        kind = d.pop("kind")

        materials = cast(list[str], d.pop("materials"))

        name = d.pop("name")

        organisation_id = UUID(d.pop("organisation_id"))

        processes = cast(list[str], d.pop("processes"))

        site_id = UUID(d.pop("site_id"))

        skills = ResourceOutSkills.from_dict(d.pop("skills"))

        working_weekdays = cast(list[int], d.pop("working_weekdays"))

        resource_out = cls(
            carbon_g_per_unit=carbon_g_per_unit,
            certifications=certifications,
            created_at=created_at,
            id=id,
            kind=kind,
            materials=materials,
            name=name,
            organisation_id=organisation_id,
            processes=processes,
            site_id=site_id,
            skills=skills,
            working_weekdays=working_weekdays,
        )

        resource_out.additional_properties = d
        return resource_out

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
