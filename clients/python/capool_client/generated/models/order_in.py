from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.cost_sensitivity import CostSensitivity, check_cost_sensitivity
from ..models.urgency import Urgency, check_urgency
from ..types import UNSET, Unset

T = TypeVar("T", bound="OrderIn")


@_attrs_define
class OrderIn:
    """
    Attributes:
        currency (str):
        due_at (datetime.datetime):
        process (str):
        product (str):
        quantity (int):
        reference (str):
        aql (float | Unset):  Default: 2.5.
        certifications (list[str] | Unset):
        cost_sensitivity (CostSensitivity | Unset):
        material (None | str | Unset):
        max_unit_price_minor (int | None | Unset):
        min_quality_score (int | None | Unset):
        operations (list[str] | None | Unset):
        split_allowed (bool | Unset):  Default: False.
        submit (bool | Unset):  Default: True.
        urgency (Urgency | Unset):
    """

    currency: str
    due_at: datetime.datetime
    process: str
    product: str
    quantity: int
    reference: str
    aql: float | Unset = 2.5
    certifications: list[str] | Unset = UNSET
    cost_sensitivity: CostSensitivity | Unset = UNSET
    material: None | str | Unset = UNSET
    max_unit_price_minor: int | None | Unset = UNSET
    min_quality_score: int | None | Unset = UNSET
    operations: list[str] | None | Unset = UNSET
    split_allowed: bool | Unset = False
    submit: bool | Unset = True
    urgency: Urgency | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency

        due_at = self.due_at.isoformat()

        process = self.process

        product = self.product

        quantity = self.quantity

        reference = self.reference

        aql = self.aql

        certifications: list[str] | Unset = UNSET
        if not isinstance(self.certifications, Unset):
            certifications = self.certifications

        cost_sensitivity: str | Unset = UNSET
        if not isinstance(self.cost_sensitivity, Unset):
            cost_sensitivity = self.cost_sensitivity

        material: None | str | Unset
        if isinstance(self.material, Unset):
            material = UNSET
        else:
            material = self.material

        max_unit_price_minor: int | None | Unset
        if isinstance(self.max_unit_price_minor, Unset):
            max_unit_price_minor = UNSET
        else:
            max_unit_price_minor = self.max_unit_price_minor

        min_quality_score: int | None | Unset
        if isinstance(self.min_quality_score, Unset):
            min_quality_score = UNSET
        else:
            min_quality_score = self.min_quality_score

        operations: list[str] | None | Unset
        if isinstance(self.operations, Unset):
            operations = UNSET
        elif isinstance(self.operations, list):
            operations = self.operations

        else:
            operations = self.operations

        split_allowed = self.split_allowed

        submit = self.submit

        urgency: str | Unset = UNSET
        if not isinstance(self.urgency, Unset):
            urgency = self.urgency

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "due_at": due_at,
                "process": process,
                "product": product,
                "quantity": quantity,
                "reference": reference,
            }
        )
        if aql is not UNSET:
            field_dict["aql"] = aql
        if certifications is not UNSET:
            field_dict["certifications"] = certifications
        if cost_sensitivity is not UNSET:
            field_dict["cost_sensitivity"] = cost_sensitivity
        if material is not UNSET:
            field_dict["material"] = material
        if max_unit_price_minor is not UNSET:
            field_dict["max_unit_price_minor"] = max_unit_price_minor
        if min_quality_score is not UNSET:
            field_dict["min_quality_score"] = min_quality_score
        if operations is not UNSET:
            field_dict["operations"] = operations
        if split_allowed is not UNSET:
            field_dict["split_allowed"] = split_allowed
        if submit is not UNSET:
            field_dict["submit"] = submit
        if urgency is not UNSET:
            field_dict["urgency"] = urgency

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        currency = d.pop("currency")

        due_at = datetime.datetime.fromisoformat(d.pop("due_at"))

        process = d.pop("process")

        product = d.pop("product")

        quantity = d.pop("quantity")

        reference = d.pop("reference")

        aql = d.pop("aql", UNSET)

        certifications = cast(list[str], d.pop("certifications", UNSET))

        _cost_sensitivity = d.pop("cost_sensitivity", UNSET)
        cost_sensitivity: CostSensitivity | Unset
        if isinstance(_cost_sensitivity, Unset):
            cost_sensitivity = UNSET
        else:
            cost_sensitivity = check_cost_sensitivity(_cost_sensitivity)

        def _parse_material(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        material = _parse_material(d.pop("material", UNSET))

        def _parse_max_unit_price_minor(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_unit_price_minor = _parse_max_unit_price_minor(d.pop("max_unit_price_minor", UNSET))

        def _parse_min_quality_score(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        min_quality_score = _parse_min_quality_score(d.pop("min_quality_score", UNSET))

        def _parse_operations(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                operations_type_0 = cast(list[str], data)

                return operations_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        operations = _parse_operations(d.pop("operations", UNSET))

        split_allowed = d.pop("split_allowed", UNSET)

        submit = d.pop("submit", UNSET)

        _urgency = d.pop("urgency", UNSET)
        urgency: Urgency | Unset
        if isinstance(_urgency, Unset):
            urgency = UNSET
        else:
            urgency = check_urgency(_urgency)

        order_in = cls(
            currency=currency,
            due_at=due_at,
            process=process,
            product=product,
            quantity=quantity,
            reference=reference,
            aql=aql,
            certifications=certifications,
            cost_sensitivity=cost_sensitivity,
            material=material,
            max_unit_price_minor=max_unit_price_minor,
            min_quality_score=min_quality_score,
            operations=operations,
            split_allowed=split_allowed,
            submit=submit,
            urgency=urgency,
        )

        order_in.additional_properties = d
        return order_in

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
