from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cosign_in import CosignIn
from ...models.cosign_ledger_entry_response_201 import CosignLedgerEntryResponse201
from ...types import Response


def _get_kwargs(
    seq: int,
    *,
    body: CosignIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/ledger/entries/{seq}/cosignatures".format(
            seq=quote(str(seq), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CosignLedgerEntryResponse201 | None:
    if response.status_code == 201:
        response_201 = CosignLedgerEntryResponse201.from_dict(response.json())

        return response_201

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[CosignLedgerEntryResponse201]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    seq: int,
    *,
    client: AuthenticatedClient,
    body: CosignIn,
) -> Response[CosignLedgerEntryResponse201]:
    """Counter-sign an entry that concerns the caller

    Args:
        seq (int):
        body (CosignIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CosignLedgerEntryResponse201]
    """

    kwargs = _get_kwargs(
        seq=seq,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    seq: int,
    *,
    client: AuthenticatedClient,
    body: CosignIn,
) -> CosignLedgerEntryResponse201 | None:
    """Counter-sign an entry that concerns the caller

    Args:
        seq (int):
        body (CosignIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CosignLedgerEntryResponse201
    """

    return sync_detailed(
        seq=seq,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    seq: int,
    *,
    client: AuthenticatedClient,
    body: CosignIn,
) -> Response[CosignLedgerEntryResponse201]:
    """Counter-sign an entry that concerns the caller

    Args:
        seq (int):
        body (CosignIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CosignLedgerEntryResponse201]
    """

    kwargs = _get_kwargs(
        seq=seq,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    seq: int,
    *,
    client: AuthenticatedClient,
    body: CosignIn,
) -> CosignLedgerEntryResponse201 | None:
    """Counter-sign an entry that concerns the caller

    Args:
        seq (int):
        body (CosignIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CosignLedgerEntryResponse201
    """

    return (
        await asyncio_detailed(
            seq=seq,
            client=client,
            body=body,
        )
    ).parsed
