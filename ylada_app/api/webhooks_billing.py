"""Payment provider webhooks: POST /webhooks/stripe, /webhooks/asaas, /webhooks/mercadopago.

Stripe: the signature (`Stripe-Signature`, 300 s tolerance) is checked before anything is
read; a bad or stale signature is a 400 and changes nothing. Asaas: the shared
`asaas-access-token` header (constant-time compare) — missing or wrong is a 401; a body that
is not an Asaas event is a 400. Verified events are applied once (idempotent by event id);
unknown event types, duplicates, stale events and events for customers we do not know are
acknowledged with 200 and change nothing (Asaas pauses a webhook queue after repeated
failures, so only a database outage answers 503 to get the event retried). Mercado Pago:
`x-signature` (HMAC-SHA256 over `id:<data.id>;request-id:<x-request-id>;ts:<ts>;`, 300 s
tolerance) — 400 when missing, wrong or stale; the resource is then read back from the API
(503 when Mercado Pago cannot be reached, so it retries).
"""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError

from ylada_app.core.db import session_scope
from ylada_app.core.queue import enqueue
from ylada_app.integrations.payments.base import (
    GatewayError,
    WebhookRejected,
    WebhookUnauthorized,
)
from ylada_app.integrations.payments.registry import GatewayNotConfigured
from ylada_app.services import billing_events

log = logging.getLogger(__name__)
router = APIRouter()
MAX_BODY = 512 * 1024


RECONCILE_JOB = "ylada_app.jobs.billing.reconcile_subscription"
CANCEL_JOB = "ylada_app.jobs.billing.cancel_replaced_subscription"


def _apply(payload: bytes, headers: dict[str, str], provider: str = "stripe") -> str:
    with session_scope() as session:
        got = billing_events.receive(session, provider=provider, payload=payload,
                                     headers=headers)
    if got.kind == "checkout" and got.outcome == "applied" and got.tenant_id is not None:
        # Committed: now make sure the subscription's state does not hinge on its own
        # webhooks arriving (they can be lost); the job reads it from Stripe.
        enqueue(RECONCILE_JOB, got.tenant_id)
    for provider_name, sub_id in got.to_cancel:  # a duplicate subscription, now recorded
        enqueue(CANCEL_JOB, provider_name, sub_id)
    return got.outcome


async def _receive(request: Request, provider: str, label: str,
                   headers_extra: dict[str, str] | None = None) -> JSONResponse:
    """One gateway's POST: size cap, verification and application, errors mapped to the
    answers that make each provider retry (503) or give up (4xx, 200 for unusable)."""
    payload = await request.body()
    if len(payload) > MAX_BODY:
        return JSONResponse({"error": "payload too large"}, status_code=413)
    headers = {k.lower(): v for k, v in request.headers.items()} | (headers_extra or {})
    try:
        outcome = await asyncio.to_thread(_apply, payload, headers, provider)
    except GatewayNotConfigured:
        return JSONResponse({"error": f"{provider} is not configured"}, status_code=503)
    except WebhookUnauthorized:
        log.warning("%s webhook rejected: bad access token", provider)
        return JSONResponse({"error": "invalid access token"}, status_code=401)
    except WebhookRejected as exc:
        log.warning("%s webhook rejected: %s", provider, exc)
        return JSONResponse({"error": "invalid signature or payload"}, status_code=400)
    except GatewayError as exc:  # the resource could not be read back: let it retry
        log.warning("%s webhook: could not read the resource back: %s", provider, exc)
        return JSONResponse({"error": "temporarily unavailable"}, status_code=503)
    except DBAPIError:
        log.exception("%s webhook: database error (%s will retry)", provider, label)
        return JSONResponse({"error": "temporarily unavailable"}, status_code=503)
    except Exception:  # a verified event of a shape we cannot use: retrying will not help
        log.exception("%s webhook: unusable event", provider)
        return JSONResponse({"received": True, "outcome": "unusable"})
    return JSONResponse({"received": True, "outcome": outcome})


@router.post("/webhooks/stripe")
async def stripe_webhook(request: Request) -> JSONResponse:
    return await _receive(request, "stripe", "Stripe")


@router.post("/webhooks/asaas")
async def asaas_webhook(request: Request) -> JSONResponse:
    return await _receive(request, "asaas", "Asaas")


@router.post("/webhooks/mercadopago")
async def mercadopago_webhook(request: Request) -> JSONResponse:
    from ylada_app.integrations.payments.mercadopago_gateway import QUERY_HEADER

    # The signed manifest names data.id from the query string, not the body.
    return await _receive(request, "mercadopago", "Mercado Pago",
                          {QUERY_HEADER: request.url.query})
