from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.match_run_out_plan_item import MatchRunOutPlanItem
    from ..models.match_run_out_request import MatchRunOutRequest
    from ..models.match_run_out_result_type_0 import MatchRunOutResultType0


T = TypeVar("T", bound="MatchRunOut")


@_attrs_define
class MatchRunOut:
    """
    Attributes:
        applied_at (datetime.datetime | None):
        applied_plan_id (None | UUID):
        bound (int | None):
        created_at (datetime.datetime):
        error (None | str):
        id (UUID):
        mode (str):
        moved_share_pct (int):
        needs_approval (bool):
        objective (int | None):
        organisation_id (UUID):
        plan (list[MatchRunOutPlanItem]):
        request (MatchRunOutRequest):
        requested_by (UUID):
        result (MatchRunOutResultType0 | None):
        status (str):
        trigger (str):
        value_minor (int):
        approvals (list[UUID] | Unset):
        plan_digest (None | str | Unset):
    """

    applied_at: datetime.datetime | None
    applied_plan_id: None | UUID
    bound: int | None
    created_at: datetime.datetime
    error: None | str
    id: UUID
    mode: str
    moved_share_pct: int
    needs_approval: bool
    objective: int | None
    organisation_id: UUID
    plan: list[MatchRunOutPlanItem]
    request: MatchRunOutRequest
    requested_by: UUID
    result: MatchRunOutResultType0 | None
    status: str
    trigger: str
    value_minor: int
    approvals: list[UUID] | Unset = UNSET
    plan_digest: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.match_run_out_result_type_0 import MatchRunOutResultType0  # noqa: PLC0415

        applied_at: None | str
        if isinstance(self.applied_at, datetime.datetime):
            applied_at = self.applied_at.isoformat()
        else:
            applied_at = self.applied_at

        applied_plan_id: None | str
        if isinstance(self.applied_plan_id, UUID):
            applied_plan_id = str(self.applied_plan_id)
        else:
            applied_plan_id = self.applied_plan_id

        bound: int | None
        bound = self.bound

        created_at = self.created_at.isoformat()

        error: None | str
        error = self.error

        id = str(self.id)

        mode = self.mode

        moved_share_pct = self.moved_share_pct

        needs_approval = self.needs_approval

        objective: int | None
        objective = self.objective

        organisation_id = str(self.organisation_id)

        plan = []
        for plan_item_data in self.plan:
            plan_item = plan_item_data.to_dict()
            plan.append(plan_item)

        request = self.request.to_dict()

        requested_by = str(self.requested_by)

        result: dict[str, Any] | None
        if isinstance(self.result, MatchRunOutResultType0):
            result = self.result.to_dict()
        else:
            result = self.result

        status = self.status

        trigger = self.trigger

        value_minor = self.value_minor

        approvals: list[str] | Unset = UNSET
        if not isinstance(self.approvals, Unset):
            approvals = []
            for approvals_item_data in self.approvals:
                approvals_item = str(approvals_item_data)
                approvals.append(approvals_item)

        plan_digest: None | str | Unset
        if isinstance(self.plan_digest, Unset):
            plan_digest = UNSET
        else:
            plan_digest = self.plan_digest

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "applied_at": applied_at,
                "applied_plan_id": applied_plan_id,
                "bound": bound,
                "created_at": created_at,
                "error": error,
                "id": id,
                "mode": mode,
                "moved_share_pct": moved_share_pct,
                "needs_approval": needs_approval,
                "objective": objective,
                "organisation_id": organisation_id,
                "plan": plan,
                "request": request,
                "requested_by": requested_by,
                "result": result,
                "status": status,
                "trigger": trigger,
                "value_minor": value_minor,
            }
        )
        if approvals is not UNSET:
            field_dict["approvals"] = approvals
        if plan_digest is not UNSET:
            field_dict["plan_digest"] = plan_digest

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.match_run_out_plan_item import MatchRunOutPlanItem  # noqa: PLC0415
        from ..models.match_run_out_request import MatchRunOutRequest  # noqa: PLC0415
        from ..models.match_run_out_result_type_0 import MatchRunOutResultType0  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_applied_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                applied_at_type_0 = datetime.datetime.fromisoformat(data)

                return applied_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        applied_at = _parse_applied_at(d.pop("applied_at"))

        def _parse_applied_plan_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                applied_plan_id_type_0 = UUID(data)

                return applied_plan_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        applied_plan_id = _parse_applied_plan_id(d.pop("applied_plan_id"))

        def _parse_bound(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        bound = _parse_bound(d.pop("bound"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        id = UUID(d.pop("id"))

        mode = d.pop("mode")

        moved_share_pct = d.pop("moved_share_pct")

        needs_approval = d.pop("needs_approval")

        def _parse_objective(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        objective = _parse_objective(d.pop("objective"))

        organisation_id = UUID(d.pop("organisation_id"))

        plan = []
        _plan = d.pop("plan")
        for plan_item_data in _plan:
            plan_item = MatchRunOutPlanItem.from_dict(plan_item_data)

            plan.append(plan_item)

        request = MatchRunOutRequest.from_dict(d.pop("request"))

        requested_by = UUID(d.pop("requested_by"))

        def _parse_result(data: object) -> MatchRunOutResultType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                result_type_0 = MatchRunOutResultType0.from_dict(data)

                return result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MatchRunOutResultType0 | None, data)

        result = _parse_result(d.pop("result"))

        status = d.pop("status")

        trigger = d.pop("trigger")

        value_minor = d.pop("value_minor")

        _approvals = d.pop("approvals", UNSET)
        approvals: list[UUID] | Unset = UNSET
        if _approvals is not UNSET:
            approvals = []
            for approvals_item_data in _approvals:
                approvals_item = UUID(approvals_item_data)

                approvals.append(approvals_item)

        def _parse_plan_digest(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        plan_digest = _parse_plan_digest(d.pop("plan_digest", UNSET))

        match_run_out = cls(
            applied_at=applied_at,
            applied_plan_id=applied_plan_id,
            bound=bound,
            created_at=created_at,
            error=error,
            id=id,
            mode=mode,
            moved_share_pct=moved_share_pct,
            needs_approval=needs_approval,
            objective=objective,
            organisation_id=organisation_id,
            plan=plan,
            request=request,
            requested_by=requested_by,
            result=result,
            status=status,
            trigger=trigger,
            value_minor=value_minor,
            approvals=approvals,
            plan_digest=plan_digest,
        )

        match_run_out.additional_properties = d
        return match_run_out

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
