from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.plan_out import PlanOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    lot_size: int,
    aql: float,
    level: str | Unset = "II",
    severity: str | Unset = "normal",
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["lot_size"] = lot_size

    params["aql"] = aql

    params["level"] = level

    params["severity"] = severity

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/quality/plan",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PlanOut | Problem | None:
    if response.status_code == 200:
        response_200 = PlanOut.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PlanOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    lot_size: int,
    aql: float,
    level: str | Unset = "II",
    severity: str | Unset = "normal",
) -> Response[PlanOut | Problem]:
    """ISO 2859-1 single-sampling plan for a lot size, inspection level and AQL

    Args:
        lot_size (int):
        aql (float):
        level (str | Unset):  Default: 'II'.
        severity (str | Unset):  Default: 'normal'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PlanOut | Problem]
    """

    kwargs = _get_kwargs(
        lot_size=lot_size,
        aql=aql,
        level=level,
        severity=severity,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    lot_size: int,
    aql: float,
    level: str | Unset = "II",
    severity: str | Unset = "normal",
) -> PlanOut | Problem | None:
    """ISO 2859-1 single-sampling plan for a lot size, inspection level and AQL

    Args:
        lot_size (int):
        aql (float):
        level (str | Unset):  Default: 'II'.
        severity (str | Unset):  Default: 'normal'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PlanOut | Problem
    """

    return sync_detailed(
        client=client,
        lot_size=lot_size,
        aql=aql,
        level=level,
        severity=severity,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    lot_size: int,
    aql: float,
    level: str | Unset = "II",
    severity: str | Unset = "normal",
) -> Response[PlanOut | Problem]:
    """ISO 2859-1 single-sampling plan for a lot size, inspection level and AQL

    Args:
        lot_size (int):
        aql (float):
        level (str | Unset):  Default: 'II'.
        severity (str | Unset):  Default: 'normal'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PlanOut | Problem]
    """

    kwargs = _get_kwargs(
        lot_size=lot_size,
        aql=aql,
        level=level,
        severity=severity,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    lot_size: int,
    aql: float,
    level: str | Unset = "II",
    severity: str | Unset = "normal",
) -> PlanOut | Problem | None:
    """ISO 2859-1 single-sampling plan for a lot size, inspection level and AQL

    Args:
        lot_size (int):
        aql (float):
        level (str | Unset):  Default: 'II'.
        severity (str | Unset):  Default: 'normal'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PlanOut | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            lot_size=lot_size,
            aql=aql,
            level=level,
            severity=severity,
        )
    ).parsed
