from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.import_out import ImportOut
from ...types import UNSET, Response, Unset


def _get_kwargs(
    kind: str,
    *,
    system: None | str | Unset = UNSET,
    format_: None | str | Unset = UNSET,
) -> dict[str, Any]:

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

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ImportOut | None:
    if response.status_code == 201:
        response_201 = ImportOut.from_dict(response.json())

        return response_201

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ImportOut]:
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
    system: None | str | Unset = UNSET,
    format_: None | str | Unset = UNSET,
) -> Response[ImportOut]:
    """Import offers / orders / progress from CSV or Excel; all rows or none

     Send multipart/form-data with a `file` part, the file itself as text/csv or the xlsx content type,
    or application/json {"rows": [{column: value}]}. `system` names the external system whose codes
    (resource_code, product_code, customer_code) the file uses.

    Args:
        kind (str):
        system (None | str | Unset):
        format_ (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportOut]
    """

    kwargs = _get_kwargs(
        kind=kind,
        system=system,
        format_=format_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    kind: str,
    *,
    client: AuthenticatedClient,
    system: None | str | Unset = UNSET,
    format_: None | str | Unset = UNSET,
) -> ImportOut | None:
    """Import offers / orders / progress from CSV or Excel; all rows or none

     Send multipart/form-data with a `file` part, the file itself as text/csv or the xlsx content type,
    or application/json {"rows": [{column: value}]}. `system` names the external system whose codes
    (resource_code, product_code, customer_code) the file uses.

    Args:
        kind (str):
        system (None | str | Unset):
        format_ (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportOut
    """

    return sync_detailed(
        kind=kind,
        client=client,
        system=system,
        format_=format_,
    ).parsed


async def asyncio_detailed(
    kind: str,
    *,
    client: AuthenticatedClient,
    system: None | str | Unset = UNSET,
    format_: None | str | Unset = UNSET,
) -> Response[ImportOut]:
    """Import offers / orders / progress from CSV or Excel; all rows or none

     Send multipart/form-data with a `file` part, the file itself as text/csv or the xlsx content type,
    or application/json {"rows": [{column: value}]}. `system` names the external system whose codes
    (resource_code, product_code, customer_code) the file uses.

    Args:
        kind (str):
        system (None | str | Unset):
        format_ (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportOut]
    """

    kwargs = _get_kwargs(
        kind=kind,
        system=system,
        format_=format_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    kind: str,
    *,
    client: AuthenticatedClient,
    system: None | str | Unset = UNSET,
    format_: None | str | Unset = UNSET,
) -> ImportOut | None:
    """Import offers / orders / progress from CSV or Excel; all rows or none

     Send multipart/form-data with a `file` part, the file itself as text/csv or the xlsx content type,
    or application/json {"rows": [{column: value}]}. `system` names the external system whose codes
    (resource_code, product_code, customer_code) the file uses.

    Args:
        kind (str):
        system (None | str | Unset):
        format_ (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportOut
    """

    return (
        await asyncio_detailed(
            kind=kind,
            client=client,
            system=system,
            format_=format_,
        )
    ).parsed
