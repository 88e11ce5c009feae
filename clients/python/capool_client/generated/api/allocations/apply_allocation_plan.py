from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.allocation_out import AllocationOut
from ...models.match_run_out import MatchRunOut
from ...models.plan_in import PlanIn
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: PlanIn,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/allocation-plans",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> MatchRunOut | Problem | list[AllocationOut] | MatchRunOut | None:
    if response.status_code == 201:

        def _parse_response_201(data: object) -> list[AllocationOut] | MatchRunOut:
            try:
                if not isinstance(data, list):
                    raise TypeError()
                response_201_type_0 = []
                _response_201_type_0 = data
                for response_201_type_0_item_data in _response_201_type_0:
                    response_201_type_0_item = AllocationOut.from_dict(response_201_type_0_item_data)

                    response_201_type_0.append(response_201_type_0_item)

                return response_201_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            response_201_type_1 = MatchRunOut.from_dict(data)

            return response_201_type_1

        response_201 = _parse_response_201(response.json())

        return response_201

    if response.status_code == 202:
        response_202 = MatchRunOut.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[MatchRunOut | Problem | list[AllocationOut] | MatchRunOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: PlanIn,
    idempotency_key: str | Unset = UNSET,
) -> Response[MatchRunOut | Problem | list[AllocationOut] | MatchRunOut]:
    """Apply an allocation plan atomically (201, the allocations); a plan at or above the approval
    threshold is stored as a run awaiting two approvals (202, the run)

    Args:
        idempotency_key (str | Unset):
        body (PlanIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MatchRunOut | Problem | list[AllocationOut] | MatchRunOut]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: PlanIn,
    idempotency_key: str | Unset = UNSET,
) -> MatchRunOut | Problem | list[AllocationOut] | MatchRunOut | None:
    """Apply an allocation plan atomically (201, the allocations); a plan at or above the approval
    threshold is stored as a run awaiting two approvals (202, the run)

    Args:
        idempotency_key (str | Unset):
        body (PlanIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MatchRunOut | Problem | list[AllocationOut] | MatchRunOut
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: PlanIn,
    idempotency_key: str | Unset = UNSET,
) -> Response[MatchRunOut | Problem | list[AllocationOut] | MatchRunOut]:
    """Apply an allocation plan atomically (201, the allocations); a plan at or above the approval
    threshold is stored as a run awaiting two approvals (202, the run)

    Args:
        idempotency_key (str | Unset):
        body (PlanIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MatchRunOut | Problem | list[AllocationOut] | MatchRunOut]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: PlanIn,
    idempotency_key: str | Unset = UNSET,
) -> MatchRunOut | Problem | list[AllocationOut] | MatchRunOut | None:
    """Apply an allocation plan atomically (201, the allocations); a plan at or above the approval
    threshold is stored as a run awaiting two approvals (202, the run)

    Args:
        idempotency_key (str | Unset):
        body (PlanIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MatchRunOut | Problem | list[AllocationOut] | MatchRunOut
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
