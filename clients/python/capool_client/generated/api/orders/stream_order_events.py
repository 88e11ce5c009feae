from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
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


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | None:
    if response.status_code == 200:
        return None

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any]:
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
) -> Response[Any]:
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
        Response[Any]
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


async def asyncio_detailed(
    order_id: UUID,
    *,
    client: AuthenticatedClient,
    follow: bool | Unset = True,
    max_wait: int | Unset = 300,
) -> Response[Any]:
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
        Response[Any]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        follow=follow,
        max_wait=max_wait,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)
