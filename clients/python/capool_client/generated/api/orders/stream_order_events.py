from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    order_id: UUID,
    *,
    follow: bool | Unset = True,
    max_wait: int | Unset = 300,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["follow"] = follow

    params["max_wait"] = max_wait

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/orders/{order_id}/events".format(
            order_id=quote(str(order_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | str | None:
    if response.status_code == 200:
        response_200 = response.text
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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    order_id: UUID,
    *,
    client: AuthenticatedClient,
    follow: bool | Unset = True,
    max_wait: int | Unset = 300,
) -> Response[Problem | str]:
    """Order status changes as server-sent events

     Sends the order's status history, then each new change (event `status`, id = change id). Reconnect
    with Last-Event-ID to resume. `follow=false` ends after the history; the stream ends after
    `max_wait` seconds.

    Args:
        order_id (UUID):
        follow (bool | Unset):  Default: True.
        max_wait (int | Unset):  Default: 300.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | str]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        follow=follow,
        max_wait=max_wait,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    order_id: UUID,
    *,
    client: AuthenticatedClient,
    follow: bool | Unset = True,
    max_wait: int | Unset = 300,
) -> Problem | str | None:
    """Order status changes as server-sent events

     Sends the order's status history, then each new change (event `status`, id = change id). Reconnect
    with Last-Event-ID to resume. `follow=false` ends after the history; the stream ends after
    `max_wait` seconds.

    Args:
        order_id (UUID):
        follow (bool | Unset):  Default: True.
        max_wait (int | Unset):  Default: 300.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | str
    """

    return sync_detailed(
        order_id=order_id,
        client=client,
        follow=follow,
        max_wait=max_wait,
    ).parsed


async def asyncio_detailed(
    order_id: UUID,
    *,
    client: AuthenticatedClient,
    follow: bool | Unset = True,
    max_wait: int | Unset = 300,
) -> Response[Problem | str]:
    """Order status changes as server-sent events

     Sends the order's status history, then each new change (event `status`, id = change id). Reconnect
    with Last-Event-ID to resume. `follow=false` ends after the history; the stream ends after
    `max_wait` seconds.

    Args:
        order_id (UUID):
        follow (bool | Unset):  Default: True.
        max_wait (int | Unset):  Default: 300.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | str]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        follow=follow,
        max_wait=max_wait,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    order_id: UUID,
    *,
    client: AuthenticatedClient,
    follow: bool | Unset = True,
    max_wait: int | Unset = 300,
) -> Problem | str | None:
    """Order status changes as server-sent events

     Sends the order's status history, then each new change (event `status`, id = change id). Reconnect
    with Last-Event-ID to resume. `follow=false` ends after the history; the stream ends after
    `max_wait` seconds.

    Args:
        order_id (UUID):
        follow (bool | Unset):  Default: True.
        max_wait (int | Unset):  Default: 300.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | str
    """

    return (
        await asyncio_detailed(
            order_id=order_id,
            client=client,
            follow=follow,
            max_wait=max_wait,
        )
    ).parsed
