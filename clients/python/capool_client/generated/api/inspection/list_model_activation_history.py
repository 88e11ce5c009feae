from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.activation_record_out import ActivationRecordOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    factory_org_id: None | Unset | UUID = UNSET,
    product: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_factory_org_id: None | str | Unset
    if isinstance(factory_org_id, Unset):
        json_factory_org_id = UNSET
    elif isinstance(factory_org_id, UUID):
        json_factory_org_id = str(factory_org_id)
    else:
        json_factory_org_id = factory_org_id
    params["factory_org_id"] = json_factory_org_id

    json_product: None | str | Unset
    if isinstance(product, Unset):
        json_product = UNSET
    else:
        json_product = product
    params["product"] = json_product

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/inspection/activations/history",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | list[ActivationRecordOut] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = ActivationRecordOut.from_dict(response_200_item_data)

            response_200.append(response_200_item)

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
) -> Response[Problem | list[ActivationRecordOut]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    factory_org_id: None | Unset | UUID = UNSET,
    product: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[Problem | list[ActivationRecordOut]]:
    """Activations, rollbacks and deactivations of the factory's models, newest first, with who made them

    Args:
        factory_org_id (None | Unset | UUID): a factory of the alliance (alliance admin); default:
            the caller's organisation
        product (None | str | Unset):
        limit (int | Unset): Items per page; the page's next_cursor, sent as cursor, gives the
            next one Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[ActivationRecordOut]]
    """

    kwargs = _get_kwargs(
        factory_org_id=factory_org_id,
        product=product,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    factory_org_id: None | Unset | UUID = UNSET,
    product: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Problem | list[ActivationRecordOut] | None:
    """Activations, rollbacks and deactivations of the factory's models, newest first, with who made them

    Args:
        factory_org_id (None | Unset | UUID): a factory of the alliance (alliance admin); default:
            the caller's organisation
        product (None | str | Unset):
        limit (int | Unset): Items per page; the page's next_cursor, sent as cursor, gives the
            next one Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[ActivationRecordOut]
    """

    return sync_detailed(
        client=client,
        factory_org_id=factory_org_id,
        product=product,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    factory_org_id: None | Unset | UUID = UNSET,
    product: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[Problem | list[ActivationRecordOut]]:
    """Activations, rollbacks and deactivations of the factory's models, newest first, with who made them

    Args:
        factory_org_id (None | Unset | UUID): a factory of the alliance (alliance admin); default:
            the caller's organisation
        product (None | str | Unset):
        limit (int | Unset): Items per page; the page's next_cursor, sent as cursor, gives the
            next one Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[ActivationRecordOut]]
    """

    kwargs = _get_kwargs(
        factory_org_id=factory_org_id,
        product=product,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    factory_org_id: None | Unset | UUID = UNSET,
    product: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Problem | list[ActivationRecordOut] | None:
    """Activations, rollbacks and deactivations of the factory's models, newest first, with who made them

    Args:
        factory_org_id (None | Unset | UUID): a factory of the alliance (alliance admin); default:
            the caller's organisation
        product (None | str | Unset):
        limit (int | Unset): Items per page; the page's next_cursor, sent as cursor, gives the
            next one Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[ActivationRecordOut]
    """

    return (
        await asyncio_detailed(
            client=client,
            factory_org_id=factory_org_id,
            product=product,
            limit=limit,
        )
    ).parsed
