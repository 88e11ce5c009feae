from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ProgressOut")


@_attrs_define
class ProgressOut:
    """
    Attributes:
        allocation_id (UUID):
        factory_org_id (UUID):
        id (UUID):
        occurred_at (datetime.datetime):
        operation (str):
        operator (str):
        order_id (UUID):
        quantity (int):
        resource_id (None | UUID):
        step (str):
    """

    allocation_id: UUID
    factory_org_id: UUID
    id: UUID
    occurred_at: datetime.datetime
    operation: str
    operator: str
    order_id: UUID
    quantity: int
    resource_id: None | UUID
    step: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        allocation_id = str(self.allocation_id)

        factory_org_id = str(self.factory_org_id)

        id = str(self.id)

        occurred_at = self.occurred_at.isoformat()

        operation = self.operation

        operator = self.operator

        order_id = str(self.order_id)

        quantity = self.quantity

        resource_id: None | str
        if isinstance(self.resource_id, UUID):
            resource_id = str(self.resource_id)
        else:
            resource_id = self.resource_id

        step = self.step

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "allocation_id": allocation_id,
                "factory_org_id": factory_org_id,
                "id": id,
                "occurred_at": occurred_at,
                "operation": operation,
                "operator": operator,
                "order_id": order_id,
                "quantity": quantity,
                "resource_id": resource_id,
                "step": step,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        allocation_id = UUID(d.pop("allocation_id"))

        factory_org_id = UUID(d.pop("factory_org_id"))

        id = UUID(d.pop("id"))

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        operation = d.pop("operation")

        operator = d.pop("operator")

        order_id = UUID(d.pop("order_id"))

        quantity = d.pop("quantity")

        def _parse_resource_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resource_id_type_0 = UUID(data)

                return resource_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        resource_id = _parse_resource_id(d.pop("resource_id"))

        step = d.pop("step")

        progress_out = cls(
            allocation_id=allocation_id,
            factory_org_id=factory_org_id,
            id=id,
            occurred_at=occurred_at,
            operation=operation,
            operator=operator,
            order_id=order_id,
            quantity=quantity,
            resource_id=resource_id,
            step=step,
        )

        progress_out.additional_properties = d
        return progress_out

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
