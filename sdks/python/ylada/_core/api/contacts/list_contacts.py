from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.contact_page import ContactPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    tag: None | str | Unset = UNSET,
    field: None | str | Unset = UNSET,
    value: None | str | Unset = UNSET,
    opted_out: bool | None | Unset = UNSET,
    updated_since: None | str | Unset = UNSET,
    instance_id: int | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_tag: None | str | Unset
    if isinstance(tag, Unset):
        json_tag = UNSET
    else:
        json_tag = tag
    params["tag"] = json_tag

    json_field: None | str | Unset
    if isinstance(field, Unset):
        json_field = UNSET
    else:
        json_field = field
    params["field"] = json_field

    json_value: None | str | Unset
    if isinstance(value, Unset):
        json_value = UNSET
    else:
        json_value = value
    params["value"] = json_value

    json_opted_out: bool | None | Unset
    if isinstance(opted_out, Unset):
        json_opted_out = UNSET
    else:
        json_opted_out = opted_out
    params["opted_out"] = json_opted_out

    json_updated_since: None | str | Unset
    if isinstance(updated_since, Unset):
        json_updated_since = UNSET
    else:
        json_updated_since = updated_since
    params["updated_since"] = json_updated_since

    json_instance_id: int | None | Unset
    if isinstance(instance_id, Unset):
        json_instance_id = UNSET
    else:
        json_instance_id = instance_id
    params["instance_id"] = json_instance_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/contacts",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ContactPage | Problem | None:
    if response.status_code == 200:
        response_200 = ContactPage.from_dict(response.json())

        return response_200

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

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ContactPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    tag: None | str | Unset = UNSET,
    field: None | str | Unset = UNSET,
    value: None | str | Unset = UNSET,
    opted_out: bool | None | Unset = UNSET,
    updated_since: None | str | Unset = UNSET,
    instance_id: int | None | Unset = UNSET,
) -> Response[ContactPage | Problem]:
    """List contacts

     Oldest first, in pages: pass `next_cursor` as `cursor`.

    Args:
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page
        tag (None | str | Unset):
        field (None | str | Unset): a field's name
        value (None | str | Unset): with `field`: its value
        opted_out (bool | None | Unset):
        updated_since (None | str | Unset):
        instance_id (int | None | Unset): only this WhatsApp number

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContactPage | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        tag=tag,
        field=field,
        value=value,
        opted_out=opted_out,
        updated_since=updated_since,
        instance_id=instance_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    tag: None | str | Unset = UNSET,
    field: None | str | Unset = UNSET,
    value: None | str | Unset = UNSET,
    opted_out: bool | None | Unset = UNSET,
    updated_since: None | str | Unset = UNSET,
    instance_id: int | None | Unset = UNSET,
) -> ContactPage | Problem | None:
    """List contacts

     Oldest first, in pages: pass `next_cursor` as `cursor`.

    Args:
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page
        tag (None | str | Unset):
        field (None | str | Unset): a field's name
        value (None | str | Unset): with `field`: its value
        opted_out (bool | None | Unset):
        updated_since (None | str | Unset):
        instance_id (int | None | Unset): only this WhatsApp number

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ContactPage | Problem
    """

    return sync_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        tag=tag,
        field=field,
        value=value,
        opted_out=opted_out,
        updated_since=updated_since,
        instance_id=instance_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    tag: None | str | Unset = UNSET,
    field: None | str | Unset = UNSET,
    value: None | str | Unset = UNSET,
    opted_out: bool | None | Unset = UNSET,
    updated_since: None | str | Unset = UNSET,
    instance_id: int | None | Unset = UNSET,
) -> Response[ContactPage | Problem]:
    """List contacts

     Oldest first, in pages: pass `next_cursor` as `cursor`.

    Args:
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page
        tag (None | str | Unset):
        field (None | str | Unset): a field's name
        value (None | str | Unset): with `field`: its value
        opted_out (bool | None | Unset):
        updated_since (None | str | Unset):
        instance_id (int | None | Unset): only this WhatsApp number

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContactPage | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        tag=tag,
        field=field,
        value=value,
        opted_out=opted_out,
        updated_since=updated_since,
        instance_id=instance_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    tag: None | str | Unset = UNSET,
    field: None | str | Unset = UNSET,
    value: None | str | Unset = UNSET,
    opted_out: bool | None | Unset = UNSET,
    updated_since: None | str | Unset = UNSET,
    instance_id: int | None | Unset = UNSET,
) -> ContactPage | Problem | None:
    """List contacts

     Oldest first, in pages: pass `next_cursor` as `cursor`.

    Args:
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page
        tag (None | str | Unset):
        field (None | str | Unset): a field's name
        value (None | str | Unset): with `field`: its value
        opted_out (bool | None | Unset):
        updated_since (None | str | Unset):
        instance_id (int | None | Unset): only this WhatsApp number

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ContactPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            cursor=cursor,
            tag=tag,
            field=field,
            value=value,
            opted_out=opted_out,
            updated_since=updated_since,
            instance_id=instance_id,
        )
    ).parsed
