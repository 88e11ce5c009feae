from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.resource_kind import ResourceKind, check_resource_kind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.resource_in_skills import ResourceInSkills


T = TypeVar("T", bound="ResourceIn")


@_attrs_define
class ResourceIn:
    """
    Attributes:
        kind (ResourceKind):
        name (str):
        processes (list[str]):
        site_id (UUID):
        carbon_g_per_unit (int | Unset):  Default: 0.
        certifications (list[str] | Unset):
        materials (list[str] | Unset):
        skills (ResourceInSkills | Unset):
        working_weekdays (list[int] | Unset):
    """

    kind: ResourceKind
    name: str
    processes: list[str]
    site_id: UUID
    carbon_g_per_unit: int | Unset = 0
    certifications: list[str] | Unset = UNSET
    materials: list[str] | Unset = UNSET
    skills: ResourceInSkills | Unset = UNSET
    working_weekdays: list[int] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind: str = self.kind

        name = self.name

        processes = self.processes

        site_id = str(self.site_id)

        carbon_g_per_unit = self.carbon_g_per_unit

        certifications: list[str] | Unset = UNSET
        if not isinstance(self.certifications, Unset):
            certifications = self.certifications

        materials: list[str] | Unset = UNSET
        if not isinstance(self.materials, Unset):
            materials = self.materials

        skills: dict[str, Any] | Unset = UNSET
        if not isinstance(self.skills, Unset):
            skills = self.skills.to_dict()

        working_weekdays: list[int] | Unset = UNSET
        if not isinstance(self.working_weekdays, Unset):
            working_weekdays = self.working_weekdays

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "name": name,
                "processes": processes,
                "site_id": site_id,
            }
        )
        if carbon_g_per_unit is not UNSET:
            field_dict["carbon_g_per_unit"] = carbon_g_per_unit
        if certifications is not UNSET:
            field_dict["certifications"] = certifications
        if materials is not UNSET:
            field_dict["materials"] = materials
        if skills is not UNSET:
            field_dict["skills"] = skills
        if working_weekdays is not UNSET:
            field_dict["working_weekdays"] = working_weekdays

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.resource_in_skills import ResourceInSkills  # noqa: PLC0415

        d = dict(src_dict)
        kind = check_resource_kind(d.pop("kind"))

        name = d.pop("name")

        processes = cast(list[str], d.pop("processes"))

        site_id = UUID(d.pop("site_id"))

        carbon_g_per_unit = d.pop("carbon_g_per_unit", UNSET)

        certifications = cast(list[str], d.pop("certifications", UNSET))

        materials = cast(list[str], d.pop("materials", UNSET))

        _skills = d.pop("skills", UNSET)
        skills: ResourceInSkills | Unset
        if isinstance(_skills, Unset):
            skills = UNSET
        else:
            skills = ResourceInSkills.from_dict(_skills)

        working_weekdays = cast(list[int], d.pop("working_weekdays", UNSET))

        resource_in = cls(
            kind=kind,
            name=name,
            processes=processes,
            site_id=site_id,
            carbon_g_per_unit=carbon_g_per_unit,
            certifications=certifications,
            materials=materials,
            skills=skills,
            working_weekdays=working_weekdays,
        )

        resource_in.additional_properties = d
        return resource_in

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
