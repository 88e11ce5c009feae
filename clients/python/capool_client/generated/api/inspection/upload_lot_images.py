from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.image_out import ImageOut
from ...models.problem import Problem
from ...models.upload_lot_images_body import UploadLotImagesBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    lot_id: UUID,
    *,
    body: UploadLotImagesBody,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/inspection/lots/{lot_id}/images".format(
            lot_id=quote(str(lot_id), safe=""),
        ),
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | list[ImageOut] | None:
    if response.status_code == 202:
        response_202 = []
        _response_202 = response.json()
        for response_202_item_data in _response_202:
            response_202_item = ImageOut.from_dict(response_202_item_data)

            response_202.append(response_202_item)

        return response_202

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
) -> Response[Problem | list[ImageOut]]:
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
    body: UploadLotImagesBody,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | list[ImageOut]]:
    """Upload line-camera images of a sampled lot (multipart field 'files'); detection runs as a job

    Args:
        lot_id (UUID):
        idempotency_key (str | Unset):
        body (UploadLotImagesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[ImageOut]]
    """

    kwargs = _get_kwargs(
        lot_id=lot_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    lot_id: UUID,
    *,
    client: AuthenticatedClient,
    body: UploadLotImagesBody,
    idempotency_key: str | Unset = UNSET,
) -> Problem | list[ImageOut] | None:
    """Upload line-camera images of a sampled lot (multipart field 'files'); detection runs as a job

    Args:
        lot_id (UUID):
        idempotency_key (str | Unset):
        body (UploadLotImagesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[ImageOut]
    """

    return sync_detailed(
        lot_id=lot_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    lot_id: UUID,
    *,
    client: AuthenticatedClient,
    body: UploadLotImagesBody,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | list[ImageOut]]:
    """Upload line-camera images of a sampled lot (multipart field 'files'); detection runs as a job

    Args:
        lot_id (UUID):
        idempotency_key (str | Unset):
        body (UploadLotImagesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[ImageOut]]
    """

    kwargs = _get_kwargs(
        lot_id=lot_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    lot_id: UUID,
    *,
    client: AuthenticatedClient,
    body: UploadLotImagesBody,
    idempotency_key: str | Unset = UNSET,
) -> Problem | list[ImageOut] | None:
    """Upload line-camera images of a sampled lot (multipart field 'files'); detection runs as a job

    Args:
        lot_id (UUID):
        idempotency_key (str | Unset):
        body (UploadLotImagesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[ImageOut]
    """

    return (
        await asyncio_detailed(
            lot_id=lot_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
