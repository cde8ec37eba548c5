"""Delivering a conversation's outbox through its channel, in order.

WhatsApp numbers go through one ThreadedGraphSender per process (a shared keep-alive pool
and the per-number rate limiter survive across jobs; a thread pool sends conversations side
by side); simulator instances are "delivered" at once with a local wamid. Outside the
24-hour customer-service window only templates go out.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from ylada_app.channels.whatsapp_cloud.sender import ThreadedGraphSender
from ylada_app.core.db import session_scope
from ylada_app.core.settings import get_settings
from ylada_app.models.instance import ChannelKind
from ylada_app.services import conversations as conv_svc
from ylada_app.services import inbox, webhooks_out
from ylada_app.services.instances import instance_access_token
from ylada_app.services.simulator import SIMULATED_PREFIX

log = logging.getLogger(__name__)
_sender: ThreadedGraphSender | None = None
_sender_url: str | None = None
_pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="ylada-send")


def sender() -> ThreadedGraphSender:
    """One sender per process and Graph URL: its connection pool and rate limiter are
    shared by every delivery of the process."""
    global _sender, _sender_url
    url = get_settings().whatsapp_graph_url
    if _sender is None or _sender_url != url:
        if _sender is not None:
            _sender.close()
        _sender = ThreadedGraphSender(graph_url=url,
                                      rate_per_s=get_settings().whatsapp_rate_per_s)
        _sender_url = url
    return _sender


def deliver(conversation_id: int) -> dict[str, int]:
    """Send what is queued for the conversation (the sweeper's path: reads the outbox)."""
    with session_scope() as session:
        batch = conv_svc.queued_for(session, conversation_id)
    if batch is None:
        return {"sent": 0, "failed": 0, "retry": 0}
    return deliver_plans([batch])


def deliver_plans(plans: list[conv_svc.Delivery]) -> dict[str, int]:
    """Send every plan — conversations concurrently, each one's messages in order — then
    record all outcomes in one transaction. Never raises on send errors; a retryable failure
    stops that conversation so its later messages keep their order. A plan with older
    messages still waiting in its outbox (an agent's reply, a retry) sends those first."""
    with session_scope() as session:
        behind = conv_svc.behind_older_messages(session, plans)
        if behind:
            plans = [conv_svc.queued_for(session, p.conversation_id) or p
                     if p.conversation_id in behind else p for p in plans]
    sent: list[tuple[int, str]] = []
    failed: list[tuple[int, str]] = []
    retry: list[tuple[int, str]] = []
    remote: list[tuple[conv_svc.Delivery, str, list[conv_svc.Outgoing]]] = []
    for plan in plans:
        inst = plan.instance
        whatsapp = inst.channel == ChannelKind.WHATSAPP_CLOUD
        token = instance_access_token(inst) if whatsapp else None
        todo: list[conv_svc.Outgoing] = []
        for item in plan.items:
            if not whatsapp or item.to.startswith(SIMULATED_PREFIX):
                sent.append((item.message_id, f"sim.{item.message_id}"))
            elif not plan.window_open and item.payload.get("type") != "template":
                failed.append((item.message_id, "outside_24h_window"))
            elif not token or not inst.phone_number_id:
                failed.append((item.message_id, "instance_not_connected"))
            else:
                todo.append(item)
        if todo:
            remote.append((plan, token or "", todo))
    if remote:
        graph = sender()
        for outcomes in _pool.map(lambda r: _send_conversation(graph, *r), remote):
            for kind, message_id, detail in outcomes:
                {"sent": sent, "failed": failed, "retry": retry}[kind].append(
                    (message_id, detail))
    with session_scope() as session:
        conv_svc.mark_sent_many(session, sent)
        webhooks_out.emit(session, conv_svc.sent_events(plans, sent))
        for message_id, error in failed:
            conv_svc.mark_failed(session, message_id, error)
        for message_id, error in retry:
            conv_svc.mark_retry(session, message_id, error)
    return {"sent": len(sent), "failed": len(failed), "retry": len(retry)}


def _send_conversation(graph: ThreadedGraphSender, plan: conv_svc.Delivery, token: str,
                       items: list[conv_svc.Outgoing]) -> list[tuple[str, int, str]]:
    """One conversation's messages, in order (conversations run side by side)."""
    out: list[tuple[str, int, str]] = []
    for item in items:
        result = graph.send(plan.instance.phone_number_id, token, item.to, item.payload,
                            reference=inbox.message_reference(item.message_id))
        if result.ok and result.wamid:
            out.append(("sent", item.message_id, result.wamid))
        elif result.retryable:
            out.append(("retry", item.message_id, result.error_kind or "retry"))
            break
        else:
            out.append(("failed", item.message_id,
                        f"{result.error_kind}: {result.error_message or ''}"))
    return out
