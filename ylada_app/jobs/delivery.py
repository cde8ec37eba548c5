"""Delivering a conversation's outbox through its channel, in order.

WhatsApp numbers go through one SyncGraphSender per process (a shared keep-alive pool and
the per-number rate limiter survive across jobs); simulator instances are "delivered" at
once with a local wamid. Outside the 24-hour customer-service window only templates go out.
"""

from __future__ import annotations

import logging

from ylada_app.channels.whatsapp_cloud.sender import SyncGraphSender
from ylada_app.core.db import session_scope
from ylada_app.core.settings import get_settings
from ylada_app.models.instance import ChannelKind
from ylada_app.services import conversations as conv_svc
from ylada_app.services.instances import instance_access_token
from ylada_app.services.simulator import SIMULATED_PREFIX

log = logging.getLogger(__name__)
_sender: SyncGraphSender | None = None
_sender_url: str | None = None


def sender() -> SyncGraphSender:
    global _sender, _sender_url
    url = get_settings().whatsapp_graph_url
    if _sender is None or _sender_url != url:
        if _sender is not None:
            _sender.close()
        _sender, _sender_url = SyncGraphSender(graph_url=url), url
    return _sender


def deliver(conversation_id: int) -> dict[str, int]:
    """Send what is queued for the conversation. Returns counts; never raises on send errors."""
    with session_scope() as session:
        batch = conv_svc.queued_for(session, conversation_id)
        if batch is None:
            return {"sent": 0, "failed": 0, "retry": 0}
        inst = batch.instance
        token = instance_access_token(inst) if inst.channel == ChannelKind.WHATSAPP_CLOUD else None
        pnid = inst.phone_number_id
    counts = {"sent": 0, "failed": 0, "retry": 0}
    for item in batch.items:
        if inst.channel == ChannelKind.SIMULATOR or item.to.startswith(SIMULATED_PREFIX):
            with session_scope() as session:
                conv_svc.mark_sent(session, item.message_id, f"sim.{item.message_id}")
            counts["sent"] += 1
            continue
        if not batch.window_open and item.payload.get("type") != "template":
            with session_scope() as session:
                conv_svc.mark_failed(session, item.message_id, "outside_24h_window")
            counts["failed"] += 1
            continue
        if not token or not pnid:
            with session_scope() as session:
                conv_svc.mark_failed(session, item.message_id, "instance_not_connected")
            counts["failed"] += 1
            continue
        with session_scope() as session:
            conv_svc.mark_sending(session, item.message_id)
        result = sender().send(pnid, token, item.to, item.payload)
        with session_scope() as session:
            if result.ok and result.wamid:
                conv_svc.mark_sent(session, item.message_id, result.wamid)
                counts["sent"] += 1
            elif result.retryable:
                conv_svc.mark_retry(session, item.message_id, result.error_kind or "retry")
                counts["retry"] += 1
                break  # keep the order: later messages wait for this one
            else:
                conv_svc.mark_failed(session, item.message_id,
                                     f"{result.error_kind}: {result.error_message or ''}")
                counts["failed"] += 1
    return counts
