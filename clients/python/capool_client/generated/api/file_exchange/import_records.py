from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.import_out import ImportOut
from ...models.import_records_files_body import ImportRecordsFilesBody
from ...models.import_records_json_body import ImportRecordsJsonBody
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    kind: str,
    *,
    body: ImportRecordsJsonBody | ImportRecordsFilesBody | Unset = UNSET,
    system: None | str | Unset = UNSET,
    format_: None | str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    params: dict[str, Any] = {}

    json_system: None | str | Unset
    if isinstance(system, Unset):
        json_system = UNSET
    else:
        json_system = system
    params["system"] = json_system

    json_format_: None | str | Unset
    if isinstance(format_, Unset):
        json_format_ = UNSET
    else:
        json_format_ = format_
    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/exchange/{kind}/import".format(
            kind=quote(str(kind), safe=""),
        ),
        "params": params,
    }

    if isinstance(body, ImportRecordsJsonBody):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, ImportRecordsFilesBody):
        _kwargs["files"] = body.to_multipart()

        headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ImportOut | Problem | None:
    if response.status_code == 201:
        response_201 = ImportOut.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ImportOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    kind: str,
    *,
    client: AuthenticatedClient,
    body: ImportRecordsJsonBody | ImportRecordsFilesBody | Unset = UNSET,
    system: None | str | Unset = UNSET,
    format_: None | str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[ImportOut | Problem]:
    """Import offers / orders / progress from CSV or Excel; all rows or none

     Send multipart/form-data with a `file` part, the file itself as text/csv or the xlsx content type,
    or application/json {"rows": [{column: value}]}. `system` names the external system whose codes
    (resource_code, product_code, customer_code) the file uses.

    Args:
        kind (str):
        system (None | str | Unset):
        format_ (None | str | Unset):
        idempotency_key (str | Unset):
        body (ImportRecordsJsonBody):
        body (ImportRecordsFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportOut | Problem]
    """

    kwargs = _get_kwargs(
        kind=kind,
        body=body,
        system=system,
        format_=format_,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    kind: str,
    *,
    client: AuthenticatedClient,
    body: ImportRecordsJsonBody | ImportRecordsFilesBody | Unset = UNSET,
    system: None | str | Unset = UNSET,
    format_: None | str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> ImportOut | Problem | None:
    """Import offers / orders / progress from CSV or Excel; all rows or none

     Send multipart/form-data with a `file` part, the file itself as text/csv or the xlsx content type,
    or application/json {"rows": [{column: value}]}. `system` names the external system whose codes
    (resource_code, product_code, customer_code) the file uses.

    Args:
        kind (str):
        system (None | str | Unset):
        format_ (None | str | Unset):
        idempotency_key (str | Unset):
        body (ImportRecordsJsonBody):
        body (ImportRecordsFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportOut | Problem
    """

    return sync_detailed(
        kind=kind,
        client=client,
        body=body,
        system=system,
        format_=format_,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    kind: str,
    *,
    client: AuthenticatedClient,
    body: ImportRecordsJsonBody | ImportRecordsFilesBody | Unset = UNSET,
    system: None | str | Unset = UNSET,
    format_: None | str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[ImportOut | Problem]:
    """Import offers / orders / progress from CSV or Excel; all rows or none

     Send multipart/form-data with a `file` part, the file itself as text/csv or the xlsx content type,
    or application/json {"rows": [{column: value}]}. `system` names the external system whose codes
    (resource_code, product_code, customer_code) the file uses.

    Args:
        kind (str):
        system (None | str | Unset):
        format_ (None | str | Unset):
        idempotency_key (str | Unset):
        body (ImportRecordsJsonBody):
        body (ImportRecordsFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportOut | Problem]
    """

    kwargs = _get_kwargs(
        kind=kind,
        body=body,
        system=system,
        format_=format_,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    kind: str,
    *,
    client: AuthenticatedClient,
    body: ImportRecordsJsonBody | ImportRecordsFilesBody | Unset = UNSET,
    system: None | str | Unset = UNSET,
    format_: None | str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> ImportOut | Problem | None:
    """Import offers / orders / progress from CSV or Excel; all rows or none

     Send multipart/form-data with a `file` part, the file itself as text/csv or the xlsx content type,
    or application/json {"rows": [{column: value}]}. `system` names the external system whose codes
    (resource_code, product_code, customer_code) the file uses.

    Args:
        kind (str):
        system (None | str | Unset):
        format_ (None | str | Unset):
        idempotency_key (str | Unset):
        body (ImportRecordsJsonBody):
        body (ImportRecordsFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportOut | Problem
    """

    return (
        await asyncio_detailed(
            kind=kind,
            client=client,
            body=body,
            system=system,
            format_=format_,
            idempotency_key=idempotency_key,
        )
    ).parsed
