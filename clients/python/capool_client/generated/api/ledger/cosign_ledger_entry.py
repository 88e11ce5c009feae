from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cosign_in import CosignIn
from ...models.cosign_ledger_entry_response_201 import CosignLedgerEntryResponse201
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    seq: int,
    *,
    body: CosignIn,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

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
) -> CosignLedgerEntryResponse201 | Problem | None:
    if response.status_code == 201:
        response_201 = CosignLedgerEntryResponse201.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

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
) -> Response[CosignLedgerEntryResponse201 | Problem]:
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
    idempotency_key: str | Unset = UNSET,
) -> Response[CosignLedgerEntryResponse201 | Problem]:
    """Counter-sign an entry that concerns the caller

    Args:
        seq (int):
        idempotency_key (str | Unset):
        body (CosignIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CosignLedgerEntryResponse201 | Problem]
    """

    kwargs = _get_kwargs(
        seq=seq,
        body=body,
        idempotency_key=idempotency_key,
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
    idempotency_key: str | Unset = UNSET,
) -> CosignLedgerEntryResponse201 | Problem | None:
    """Counter-sign an entry that concerns the caller

    Args:
        seq (int):
        idempotency_key (str | Unset):
        body (CosignIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CosignLedgerEntryResponse201 | Problem
    """

    return sync_detailed(
        seq=seq,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    seq: int,
    *,
    client: AuthenticatedClient,
    body: CosignIn,
    idempotency_key: str | Unset = UNSET,
) -> Response[CosignLedgerEntryResponse201 | Problem]:
    """Counter-sign an entry that concerns the caller

    Args:
        seq (int):
        idempotency_key (str | Unset):
        body (CosignIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CosignLedgerEntryResponse201 | Problem]
    """

    kwargs = _get_kwargs(
        seq=seq,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    seq: int,
    *,
    client: AuthenticatedClient,
    body: CosignIn,
    idempotency_key: str | Unset = UNSET,
) -> CosignLedgerEntryResponse201 | Problem | None:
    """Counter-sign an entry that concerns the caller

    Args:
        seq (int):
        idempotency_key (str | Unset):
        body (CosignIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CosignLedgerEntryResponse201 | Problem
    """

    return (
        await asyncio_detailed(
            seq=seq,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
