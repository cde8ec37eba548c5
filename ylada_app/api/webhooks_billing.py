"""Payment provider webhooks: POST /webhooks/stripe.

The signature (`Stripe-Signature`, 300 s tolerance) is checked before anything is read; a
bad or stale signature is a 400 and changes nothing. Verified events are applied once
(idempotent by event id); unknown event types are acknowledged with 200 and ignored.
"""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError

from ylada_app.core.db import session_scope
from ylada_app.core.queue import enqueue
from ylada_app.integrations.payments.base import WebhookRejected
from ylada_app.integrations.payments.registry import GatewayNotConfigured
from ylada_app.services import billing_events

log = logging.getLogger(__name__)
router = APIRouter()
MAX_BODY = 512 * 1024


RECONCILE_JOB = "ylada_app.jobs.billing.reconcile_subscription"


def _apply(payload: bytes, headers: dict[str, str]) -> str:
    with session_scope() as session:
        got = billing_events.receive(session, provider="stripe", payload=payload,
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
