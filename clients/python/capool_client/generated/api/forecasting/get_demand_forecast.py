from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.demand_forecast_out import DemandForecastOut
from ...models.granularity import Granularity
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    process: None | str | Unset = UNSET,
    horizon: int | Unset = 28,
    granularity: Granularity | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_process: None | str | Unset
    if isinstance(process, Unset):
        json_process = UNSET
    else:
        json_process = process
    params["process"] = json_process

    params["horizon"] = horizon

    json_granularity: str | Unset = UNSET
    if not isinstance(granularity, Unset):
        json_granularity = granularity

    params["granularity"] = json_granularity

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/forecasts/demand",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DemandForecastOut | Problem | None:
    if response.status_code == 200:
        response_200 = DemandForecastOut.from_dict(response.json())

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
) -> Response[DemandForecastOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    process: None | str | Unset = UNSET,
    horizon: int | Unset = 28,
    granularity: Granularity | Unset = UNSET,
) -> Response[DemandForecastOut | Problem]:
    """The caller's latest demand forecast per process, with 80% / 95% intervals

    Args:
        process (None | str | Unset):
        horizon (int | Unset): days ahead, 7-28 Default: 28.
        granularity (Granularity | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DemandForecastOut | Problem]
    """

    kwargs = _get_kwargs(
        process=process,
        horizon=horizon,
        granularity=granularity,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    process: None | str | Unset = UNSET,
    horizon: int | Unset = 28,
    granularity: Granularity | Unset = UNSET,
) -> DemandForecastOut | Problem | None:
    """The caller's latest demand forecast per process, with 80% / 95% intervals

    Args:
        process (None | str | Unset):
        horizon (int | Unset): days ahead, 7-28 Default: 28.
        granularity (Granularity | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DemandForecastOut | Problem
    """

    return sync_detailed(
        client=client,
        process=process,
        horizon=horizon,
        granularity=granularity,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    process: None | str | Unset = UNSET,
    horizon: int | Unset = 28,
    granularity: Granularity | Unset = UNSET,
) -> Response[DemandForecastOut | Problem]:
    """The caller's latest demand forecast per process, with 80% / 95% intervals

    Args:
        process (None | str | Unset):
        horizon (int | Unset): days ahead, 7-28 Default: 28.
        granularity (Granularity | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DemandForecastOut | Problem]
    """

    kwargs = _get_kwargs(
        process=process,
        horizon=horizon,
        granularity=granularity,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    process: None | str | Unset = UNSET,
    horizon: int | Unset = 28,
    granularity: Granularity | Unset = UNSET,
) -> DemandForecastOut | Problem | None:
    """The caller's latest demand forecast per process, with 80% / 95% intervals

    Args:
        process (None | str | Unset):
        horizon (int | Unset): days ahead, 7-28 Default: 28.
        granularity (Granularity | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DemandForecastOut | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            process=process,
            horizon=horizon,
            granularity=granularity,
        )
    ).parsed
