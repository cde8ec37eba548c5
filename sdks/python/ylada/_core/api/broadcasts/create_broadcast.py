from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.broadcast import Broadcast
from ...models.broadcast_in import BroadcastIn
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: BroadcastIn,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["idempotency-key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/broadcasts",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Broadcast | Problem | None:
    if response.status_code == 201:
        response_201 = Broadcast.from_dict(response.json())

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
) -> Response[Any | Broadcast | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: BroadcastIn,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Any | Broadcast | Problem]:
    """Plan a broadcast

     Only contacts of the number who consented to marketing messages and did not opt out are reached,
    each once. Refused (422, nothing saved) when the template is not approved, a {{n}} has no source,
    nobody is in the audience, or the audience is bigger than the messages the plan still allows this
    month (unless `up_to_quota`).

    Args:
        idempotency_key (None | str | Unset):
        body (BroadcastIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Broadcast | Problem]
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
    client: AuthenticatedClient | Client,
    body: BroadcastIn,
    idempotency_key: None | str | Unset = UNSET,
) -> Any | Broadcast | Problem | None:
    """Plan a broadcast

     Only contacts of the number who consented to marketing messages and did not opt out are reached,
    each once. Refused (422, nothing saved) when the template is not approved, a {{n}} has no source,
    nobody is in the audience, or the audience is bigger than the messages the plan still allows this
    month (unless `up_to_quota`).

    Args:
        idempotency_key (None | str | Unset):
        body (BroadcastIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Broadcast | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: BroadcastIn,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Any | Broadcast | Problem]:
    """Plan a broadcast

     Only contacts of the number who consented to marketing messages and did not opt out are reached,
    each once. Refused (422, nothing saved) when the template is not approved, a {{n}} has no source,
    nobody is in the audience, or the audience is bigger than the messages the plan still allows this
    month (unless `up_to_quota`).

    Args:
        idempotency_key (None | str | Unset):
        body (BroadcastIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Broadcast | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: BroadcastIn,
    idempotency_key: None | str | Unset = UNSET,
) -> Any | Broadcast | Problem | None:
    """Plan a broadcast

     Only contacts of the number who consented to marketing messages and did not opt out are reached,
    each once. Refused (422, nothing saved) when the template is not approved, a {{n}} has no source,
    nobody is in the audience, or the audience is bigger than the messages the plan still allows this
    month (unless `up_to_quota`).

    Args:
        idempotency_key (None | str | Unset):
        body (BroadcastIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Broadcast | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
