from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.attempt_out import AttemptOut
    from ..models.delivery_log_out_body import DeliveryLogOutBody
    from ..models.delivery_out import DeliveryOut


T = TypeVar("T", bound="DeliveryLogOut")


@_attrs_define
class DeliveryLogOut:
    """
    Attributes:
        attempts (list[AttemptOut]):
        body (DeliveryLogOutBody):
        delivery (DeliveryOut):
    """

    attempts: list[AttemptOut]
    body: DeliveryLogOutBody
    delivery: DeliveryOut
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        attempts = []
        for attempts_item_data in self.attempts:
            attempts_item = attempts_item_data.to_dict()
            attempts.append(attempts_item)

        body = self.body.to_dict()

        delivery = self.delivery.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attempts": attempts,
                "body": body,
                "delivery": delivery,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attempt_out import AttemptOut  # noqa: PLC0415
        from ..models.delivery_log_out_body import DeliveryLogOutBody  # noqa: PLC0415
        from ..models.delivery_out import DeliveryOut  # noqa: PLC0415

        d = dict(src_dict)
        attempts = []
        _attempts = d.pop("attempts")
        for attempts_item_data in _attempts:
            attempts_item = AttemptOut.from_dict(attempts_item_data)

            attempts.append(attempts_item)

        body = DeliveryLogOutBody.from_dict(d.pop("body"))

        delivery = DeliveryOut.from_dict(d.pop("delivery"))

        delivery_log_out = cls(
            attempts=attempts,
            body=body,
            delivery=delivery,
        )

        delivery_log_out.additional_properties = d
        return delivery_log_out

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
