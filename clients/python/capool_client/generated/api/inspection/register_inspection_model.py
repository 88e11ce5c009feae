from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.model_version_out import ModelVersionOut
from ...models.problem import Problem
from ...models.register_inspection_model_files_body import RegisterInspectionModelFilesBody
from ...models.register_inspection_model_json_body import RegisterInspectionModelJsonBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: RegisterInspectionModelJsonBody | RegisterInspectionModelFilesBody | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/inspection/models",
    }

    if isinstance(body, RegisterInspectionModelJsonBody):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, RegisterInspectionModelFilesBody):
        _kwargs["files"] = body.to_multipart()

        headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ModelVersionOut | Problem | None:
    if response.status_code == 201:
        response_201 = ModelVersionOut.from_dict(response.json())

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
) -> Response[ModelVersionOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: RegisterInspectionModelJsonBody | RegisterInspectionModelFilesBody | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[ModelVersionOut | Problem]:
    """Register a model version: multipart (name, version, card as JSON text, file) or JSON (name, version,
    card, file_base64)

    Args:
        idempotency_key (str | Unset):
        body (RegisterInspectionModelJsonBody):
        body (RegisterInspectionModelFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ModelVersionOut | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: RegisterInspectionModelJsonBody | RegisterInspectionModelFilesBody | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> ModelVersionOut | Problem | None:
    """Register a model version: multipart (name, version, card as JSON text, file) or JSON (name, version,
    card, file_base64)

    Args:
        idempotency_key (str | Unset):
        body (RegisterInspectionModelJsonBody):
        body (RegisterInspectionModelFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ModelVersionOut | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: RegisterInspectionModelJsonBody | RegisterInspectionModelFilesBody | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[ModelVersionOut | Problem]:
    """Register a model version: multipart (name, version, card as JSON text, file) or JSON (name, version,
    card, file_base64)

    Args:
        idempotency_key (str | Unset):
        body (RegisterInspectionModelJsonBody):
        body (RegisterInspectionModelFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ModelVersionOut | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: RegisterInspectionModelJsonBody | RegisterInspectionModelFilesBody | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> ModelVersionOut | Problem | None:
    """Register a model version: multipart (name, version, card as JSON text, file) or JSON (name, version,
    card, file_base64)

    Args:
        idempotency_key (str | Unset):
        body (RegisterInspectionModelJsonBody):
        body (RegisterInspectionModelFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ModelVersionOut | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
