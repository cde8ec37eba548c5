from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.data_request import DataRequest
from ...models.data_request_in import DataRequestIn
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    contact_id: int,
    *,
    body: DataRequestIn,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["idempotency-key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/contacts/{contact_id}/data-requests".format(
            contact_id=quote(str(contact_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | DataRequest | Problem | None:
    if response.status_code == 200:
        response_200 = DataRequest.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = DataRequest.from_dict(response.json())

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
        response_409 = cast(Any, None)
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
) -> Response[Any | DataRequest | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    contact_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: DataRequestIn,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Any | DataRequest | Problem]:
    """Ask for an LGPD export or erasure

     Records the request (15-day legal deadline) and starts it. 200 with the open request when one of the
    same kind is already open for the contact. An erasure is irreversible.

    Args:
        contact_id (int):
        idempotency_key (None | str | Unset):
        body (DataRequestIn): An LGPD data subject request for one contact.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | DataRequest | Problem]
    """

    kwargs = _get_kwargs(
        contact_id=contact_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    contact_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: DataRequestIn,
    idempotency_key: None | str | Unset = UNSET,
) -> Any | DataRequest | Problem | None:
    """Ask for an LGPD export or erasure

     Records the request (15-day legal deadline) and starts it. 200 with the open request when one of the
    same kind is already open for the contact. An erasure is irreversible.

    Args:
        contact_id (int):
        idempotency_key (None | str | Unset):
        body (DataRequestIn): An LGPD data subject request for one contact.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | DataRequest | Problem
    """

    return sync_detailed(
        contact_id=contact_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    contact_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: DataRequestIn,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Any | DataRequest | Problem]:
    """Ask for an LGPD export or erasure

     Records the request (15-day legal deadline) and starts it. 200 with the open request when one of the
    same kind is already open for the contact. An erasure is irreversible.

    Args:
        contact_id (int):
        idempotency_key (None | str | Unset):
        body (DataRequestIn): An LGPD data subject request for one contact.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | DataRequest | Problem]
    """

    kwargs = _get_kwargs(
        contact_id=contact_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    contact_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: DataRequestIn,
    idempotency_key: None | str | Unset = UNSET,
) -> Any | DataRequest | Problem | None:
    """Ask for an LGPD export or erasure

     Records the request (15-day legal deadline) and starts it. 200 with the open request when one of the
    same kind is already open for the contact. An erasure is irreversible.

    Args:
        contact_id (int):
        idempotency_key (None | str | Unset):
        body (DataRequestIn): An LGPD data subject request for one contact.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | DataRequest | Problem
    """

    return (
        await asyncio_detailed(
            contact_id=contact_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
