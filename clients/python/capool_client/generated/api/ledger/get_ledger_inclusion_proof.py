from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.get_ledger_inclusion_proof_response_200 import GetLedgerInclusionProofResponse200
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    seq: int,
    *,
    tree_size: int | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_tree_size: int | None | Unset
    if isinstance(tree_size, Unset):
        json_tree_size = UNSET
    else:
        json_tree_size = tree_size
    params["tree_size"] = json_tree_size

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/ledger/entries/{seq}/proof".format(
            seq=quote(str(seq), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> GetLedgerInclusionProofResponse200 | Problem | None:
    if response.status_code == 200:
        response_200 = GetLedgerInclusionProofResponse200.from_dict(response.json())

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
) -> Response[GetLedgerInclusionProofResponse200 | Problem]:
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
    tree_size: int | None | Unset = UNSET,
) -> Response[GetLedgerInclusionProofResponse200 | Problem]:
    """Inclusion proof of an entry (RFC 9162 2.1.3) with its checkpoint

    Args:
        seq (int):
        tree_size (int | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetLedgerInclusionProofResponse200 | Problem]
    """

    kwargs = _get_kwargs(
        seq=seq,
        tree_size=tree_size,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    seq: int,
    *,
    client: AuthenticatedClient,
    tree_size: int | None | Unset = UNSET,
) -> GetLedgerInclusionProofResponse200 | Problem | None:
    """Inclusion proof of an entry (RFC 9162 2.1.3) with its checkpoint

    Args:
        seq (int):
        tree_size (int | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetLedgerInclusionProofResponse200 | Problem
    """

    return sync_detailed(
        seq=seq,
        client=client,
        tree_size=tree_size,
    ).parsed


async def asyncio_detailed(
    seq: int,
    *,
    client: AuthenticatedClient,
    tree_size: int | None | Unset = UNSET,
) -> Response[GetLedgerInclusionProofResponse200 | Problem]:
    """Inclusion proof of an entry (RFC 9162 2.1.3) with its checkpoint

    Args:
        seq (int):
        tree_size (int | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetLedgerInclusionProofResponse200 | Problem]
    """

    kwargs = _get_kwargs(
        seq=seq,
        tree_size=tree_size,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    seq: int,
    *,
    client: AuthenticatedClient,
    tree_size: int | None | Unset = UNSET,
) -> GetLedgerInclusionProofResponse200 | Problem | None:
    """Inclusion proof of an entry (RFC 9162 2.1.3) with its checkpoint

    Args:
        seq (int):
        tree_size (int | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetLedgerInclusionProofResponse200 | Problem
    """

    return (
        await asyncio_detailed(
            seq=seq,
            client=client,
            tree_size=tree_size,
        )
    ).parsed
