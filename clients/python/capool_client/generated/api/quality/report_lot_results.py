from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.lot_out import LotOut
from ...models.results_in import ResultsIn
from ...types import Response


def _get_kwargs(
    lot_id: UUID,
    *,
    body: ResultsIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/quality/lots/{lot_id}/results".format(
            lot_id=quote(str(lot_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> LotOut | None:
    if response.status_code == 200:
        response_200 = LotOut.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[LotOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    lot_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ResultsIn,
) -> Response[LotOut]:
    """Report defect counts; a final report decides the lot

    Args:
        lot_id (UUID):
        body (ResultsIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LotOut]
    """

    kwargs = _get_kwargs(
        lot_id=lot_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    lot_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ResultsIn,
) -> LotOut | None:
    """Report defect counts; a final report decides the lot

    Args:
        lot_id (UUID):
        body (ResultsIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LotOut
    """

    return sync_detailed(
        lot_id=lot_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    lot_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ResultsIn,
) -> Response[LotOut]:
    """Report defect counts; a final report decides the lot

    Args:
        lot_id (UUID):
        body (ResultsIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LotOut]
    """

    kwargs = _get_kwargs(
        lot_id=lot_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    lot_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ResultsIn,
) -> LotOut | None:
    """Report defect counts; a final report decides the lot

    Args:
        lot_id (UUID):
        body (ResultsIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LotOut
    """

    return (
        await asyncio_detailed(
            lot_id=lot_id,
            client=client,
            body=body,
        )
    ).parsed
