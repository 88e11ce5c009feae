from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.process_out import ProcessOut
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    include_retired: bool | Unset = False,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["include_retired"] = include_retired

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/processes",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | list[ProcessOut] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = ProcessOut.from_dict(response_200_item_data)

            response_200.append(response_200_item)

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
) -> Response[Problem | list[ProcessOut]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    include_retired: bool | Unset = False,
) -> Response[Problem | list[ProcessOut]]:
    """The alliance's process catalogue (the codes orders, offers and resources may name)

    Args:
        include_retired (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[ProcessOut]]
    """

    kwargs = _get_kwargs(
        include_retired=include_retired,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    include_retired: bool | Unset = False,
) -> Problem | list[ProcessOut] | None:
    """The alliance's process catalogue (the codes orders, offers and resources may name)

    Args:
        include_retired (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[ProcessOut]
    """

    return sync_detailed(
        client=client,
        include_retired=include_retired,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    include_retired: bool | Unset = False,
) -> Response[Problem | list[ProcessOut]]:
    """The alliance's process catalogue (the codes orders, offers and resources may name)

    Args:
        include_retired (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[ProcessOut]]
    """

    kwargs = _get_kwargs(
        include_retired=include_retired,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    include_retired: bool | Unset = False,
) -> Problem | list[ProcessOut] | None:
    """The alliance's process catalogue (the codes orders, offers and resources may name)

    Args:
        include_retired (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[ProcessOut]
    """

    return (
        await asyncio_detailed(
            client=client,
            include_retired=include_retired,
        )
    ).parsed
