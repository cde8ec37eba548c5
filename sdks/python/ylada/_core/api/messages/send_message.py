from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.buttons_message import ButtonsMessage
from ...models.list_message import ListMessage
from ...models.media_message import MediaMessage
from ...models.message_queued import MessageQueued
from ...models.problem import Problem
from ...models.template_message import TemplateMessage
from ...models.text_message import TextMessage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: ButtonsMessage | ListMessage | MediaMessage | TemplateMessage | TextMessage,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["idempotency-key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/messages",
    }

    if (
        isinstance(body, TextMessage)
        or isinstance(body, ButtonsMessage)
        or isinstance(body, ListMessage)
        or isinstance(body, MediaMessage)
    ):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | MessageQueued | Problem | None:
    if response.status_code == 202:
        response_202 = MessageQueued.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = cast(Any, None)
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
) -> Response[Any | MessageQueued | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ButtonsMessage | ListMessage | MediaMessage | TemplateMessage | TextMessage,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Any | MessageQueued | Problem]:
    """Send a message to a contact

    Args:
        idempotency_key (None | str | Unset):
        body (ButtonsMessage | ListMessage | MediaMessage | TemplateMessage | TextMessage): One
            message to a contact: `text`; `buttons` (up to 3 reply buttons); `list` (a menu of up to
            10 rows); `media` by link; or an approved `template`. Free-form messages reach a contact
            within 24 hours of their last message (WhatsApp's rule); a template also outside it, and
            to a contact who never wrote. Opted-out contacts get nothing.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | MessageQueued | Problem]
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
    body: ButtonsMessage | ListMessage | MediaMessage | TemplateMessage | TextMessage,
    idempotency_key: None | str | Unset = UNSET,
) -> Any | MessageQueued | Problem | None:
    """Send a message to a contact

    Args:
        idempotency_key (None | str | Unset):
        body (ButtonsMessage | ListMessage | MediaMessage | TemplateMessage | TextMessage): One
            message to a contact: `text`; `buttons` (up to 3 reply buttons); `list` (a menu of up to
            10 rows); `media` by link; or an approved `template`. Free-form messages reach a contact
            within 24 hours of their last message (WhatsApp's rule); a template also outside it, and
            to a contact who never wrote. Opted-out contacts get nothing.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | MessageQueued | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ButtonsMessage | ListMessage | MediaMessage | TemplateMessage | TextMessage,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Any | MessageQueued | Problem]:
    """Send a message to a contact

    Args:
        idempotency_key (None | str | Unset):
        body (ButtonsMessage | ListMessage | MediaMessage | TemplateMessage | TextMessage): One
            message to a contact: `text`; `buttons` (up to 3 reply buttons); `list` (a menu of up to
            10 rows); `media` by link; or an approved `template`. Free-form messages reach a contact
            within 24 hours of their last message (WhatsApp's rule); a template also outside it, and
            to a contact who never wrote. Opted-out contacts get nothing.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | MessageQueued | Problem]
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
    body: ButtonsMessage | ListMessage | MediaMessage | TemplateMessage | TextMessage,
    idempotency_key: None | str | Unset = UNSET,
) -> Any | MessageQueued | Problem | None:
    """Send a message to a contact

    Args:
        idempotency_key (None | str | Unset):
        body (ButtonsMessage | ListMessage | MediaMessage | TemplateMessage | TextMessage): One
            message to a contact: `text`; `buttons` (up to 3 reply buttons); `list` (a menu of up to
            10 rows); `media` by link; or an approved `template`. Free-form messages reach a contact
            within 24 hours of their last message (WhatsApp's rule); a template also outside it, and
            to a contact who never wrote. Opted-out contacts get nothing.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | MessageQueued | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
