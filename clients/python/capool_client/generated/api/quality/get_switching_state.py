from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.switching_out import SwitchingOut
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    product: str,
    factory: None | Unset | UUID = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["product"] = product

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
        "url": "/v1/quality/switching",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | SwitchingOut | None:
    if response.status_code == 200:
        response_200 = SwitchingOut.from_dict(response.json())

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
) -> Response[Problem | SwitchingOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    product: str,
    factory: None | Unset | UUID = UNSET,
) -> Response[Problem | SwitchingOut]:
    """Switching state (normal / tightened / reduced, discontinued) of a factory and product

    Args:
        product (str):
        factory (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SwitchingOut]
    """

    kwargs = _get_kwargs(
        product=product,
        factory=factory,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    product: str,
    factory: None | Unset | UUID = UNSET,
) -> Problem | SwitchingOut | None:
    """Switching state (normal / tightened / reduced, discontinued) of a factory and product

    Args:
        product (str):
        factory (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SwitchingOut
    """

    return sync_detailed(
        client=client,
        product=product,
        factory=factory,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    product: str,
    factory: None | Unset | UUID = UNSET,
) -> Response[Problem | SwitchingOut]:
    """Switching state (normal / tightened / reduced, discontinued) of a factory and product

    Args:
        product (str):
        factory (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SwitchingOut]
    """

    kwargs = _get_kwargs(
        product=product,
        factory=factory,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    product: str,
    factory: None | Unset | UUID = UNSET,
) -> Problem | SwitchingOut | None:
    """Switching state (normal / tightened / reduced, discontinued) of a factory and product

    Args:
        product (str):
        factory (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SwitchingOut
    """

    return (
        await asyncio_detailed(
            client=client,
            product=product,
            factory=factory,
        )
    ).parsed
