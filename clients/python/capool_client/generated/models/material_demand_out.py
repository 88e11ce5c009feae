from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MaterialDemandOut")


@_attrs_define
class MaterialDemandOut:
    """
    Attributes:
        buyer_org_id (UUID):
        changed_at (datetime.datetime):
        customer_bpnl (str):
        description (str):
        id (UUID):
        inactive (bool):
        material_demand_id (UUID):
        material_number_customer (str):
        process (None | str):
        supplier_bpnl (str):
        supplier_org_id (None | UUID):
        unit_of_measure (None | str):
        version (int):
    """

    buyer_org_id: UUID
    changed_at: datetime.datetime
    customer_bpnl: str
    description: str
    id: UUID
    inactive: bool
    material_demand_id: UUID
    material_number_customer: str
    process: None | str
    supplier_bpnl: str
    supplier_org_id: None | UUID
    unit_of_measure: None | str
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        buyer_org_id = str(self.buyer_org_id)

        changed_at = self.changed_at.isoformat()

        customer_bpnl = self.customer_bpnl

        description = self.description

        id = str(self.id)

        inactive = self.inactive

        material_demand_id = str(self.material_demand_id)

        material_number_customer = self.material_number_customer

        process: None | str
        process = self.process

        supplier_bpnl = self.supplier_bpnl

        supplier_org_id: None | str
        if isinstance(self.supplier_org_id, UUID):
            supplier_org_id = str(self.supplier_org_id)
        else:
            supplier_org_id = self.supplier_org_id

        unit_of_measure: None | str
        unit_of_measure = self.unit_of_measure

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "buyer_org_id": buyer_org_id,
                "changed_at": changed_at,
                "customer_bpnl": customer_bpnl,
                "description": description,
                "id": id,
                "inactive": inactive,
                "material_demand_id": material_demand_id,
                "material_number_customer": material_number_customer,
                "process": process,
                "supplier_bpnl": supplier_bpnl,
                "supplier_org_id": supplier_org_id,
                "unit_of_measure": unit_of_measure,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        buyer_org_id = UUID(d.pop("buyer_org_id"))

        changed_at = datetime.datetime.fromisoformat(d.pop("changed_at"))

        customer_bpnl = d.pop("customer_bpnl")

        description = d.pop("description")

        id = UUID(d.pop("id"))

        inactive = d.pop("inactive")

        material_demand_id = UUID(d.pop("material_demand_id"))

        material_number_customer = d.pop("material_number_customer")

        def _parse_process(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        process = _parse_process(d.pop("process"))

        supplier_bpnl = d.pop("supplier_bpnl")

        def _parse_supplier_org_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                supplier_org_id_type_0 = UUID(data)

                return supplier_org_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        supplier_org_id = _parse_supplier_org_id(d.pop("supplier_org_id"))

        def _parse_unit_of_measure(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        unit_of_measure = _parse_unit_of_measure(d.pop("unit_of_measure"))

        version = d.pop("version")

        material_demand_out = cls(
            buyer_org_id=buyer_org_id,
            changed_at=changed_at,
            customer_bpnl=customer_bpnl,
            description=description,
            id=id,
            inactive=inactive,
            material_demand_id=material_demand_id,
            material_number_customer=material_number_customer,
            process=process,
            supplier_bpnl=supplier_bpnl,
            supplier_org_id=supplier_org_id,
            unit_of_measure=unit_of_measure,
            version=version,
        )

        material_demand_out.additional_properties = d
        return material_demand_out

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
