from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.spc_out import SpcOut
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    process: str,
    factory: None | Unset | UUID = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["process"] = process

    json_factory: None | str | Unset
    if isinstance(factory, Unset):
        json_factory = UNSET
    elif isinstance(factory, UUID):
        json_factory = str(factory)
    else:
        json_factory = factory
    params["factory"] = json_factory

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/quality/spc",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | SpcOut | None:
    if response.status_code == 200:
        response_200 = SpcOut.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | SpcOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    process: str,
    factory: None | Unset | UUID = UNSET,
) -> Response[Problem | SpcOut]:
    """p-chart and c-chart with run rules for a process (optionally one factory)

    Args:
        process (str):
        factory (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SpcOut]
    """

    kwargs = _get_kwargs(
        process=process,
        factory=factory,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    process: str,
    factory: None | Unset | UUID = UNSET,
) -> Problem | SpcOut | None:
    """p-chart and c-chart with run rules for a process (optionally one factory)

    Args:
        process (str):
        factory (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SpcOut
    """

    return sync_detailed(
        client=client,
        process=process,
        factory=factory,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    process: str,
    factory: None | Unset | UUID = UNSET,
) -> Response[Problem | SpcOut]:
    """p-chart and c-chart with run rules for a process (optionally one factory)

    Args:
        process (str):
        factory (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SpcOut]
    """

    kwargs = _get_kwargs(
        process=process,
        factory=factory,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    process: str,
    factory: None | Unset | UUID = UNSET,
) -> Problem | SpcOut | None:
    """p-chart and c-chart with run rules for a process (optionally one factory)

    Args:
        process (str):
        factory (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SpcOut
    """

    return (
        await asyncio_detailed(
            client=client,
            process=process,
            factory=factory,
        )
    ).parsed
