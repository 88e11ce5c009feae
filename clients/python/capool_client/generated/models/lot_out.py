from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.lot_out_aqls import LotOutAqls
    from ..models.lot_out_defect_classes import LotOutDefectClasses
    from ..models.lot_out_defects import LotOutDefects
    from ..models.lot_out_plan import LotOutPlan
    from ..models.lot_out_units import LotOutUnits


T = TypeVar("T", bound="LotOut")


@_attrs_define
class LotOut:
    """
    Attributes:
        allocation_id (UUID):
        aqls (LotOutAqls):
        buyer_org_id (UUID):
        created_at (datetime.datetime):
        decided_at (datetime.datetime | None):
        decision (None | str):
        defect_classes (LotOutDefectClasses):
        defects (LotOutDefects):
        factory_org_id (UUID):
        id (UUID):
        level (str):
        lot_size (int):
        order_id (UUID):
        plan (LotOutPlan):
        process (str):
        product (str):
        quantity (int):
        reinstate_normal (bool):
        sample_size (int):
        severity (str):
        units (LotOutUnits):
    """

    allocation_id: UUID
    aqls: LotOutAqls
    buyer_org_id: UUID
    created_at: datetime.datetime
    decided_at: datetime.datetime | None
    decision: None | str
    defect_classes: LotOutDefectClasses
    defects: LotOutDefects
    factory_org_id: UUID
    id: UUID
    level: str
    lot_size: int
    order_id: UUID
    plan: LotOutPlan
    process: str
    product: str
    quantity: int
    reinstate_normal: bool
    sample_size: int
    severity: str
    units: LotOutUnits
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        allocation_id = str(self.allocation_id)

        aqls = self.aqls.to_dict()

        buyer_org_id = str(self.buyer_org_id)

        created_at = self.created_at.isoformat()

        decided_at: None | str
        if isinstance(self.decided_at, datetime.datetime):
            decided_at = self.decided_at.isoformat()
        else:
            decided_at = self.decided_at

        decision: None | str
        decision = self.decision

        defect_classes = self.defect_classes.to_dict()

        defects = self.defects.to_dict()

        factory_org_id = str(self.factory_org_id)

        id = str(self.id)

        level = self.level

        lot_size = self.lot_size

        order_id = str(self.order_id)

        plan = self.plan.to_dict()

        process = self.process

        product = self.product

        quantity = self.quantity

        reinstate_normal = self.reinstate_normal

        sample_size = self.sample_size

        severity = self.severity

        units = self.units.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "allocation_id": allocation_id,
                "aqls": aqls,
                "buyer_org_id": buyer_org_id,
                "created_at": created_at,
                "decided_at": decided_at,
                "decision": decision,
                "defect_classes": defect_classes,
                "defects": defects,
                "factory_org_id": factory_org_id,
                "id": id,
                "level": level,
                "lot_size": lot_size,
                "order_id": order_id,
                "plan": plan,
                "process": process,
                "product": product,
                "quantity": quantity,
                "reinstate_normal": reinstate_normal,
                "sample_size": sample_size,
                "severity": severity,
                "units": units,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.lot_out_aqls import LotOutAqls  # noqa: PLC0415
        from ..models.lot_out_defect_classes import LotOutDefectClasses  # noqa: PLC0415
        from ..models.lot_out_defects import LotOutDefects  # noqa: PLC0415
        from ..models.lot_out_plan import LotOutPlan  # noqa: PLC0415
        from ..models.lot_out_units import LotOutUnits  # noqa: PLC0415

        d = dict(src_dict)
        allocation_id = UUID(d.pop("allocation_id"))

        aqls = LotOutAqls.from_dict(d.pop("aqls"))

        buyer_org_id = UUID(d.pop("buyer_org_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_decided_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decided_at_type_0 = datetime.datetime.fromisoformat(data)

                return decided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        decided_at = _parse_decided_at(d.pop("decided_at"))

        def _parse_decision(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        decision = _parse_decision(d.pop("decision"))

        defect_classes = LotOutDefectClasses.from_dict(d.pop("defect_classes"))

        defects = LotOutDefects.from_dict(d.pop("defects"))

        factory_org_id = UUID(d.pop("factory_org_id"))

        id = UUID(d.pop("id"))

        level = d.pop("level")

        lot_size = d.pop("lot_size")

        order_id = UUID(d.pop("order_id"))

        plan = LotOutPlan.from_dict(d.pop("plan"))

        process = d.pop("process")

        product = d.pop("product")

        quantity = d.pop("quantity")

        reinstate_normal = d.pop("reinstate_normal")

        sample_size = d.pop("sample_size")

        severity = d.pop("severity")

        units = LotOutUnits.from_dict(d.pop("units"))

        lot_out = cls(
            allocation_id=allocation_id,
            aqls=aqls,
            buyer_org_id=buyer_org_id,
            created_at=created_at,
            decided_at=decided_at,
            decision=decision,
            defect_classes=defect_classes,
            defects=defects,
            factory_org_id=factory_org_id,
            id=id,
            level=level,
            lot_size=lot_size,
            order_id=order_id,
            plan=plan,
            process=process,
            product=product,
            quantity=quantity,
            reinstate_normal=reinstate_normal,
            sample_size=sample_size,
            severity=severity,
            units=units,
        )

        lot_out.additional_properties = d
        return lot_out

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
