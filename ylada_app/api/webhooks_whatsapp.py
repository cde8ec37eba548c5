"""WhatsApp Cloud API webhooks: GET handshake (hub.challenge) on /webhooks/whatsapp/{key}."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from ylada_app.core.db import session_scope
from ylada_app.core.security import constant_time_equals
from ylada_app.services import instances

router = APIRouter()


def _verify_token_for(key: str) -> str | None:
    with session_scope() as session:
        inst = instances.find_by_webhook_key(session, key)
        return inst.verify_token if inst else None


@router.get("/webhooks/whatsapp/{key}")
async def whatsapp_handshake(key: str, request: Request) -> PlainTextResponse:
    q = request.query_params
    mode, token, challenge = q.get("hub.mode"), q.get("hub.verify_token"), q.get("hub.challenge")
    expected = await asyncio.to_thread(_verify_token_for, key)
    if expected is None:
        return PlainTextResponse("unknown webhook", status_code=404)
    if mode != "subscribe" or not token or not constant_time_equals(token, expected):
        return PlainTextResponse("verification failed", status_code=403)
    return PlainTextResponse(challenge or "", status_code=200)
