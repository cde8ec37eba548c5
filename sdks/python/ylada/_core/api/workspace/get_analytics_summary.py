from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.analytics_summary import AnalyticsSummary
from ...models.get_analytics_summary_period import GetAnalyticsSummaryPeriod
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    period: GetAnalyticsSummaryPeriod | Unset = GetAnalyticsSummaryPeriod.VALUE_1,
    instance_id: int | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_period: str | Unset = UNSET
    if not isinstance(period, Unset):
        json_period = period.value

    params["period"] = json_period

    json_instance_id: int | None | Unset
    if isinstance(instance_id, Unset):
        json_instance_id = UNSET
    else:
        json_instance_id = instance_id
    params["instance_id"] = json_instance_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/analytics/summary",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AnalyticsSummary | Problem | None:
    if response.status_code == 200:
        response_200 = AnalyticsSummary.from_dict(response.json())

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
) -> Response[AnalyticsSummary | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    period: GetAnalyticsSummaryPeriod | Unset = GetAnalyticsSummaryPeriod.VALUE_1,
    instance_id: int | None | Unset = UNSET,
) -> Response[AnalyticsSummary | Problem]:
    """Figures of a period

     Totals and per-day figures in the business's time zone, as on the Relatórios page.

    Args:
        period (GetAnalyticsSummaryPeriod | Unset):  Default: GetAnalyticsSummaryPeriod.VALUE_1.
        instance_id (int | None | Unset): only this WhatsApp number

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnalyticsSummary | Problem]
    """

    kwargs = _get_kwargs(
        period=period,
        instance_id=instance_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    period: GetAnalyticsSummaryPeriod | Unset = GetAnalyticsSummaryPeriod.VALUE_1,
    instance_id: int | None | Unset = UNSET,
) -> AnalyticsSummary | Problem | None:
    """Figures of a period

     Totals and per-day figures in the business's time zone, as on the Relatórios page.

    Args:
        period (GetAnalyticsSummaryPeriod | Unset):  Default: GetAnalyticsSummaryPeriod.VALUE_1.
        instance_id (int | None | Unset): only this WhatsApp number

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnalyticsSummary | Problem
    """

    return sync_detailed(
        client=client,
        period=period,
        instance_id=instance_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    period: GetAnalyticsSummaryPeriod | Unset = GetAnalyticsSummaryPeriod.VALUE_1,
    instance_id: int | None | Unset = UNSET,
) -> Response[AnalyticsSummary | Problem]:
    """Figures of a period

     Totals and per-day figures in the business's time zone, as on the Relatórios page.

    Args:
        period (GetAnalyticsSummaryPeriod | Unset):  Default: GetAnalyticsSummaryPeriod.VALUE_1.
        instance_id (int | None | Unset): only this WhatsApp number

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnalyticsSummary | Problem]
    """

    kwargs = _get_kwargs(
        period=period,
        instance_id=instance_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    period: GetAnalyticsSummaryPeriod | Unset = GetAnalyticsSummaryPeriod.VALUE_1,
    instance_id: int | None | Unset = UNSET,
) -> AnalyticsSummary | Problem | None:
    """Figures of a period

     Totals and per-day figures in the business's time zone, as on the Relatórios page.

    Args:
        period (GetAnalyticsSummaryPeriod | Unset):  Default: GetAnalyticsSummaryPeriod.VALUE_1.
        instance_id (int | None | Unset): only this WhatsApp number

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnalyticsSummary | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            period=period,
            instance_id=instance_id,
        )
    ).parsed
