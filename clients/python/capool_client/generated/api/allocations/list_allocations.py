from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.allocation_page import AllocationPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    order_id: None | Unset | UUID = UNSET,
    offer_id: None | Unset | UUID = UNSET,
    status: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_order_id: None | str | Unset
    if isinstance(order_id, Unset):
        json_order_id = UNSET
    elif isinstance(order_id, UUID):
        json_order_id = str(order_id)
    else:
        json_order_id = order_id
    params["order_id"] = json_order_id

    json_offer_id: None | str | Unset
    if isinstance(offer_id, Unset):
        json_offer_id = UNSET
    elif isinstance(offer_id, UUID):
        json_offer_id = str(offer_id)
    else:
        json_offer_id = offer_id
    params["offer_id"] = json_offer_id

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    else:
        json_status = status
    params["status"] = json_status

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/allocations",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AllocationPage | Problem | None:
    if response.status_code == 200:
        response_200 = AllocationPage.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AllocationPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    order_id: None | Unset | UUID = UNSET,
    offer_id: None | Unset | UUID = UNSET,
    status: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[AllocationPage | Problem]:
    """Allocations the caller is party to

    Args:
        order_id (None | Unset | UUID):
        offer_id (None | Unset | UUID):
        status (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page
        limit (int | Unset): Items per page; the page's next_cursor, sent as cursor, gives the
            next one Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AllocationPage | Problem]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        offer_id=offer_id,
        status=status,
        cursor=cursor,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    order_id: None | Unset | UUID = UNSET,
    offer_id: None | Unset | UUID = UNSET,
    status: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> AllocationPage | Problem | None:
    """Allocations the caller is party to

    Args:
        order_id (None | Unset | UUID):
        offer_id (None | Unset | UUID):
        status (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page
        limit (int | Unset): Items per page; the page's next_cursor, sent as cursor, gives the
            next one Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AllocationPage | Problem
    """

    return sync_detailed(
        client=client,
        order_id=order_id,
        offer_id=offer_id,
        status=status,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    order_id: None | Unset | UUID = UNSET,
    offer_id: None | Unset | UUID = UNSET,
    status: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[AllocationPage | Problem]:
    """Allocations the caller is party to

    Args:
        order_id (None | Unset | UUID):
        offer_id (None | Unset | UUID):
        status (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page
        limit (int | Unset): Items per page; the page's next_cursor, sent as cursor, gives the
            next one Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AllocationPage | Problem]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        offer_id=offer_id,
        status=status,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    order_id: None | Unset | UUID = UNSET,
    offer_id: None | Unset | UUID = UNSET,
    status: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> AllocationPage | Problem | None:
    """Allocations the caller is party to

    Args:
        order_id (None | Unset | UUID):
        offer_id (None | Unset | UUID):
        status (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page
        limit (int | Unset): Items per page; the page's next_cursor, sent as cursor, gives the
            next one Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AllocationPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            order_id=order_id,
            offer_id=offer_id,
            status=status,
            cursor=cursor,
            limit=limit,
        )
    ).parsed
