import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.comparison_out import ComparisonOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    start: datetime.date | None | Unset = UNSET,
    weeks: int | Unset = 12,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_start: None | str | Unset
    if isinstance(start, Unset):
        json_start = UNSET
    elif isinstance(start, datetime.date):
        json_start = start.isoformat()
    else:
        json_start = start
    params["start"] = json_start

    params["weeks"] = weeks

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/catenax/comparison",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ComparisonOut | Problem | None:
    if response.status_code == 200:
        response_200 = ComparisonOut.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ComparisonOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    start: datetime.date | None | Unset = UNSET,
    weeks: int | Unset = 12,
) -> Response[ComparisonOut | Problem]:
    """Demand against actual and maximum capacity per buyer, process and ISO week, with the DCM matching
    status and volatility alerts

    Args:
        start (datetime.date | None | Unset): a day of the first ISO week (default: this week)
        weeks (int | Unset): ISO weeks, 1-104 Default: 12.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ComparisonOut | Problem]
    """

    kwargs = _get_kwargs(
        start=start,
        weeks=weeks,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    start: datetime.date | None | Unset = UNSET,
    weeks: int | Unset = 12,
) -> ComparisonOut | Problem | None:
    """Demand against actual and maximum capacity per buyer, process and ISO week, with the DCM matching
    status and volatility alerts

    Args:
        start (datetime.date | None | Unset): a day of the first ISO week (default: this week)
        weeks (int | Unset): ISO weeks, 1-104 Default: 12.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ComparisonOut | Problem
    """

    return sync_detailed(
        client=client,
        start=start,
        weeks=weeks,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    start: datetime.date | None | Unset = UNSET,
    weeks: int | Unset = 12,
) -> Response[ComparisonOut | Problem]:
    """Demand against actual and maximum capacity per buyer, process and ISO week, with the DCM matching
    status and volatility alerts

    Args:
        start (datetime.date | None | Unset): a day of the first ISO week (default: this week)
        weeks (int | Unset): ISO weeks, 1-104 Default: 12.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ComparisonOut | Problem]
    """

    kwargs = _get_kwargs(
        start=start,
        weeks=weeks,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    start: datetime.date | None | Unset = UNSET,
    weeks: int | Unset = 12,
) -> ComparisonOut | Problem | None:
    """Demand against actual and maximum capacity per buyer, process and ISO week, with the DCM matching
    status and volatility alerts

    Args:
        start (datetime.date | None | Unset): a day of the first ISO week (default: this week)
        weeks (int | Unset): ISO weeks, 1-104 Default: 12.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ComparisonOut | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            start=start,
            weeks=weeks,
        )
    ).parsed
