from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="OrderOut")


@_attrs_define
class OrderOut:
    """
    Attributes:
        aql (float):
        buyer_org_id (UUID):
        certifications (list[str]):
        cost_sensitivity (str):
        created_at (datetime.datetime):
        currency (str):
        delivered_at (datetime.datetime | None):
        due_at (datetime.datetime):
        id (UUID):
        material (None | str):
        max_unit_price_minor (int | None):
        min_quality_score (int | None):
        operations (list[str]):
        process (str):
        product (str):
        quantity (int):
        reference (str):
        split_allowed (bool):
        status (str):
        urgency (str):
        version (int):
    """

    aql: float
    buyer_org_id: UUID
    certifications: list[str]
    cost_sensitivity: str
    created_at: datetime.datetime
    currency: str
    delivered_at: datetime.datetime | None
    due_at: datetime.datetime
    id: UUID
    material: None | str
    max_unit_price_minor: int | None
    min_quality_score: int | None
    operations: list[str]
    process: str
    product: str
    quantity: int
    reference: str
    split_allowed: bool
    status: str
    urgency: str
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        aql = self.aql

        buyer_org_id = str(self.buyer_org_id)

        certifications = self.certifications

        cost_sensitivity = self.cost_sensitivity

        created_at = self.created_at.isoformat()

        currency = self.currency

        delivered_at: None | str
        if isinstance(self.delivered_at, datetime.datetime):
            delivered_at = self.delivered_at.isoformat()
        else:
            delivered_at = self.delivered_at

        due_at = self.due_at.isoformat()

        id = str(self.id)

        material: None | str
        material = self.material

        max_unit_price_minor: int | None
        max_unit_price_minor = self.max_unit_price_minor

        min_quality_score: int | None
        min_quality_score = self.min_quality_score

        operations = self.operations

        process = self.process

        product = self.product

        quantity = self.quantity

        reference = self.reference

        split_allowed = self.split_allowed

        status = self.status

        urgency = self.urgency

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "aql": aql,
                "buyer_org_id": buyer_org_id,
                "certifications": certifications,
                "cost_sensitivity": cost_sensitivity,
                "created_at": created_at,
                "currency": currency,
                "delivered_at": delivered_at,
                "due_at": due_at,
                "id": id,
                "material": material,
                "max_unit_price_minor": max_unit_price_minor,
                "min_quality_score": min_quality_score,
                "operations": operations,
                "process": process,
                "product": product,
                "quantity": quantity,
                "reference": reference,
                "split_allowed": split_allowed,
                "status": status,
                "urgency": urgency,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        aql = d.pop("aql")

        buyer_org_id = UUID(d.pop("buyer_org_id"))

        certifications = cast(list[str], d.pop("certifications"))

        cost_sensitivity = d.pop("cost_sensitivity")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        currency = d.pop("currency")

        def _parse_delivered_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                delivered_at_type_0 = datetime.datetime.fromisoformat(data)

                return delivered_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        delivered_at = _parse_delivered_at(d.pop("delivered_at"))

        due_at = datetime.datetime.fromisoformat(d.pop("due_at"))

        id = UUID(d.pop("id"))

        def _parse_material(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        material = _parse_material(d.pop("material"))

        def _parse_max_unit_price_minor(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        max_unit_price_minor = _parse_max_unit_price_minor(d.pop("max_unit_price_minor"))

        def _parse_min_quality_score(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        min_quality_score = _parse_min_quality_score(d.pop("min_quality_score"))

        operations = cast(list[str], d.pop("operations"))

        process = d.pop("process")

        product = d.pop("product")

        quantity = d.pop("quantity")

        reference = d.pop("reference")

        split_allowed = d.pop("split_allowed")

        status = d.pop("status")

        urgency = d.pop("urgency")

        version = d.pop("version")

        order_out = cls(
            aql=aql,
            buyer_org_id=buyer_org_id,
            certifications=certifications,
            cost_sensitivity=cost_sensitivity,
            created_at=created_at,
            currency=currency,
            delivered_at=delivered_at,
            due_at=due_at,
            id=id,
            material=material,
            max_unit_price_minor=max_unit_price_minor,
            min_quality_score=min_quality_score,
            operations=operations,
            process=process,
            product=product,
            quantity=quantity,
            reference=reference,
            split_allowed=split_allowed,
            status=status,
            urgency=urgency,
            version=version,
        )

        order_out.additional_properties = d
        return order_out

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
