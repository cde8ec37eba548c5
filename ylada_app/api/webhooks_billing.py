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


def _apply(payload: bytes, headers: dict[str, str], provider: str = "stripe") -> str:
    with session_scope() as session:
        got = billing_events.receive(session, provider=provider, payload=payload,
                                     headers=headers)
    if got.kind == "checkout" and got.outcome == "applied" and got.tenant_id is not None:
        # Committed: now make sure the subscription's state does not hinge on its own
        # webhooks arriving (they can be lost); the job reads it from Stripe.
        enqueue(RECONCILE_JOB, got.tenant_id)
    return got.outcome


@router.post("/webhooks/stripe")
async def stripe_webhook(request: Request) -> JSONResponse:
    payload = await request.body()
    if len(payload) > MAX_BODY:
        return JSONResponse({"error": "payload too large"}, status_code=413)
    headers = {k.lower(): v for k, v in request.headers.items()}
    try:
        outcome = await asyncio.to_thread(_apply, payload, headers)
    except GatewayNotConfigured:
        return JSONResponse({"error": "stripe is not configured"}, status_code=503)
    except WebhookRejected as exc:
        log.warning("stripe webhook rejected: %s", exc)
        return JSONResponse({"error": "invalid signature or payload"}, status_code=400)
    except DBAPIError:
        log.exception("stripe webhook: database error (Stripe will retry)")
        return JSONResponse({"error": "temporarily unavailable"}, status_code=503)
    except Exception:  # a verified event of a shape we cannot use: retrying will not help
        log.exception("stripe webhook: unusable event")
        return JSONResponse({"received": True, "outcome": "unusable"})
    return JSONResponse({"received": True, "outcome": outcome})


@router.post("/webhooks/asaas")
async def asaas_webhook(request: Request) -> JSONResponse:
    payload = await request.body()
    if len(payload) > MAX_BODY:
        return JSONResponse({"error": "payload too large"}, status_code=413)
    headers = {k.lower(): v for k, v in request.headers.items()}
    try:
        outcome = await asyncio.to_thread(_apply, payload, headers, "asaas")
    except GatewayNotConfigured:
        return JSONResponse({"error": "asaas is not configured"}, status_code=503)
    except WebhookUnauthorized:
        log.warning("asaas webhook rejected: bad access token")
        return JSONResponse({"error": "invalid access token"}, status_code=401)
    except WebhookRejected as exc:
        log.warning("asaas webhook rejected: %s", exc)
        return JSONResponse({"error": "invalid payload"}, status_code=400)
    except DBAPIError:
        log.exception("asaas webhook: database error (Asaas will retry)")
        return JSONResponse({"error": "temporarily unavailable"}, status_code=503)
    except Exception:  # a verified event of a shape we cannot use: retrying will not help
        log.exception("asaas webhook: unusable event")
        return JSONResponse({"received": True, "outcome": "unusable"})
    return JSONResponse({"received": True, "outcome": outcome})


@router.post("/webhooks/mercadopago")
async def mercadopago_webhook(request: Request) -> JSONResponse:
    from ylada_app.integrations.payments.mercadopago_gateway import QUERY_HEADER

    payload = await request.body()
    if len(payload) > MAX_BODY:
        return JSONResponse({"error": "payload too large"}, status_code=413)
    headers = {k.lower(): v for k, v in request.headers.items()}
    headers[QUERY_HEADER] = request.url.query
    try:
        outcome = await asyncio.to_thread(_apply, payload, headers, "mercadopago")
    except GatewayNotConfigured:
        return JSONResponse({"error": "mercadopago is not configured"}, status_code=503)
    except WebhookRejected as exc:
        log.warning("mercadopago webhook rejected: %s", exc)
        return JSONResponse({"error": "invalid signature or payload"}, status_code=400)
    except GatewayError as exc:
        log.warning("mercadopago webhook: could not read the resource back: %s", exc)
        return JSONResponse({"error": "temporarily unavailable"}, status_code=503)
    except DBAPIError:
        log.exception("mercadopago webhook: database error (Mercado Pago will retry)")
        return JSONResponse({"error": "temporarily unavailable"}, status_code=503)
    except Exception:  # a verified event of a shape we cannot use: retrying will not help
        log.exception("mercadopago webhook: unusable event")
        return JSONResponse({"received": True, "outcome": "unusable"})
    return JSONResponse({"received": True, "outcome": outcome})
