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
    """Send what is queued for the conversation (the sweeper's path: reads the outbox)."""
    with session_scope() as session:
        batch = conv_svc.queued_for(session, conversation_id)
    if batch is None:
        return {"sent": 0, "failed": 0, "retry": 0}
    return deliver_batch(batch)


def deliver_batch(batch: conv_svc.Delivery) -> dict[str, int]:
    """Send in order, then record every outcome in one transaction. Never raises on send
    errors; a retryable failure stops the batch so later messages keep their order."""
    inst = batch.instance
    whatsapp = inst.channel == ChannelKind.WHATSAPP_CLOUD
    token = instance_access_token(inst) if whatsapp else None
    sent: list[tuple[int, str]] = []
    failed: list[tuple[int, str]] = []
    retry: list[tuple[int, str]] = []
    for item in batch.items:
        if not whatsapp or item.to.startswith(SIMULATED_PREFIX):
            sent.append((item.message_id, f"sim.{item.message_id}"))
        elif not batch.window_open and item.payload.get("type") != "template":
            failed.append((item.message_id, "outside_24h_window"))
        elif not token or not inst.phone_number_id:
            failed.append((item.message_id, "instance_not_connected"))
        else:
            result = sender().send(inst.phone_number_id, token, item.to, item.payload)
            if result.ok and result.wamid:
                sent.append((item.message_id, result.wamid))
            elif result.retryable:
                retry.append((item.message_id, result.error_kind or "retry"))
                break
            else:
                failed.append((item.message_id,
                               f"{result.error_kind}: {result.error_message or ''}"))
    with session_scope() as session:
        conv_svc.mark_sent_many(session, sent)
        for message_id, error in failed:
            conv_svc.mark_failed(session, message_id, error)
        for message_id, error in retry:
            conv_svc.mark_retry(session, message_id, error)
    return {"sent": len(sent), "failed": len(failed), "retry": len(retry)}
