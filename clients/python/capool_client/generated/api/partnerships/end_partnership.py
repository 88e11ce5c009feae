from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.partnership_out import PartnershipOut
from ...types import Response


def _get_kwargs(
    partnership_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/partnerships/{partnership_id}/end".format(
            partnership_id=quote(str(partnership_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PartnershipOut | None:
    if response.status_code == 200:
        response_200 = PartnershipOut.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PartnershipOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    partnership_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[PartnershipOut]:
    """End a partnership

    Args:
        partnership_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PartnershipOut]
    """

    kwargs = _get_kwargs(
        partnership_id=partnership_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    partnership_id: UUID,
    *,
    client: AuthenticatedClient,
) -> PartnershipOut | None:
    """End a partnership

    Args:
        partnership_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PartnershipOut
    """

    return sync_detailed(
        partnership_id=partnership_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    partnership_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[PartnershipOut]:
    """End a partnership

    Args:
        partnership_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PartnershipOut]
    """

    kwargs = _get_kwargs(
        partnership_id=partnership_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    partnership_id: UUID,
    *,
    client: AuthenticatedClient,
) -> PartnershipOut | None:
    """End a partnership

    Args:
        partnership_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PartnershipOut
    """

    return (
        await asyncio_detailed(
            partnership_id=partnership_id,
            client=client,
        )
    ).parsed
