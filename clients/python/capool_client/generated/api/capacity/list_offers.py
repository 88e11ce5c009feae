import datetime
from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.offer_page import OfferPage
from ...models.offer_status import OfferStatus
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    process: None | str | Unset = UNSET,
    organisation_id: None | Unset | UUID = UNSET,
    status: None | OfferStatus | Unset = UNSET,
    available_on: datetime.date | None | Unset = UNSET,
    min_remaining: int | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_process: None | str | Unset
    if isinstance(process, Unset):
        json_process = UNSET
    else:
        json_process = process
    params["process"] = json_process

    json_organisation_id: None | str | Unset
    if isinstance(organisation_id, Unset):
        json_organisation_id = UNSET
    elif isinstance(organisation_id, UUID):
        json_organisation_id = str(organisation_id)
    else:
        json_organisation_id = organisation_id
    params["organisation_id"] = json_organisation_id

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, str):
        json_status = status
    else:
        json_status = status
    params["status"] = json_status

    json_available_on: None | str | Unset
    if isinstance(available_on, Unset):
        json_available_on = UNSET
    elif isinstance(available_on, datetime.date):
        json_available_on = available_on.isoformat()
    else:
        json_available_on = available_on
    params["available_on"] = json_available_on

    json_min_remaining: int | None | Unset
    if isinstance(min_remaining, Unset):
        json_min_remaining = UNSET
    else:
        json_min_remaining = min_remaining
    params["min_remaining"] = json_min_remaining

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
        "url": "/v1/offers",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> OfferPage | Problem | None:
    if response.status_code == 200:
        response_200 = OfferPage.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[OfferPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    process: None | str | Unset = UNSET,
    organisation_id: None | Unset | UUID = UNSET,
    status: None | OfferStatus | Unset = UNSET,
    available_on: datetime.date | None | Unset = UNSET,
    min_remaining: int | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[OfferPage | Problem]:
    """Search capacity offers visible to the caller

    Args:
        process (None | str | Unset):
        organisation_id (None | Unset | UUID):
        status (None | OfferStatus | Unset):
        available_on (datetime.date | None | Unset):
        min_remaining (int | None | Unset):
        cursor (None | str | Unset): next_cursor of the previous page
        limit (int | Unset): Items per page; the page's next_cursor, sent as cursor, gives the
            next one Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OfferPage | Problem]
    """

    kwargs = _get_kwargs(
        process=process,
        organisation_id=organisation_id,
        status=status,
        available_on=available_on,
        min_remaining=min_remaining,
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
    process: None | str | Unset = UNSET,
    organisation_id: None | Unset | UUID = UNSET,
    status: None | OfferStatus | Unset = UNSET,
    available_on: datetime.date | None | Unset = UNSET,
    min_remaining: int | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> OfferPage | Problem | None:
    """Search capacity offers visible to the caller

    Args:
        process (None | str | Unset):
        organisation_id (None | Unset | UUID):
        status (None | OfferStatus | Unset):
        available_on (datetime.date | None | Unset):
        min_remaining (int | None | Unset):
        cursor (None | str | Unset): next_cursor of the previous page
        limit (int | Unset): Items per page; the page's next_cursor, sent as cursor, gives the
            next one Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OfferPage | Problem
    """

    return sync_detailed(
        client=client,
        process=process,
        organisation_id=organisation_id,
        status=status,
        available_on=available_on,
        min_remaining=min_remaining,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    process: None | str | Unset = UNSET,
    organisation_id: None | Unset | UUID = UNSET,
    status: None | OfferStatus | Unset = UNSET,
    available_on: datetime.date | None | Unset = UNSET,
    min_remaining: int | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[OfferPage | Problem]:
    """Search capacity offers visible to the caller

    Args:
        process (None | str | Unset):
        organisation_id (None | Unset | UUID):
        status (None | OfferStatus | Unset):
        available_on (datetime.date | None | Unset):
        min_remaining (int | None | Unset):
        cursor (None | str | Unset): next_cursor of the previous page
        limit (int | Unset): Items per page; the page's next_cursor, sent as cursor, gives the
            next one Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OfferPage | Problem]
    """

    kwargs = _get_kwargs(
        process=process,
        organisation_id=organisation_id,
        status=status,
        available_on=available_on,
        min_remaining=min_remaining,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    process: None | str | Unset = UNSET,
    organisation_id: None | Unset | UUID = UNSET,
    status: None | OfferStatus | Unset = UNSET,
    available_on: datetime.date | None | Unset = UNSET,
    min_remaining: int | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> OfferPage | Problem | None:
    """Search capacity offers visible to the caller

    Args:
        process (None | str | Unset):
        organisation_id (None | Unset | UUID):
        status (None | OfferStatus | Unset):
        available_on (datetime.date | None | Unset):
        min_remaining (int | None | Unset):
        cursor (None | str | Unset): next_cursor of the previous page
        limit (int | Unset): Items per page; the page's next_cursor, sent as cursor, gives the
            next one Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OfferPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            process=process,
            organisation_id=organisation_id,
            status=status,
            available_on=available_on,
            min_remaining=min_remaining,
            cursor=cursor,
            limit=limit,
        )
    ).parsed
