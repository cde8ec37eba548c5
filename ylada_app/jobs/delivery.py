"""Delivering a conversation's outbox through its channel, in order.

WhatsApp numbers go through one ThreadedGraphSender per process (a shared keep-alive pool
and the per-number rate limiter survive across jobs; a thread pool sends conversations side
by side); simulator instances are "delivered" at once with a local wamid. Outside the
24-hour customer-service window only templates go out.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from ylada_app.channels.whatsapp_cloud.ratelimit import SharedRateLimiter
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
    shared by every delivery of the process (and, with Redis, the rate with every process)."""
    global _sender, _sender_url
    settings = get_settings()
    url = settings.whatsapp_graph_url
    if _sender is None or _sender_url != url:
        if _sender is not None:
            _sender.close()
        shared = (SharedRateLimiter(_limiter_redis(settings.redis_url),
                                    settings.whatsapp_rate_per_s)
                  if settings.redis_url else None)
        _sender = ThreadedGraphSender(graph_url=url, rate_per_s=settings.whatsapp_rate_per_s,
                                      shared_limiter=shared)
        _sender_url = url
    return _sender


def _limiter_redis(url: str):
    """Redis for the send-rate limiter: no retries — while Redis restarts (refused at once),
    sends go on at a share of the rate instead of waiting for it. The timeout is not short:
    a busy host answering late is not a Redis outage."""
    from redis import Redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return Redis.from_url(url, socket_timeout=3.0, socket_connect_timeout=1.0,
                          retry=Retry(NoBackoff(), 0))


def deliver(conversation_id: int) -> dict[str, int]:
    """Send what is queued for the conversation (the sweeper's path: reads the outbox)."""
    with session_scope() as session:
        batch = conv_svc.queued_for(session, conversation_id)
    if batch is None:
        return dict.fromkeys(OUTCOMES, 0)
    return deliver_plans([batch])


def deliver_plans(plans: list[conv_svc.Delivery]) -> dict[str, int]:
    """Send every plan — conversations concurrently, each one's messages in order — then
    record all outcomes in one transaction. Never raises on send errors; a retryable failure
    stops that conversation so its later messages keep their order. A plan with older
    messages still waiting in its outbox (an agent's reply, a retry) sends those first; one
    behind a send in doubt waits for it to be settled.

    Exactly once: rows are "sending" (claimed, with the attempt's time) before anything goes
    out; a send whose outcome is unknown (timeout after writing) stays so, for its status
    webhook to settle; outcomes that could not be written (the database restarting) are
    kept in memory and written again until it answers."""
    started = time.monotonic()
    with session_scope() as session:
        behind, held = conv_svc.behind_older_messages(session, plans)
        if held:
            conv_svc.hold_back(session, [p for p in plans if p.conversation_id in held])
            plans = [p for p in plans if p.conversation_id not in held]
        if behind:
            # the whole outbox, in order; the plan's own rows are this run's, not in doubt
            plans = [conv_svc.queued_for(session, p.conversation_id,
                                         frozenset(i.message_id for i in p.items)) or p
                     if p.conversation_id in behind else p for p in plans]
        conv_svc.claim(session, plans)
    outcomes: dict[str, list[tuple[int, str]]] = {k: [] for k in OUTCOMES}
    remote: list[tuple[conv_svc.Delivery, str, list[conv_svc.Outgoing]]] = []
    for plan in plans:
        inst = plan.instance
        whatsapp = inst.channel == ChannelKind.WHATSAPP_CLOUD
        token = instance_access_token(inst) if whatsapp else None
        todo: list[conv_svc.Outgoing] = []
        for item in plan.items:
            if plan.opted_out and item.payload.get("source") == "broadcast":
                outcomes["failed"].append((item.message_id, "outbound.opted_out"))
            elif not whatsapp or item.to.startswith(SIMULATED_PREFIX):
                outcomes["sent"].append((item.message_id, f"sim.{item.message_id}"))
            elif not plan.window_open and item.payload.get("type") != "template":
                outcomes["failed"].append((item.message_id, "outside_24h_window"))
            elif not token or not inst.phone_number_id:
                outcomes["failed"].append((item.message_id, "instance_not_connected"))
            else:
                todo.append(item)
        if todo:
            remote.append((plan, token or "", todo))
    if remote:
        graph = sender()
        graph.book(Counter(plan.instance.phone_number_id for plan, _, todo in remote
                           for _ in todo))
        for done in _pool.map(lambda r: _send_conversation(graph, *r), remote):
            for kind, message_id, detail in done:
                outcomes[kind].append((message_id, detail))
    _record(plans, outcomes)
    log.info("delivered %d conversations in %.0f ms: %s", len(plans),
             (time.monotonic() - started) * 1000,
             " ".join(f"{k}={len(v)}" for k, v in outcomes.items() if v) or "nothing")
    return {k: len(v) for k, v in outcomes.items()}


# sent (wamid) · failed (error) · retry: refused for now · unsent: not tried (after a stop)
# · in_doubt: may have reached Graph, left "sending" for its status webhook
OUTCOMES = ("sent", "failed", "retry", "unsent", "in_doubt")
RECORD_FOR_S = 120.0


def _record(plans: list[conv_svc.Delivery], outcomes: dict[str, list[tuple[int, str]]]) -> None:
    """Write the outcomes; while the database is away, keep them and try again (with the
    conversations' locks renewed meanwhile) rather than leave accepted sends to be re-sent."""
    deadline = time.monotonic() + RECORD_FOR_S
    pause = 0.1
    while True:
        try:
            with session_scope() as session:
                conv_svc.mark_sent_many(session, outcomes["sent"])
                webhooks_out.emit(session, conv_svc.sent_events(plans, outcomes["sent"]))
                for message_id, error in outcomes["failed"]:
                    conv_svc.mark_failed(session, message_id, error)
                for message_id, error in outcomes["retry"]:
                    conv_svc.mark_retry(session, message_id, error)
                for message_id, _ in outcomes["unsent"]:
                    conv_svc.mark_retry(session, message_id, None)
            return
        except Exception:
            if time.monotonic() >= deadline:
                # Left "sending": the status webhooks still settle the accepted ones.
                log.exception("could not record %d send outcomes; giving up",
                              sum(len(v) for v in outcomes.values()))
                return
            log.warning("recording send outcomes failed; retrying in %.1f s", pause,
                        exc_info=True)
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


def _send_conversation(graph: ThreadedGraphSender, plan: conv_svc.Delivery, token: str,
                       items: list[conv_svc.Outgoing]) -> list[tuple[str, int, str]]:
    """One conversation's messages, in order (conversations run side by side). After a
    send that is refused for now or in doubt, the rest are not tried (order)."""
    out: list[tuple[str, int, str]] = []
    for n, item in enumerate(items):
        result = graph.send(plan.instance.phone_number_id, token, item.to, item.payload,
                            reference=inbox.message_reference(item.message_id))
        log.debug("send m%s → %s %s", item.message_id, "ok" if result.ok else "error",
                  result.wamid or result.error_kind)
        if result.ok and result.wamid:
            out.append(("sent", item.message_id, result.wamid))
            continue
        if result.in_doubt:
            out.append(("in_doubt", item.message_id, result.error_kind or "timeout"))
        elif result.retryable:
            out.append(("retry", item.message_id, result.error_kind or "retry"))
        else:
            out.append(("failed", item.message_id,
                        f"{result.error_kind}: {result.error_message or ''}"))
            continue
        out += [("unsent", later.message_id, "") for later in items[n + 1:]]
        break
    return out
