"""`process_conversation(conversation_id)`: the worker side of the hot path.

1. Clear the coalescing flag, then take the per-conversation lock.
2. In ONE transaction: lock the row, run the engine over every pending inbound message in
   order (carrying out effects — HTTP requests, delays — and feeding results back), then
   write session state, outbox rows, analytics, timers and usage counts.
3. Deliver the outbox (in order).

A crash before the commit leaves the inbound messages pending; a crash after it leaves the
outbox queued. The sweeper (ylada_app.jobs.sweeper) re-queues both, so nothing is lost.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from ylada_app.core.db import session_scope
from ylada_app.core.queue import clear_coalesced, redis_connection
from ylada_app.core.settings import get_settings
from ylada_app.engine import FlowSet, handle
from ylada_app.integrations import http_request
from ylada_app.jobs.delivery import deliver, deliver_batch
from ylada_app.models import utcnow
from ylada_app.services import conversations as conv_svc

log = logging.getLogger(__name__)
MAX_EFFECTS_PER_MESSAGE = 8
# Jobs take milliseconds; a dead worker's lock must not block its conversation for long.
LOCK_TIMEOUT_S = 20
_local_locks: dict[int, threading.Lock] = {}
_local_guard = threading.Lock()


@contextmanager
def conversation_lock(conversation_id: int) -> Iterator[None]:
    """One worker at a time per conversation: a Redis lock across processes and hosts, a
    thread lock in the embedded mode."""
    settings = get_settings()
    if settings.redis_url:
        lock = redis_connection(settings.redis_url).lock(
            f"ylada:lock:conv:{conversation_id}", timeout=LOCK_TIMEOUT_S,
            blocking_timeout=LOCK_TIMEOUT_S + 5)
        if not lock.acquire():
            raise TimeoutError(f"conversation {conversation_id} is busy")
        try:
            yield
        finally:
            try:
                lock.release()
            except Exception:  # expired or Redis restarted: the row lock still protected us
                log.warning("conversation lock %s lost", conversation_id)
    else:
        with _local_guard:
            lock = _local_locks.setdefault(conversation_id, threading.Lock())
        with lock:
            yield


@lru_cache(maxsize=256)
def _flowset(definitions_json: str) -> FlowSet:
    return FlowSet.from_definitions(json.loads(definitions_json))


# The flow cache (services.conversations.cached_flows) hands out the same dict object until it
# re-reads the database, so the parsed FlowSet can be reused by identity without hashing the
# JSON on every conversation.
_by_identity: dict[int, tuple[dict, FlowSet]] = {}


def flowset_for(flows: dict[str, dict]) -> FlowSet:
    hit = _by_identity.get(id(flows))
    if hit is not None and hit[0] is flows:
        return hit[1]
    flowset = _flowset(json.dumps(flows, sort_keys=True, separators=(",", ":")))
    if len(_by_identity) > 512:
        _by_identity.clear()
    _by_identity[id(flows)] = (flows, flowset)
    return flowset


def process_conversation(conversation_id: int) -> dict[str, Any]:
    clear_coalesced(f"conv:{conversation_id}")
    with conversation_lock(conversation_id):
        outcome, batch = _process(conversation_id)
        if batch is not None and batch.items:
            outcome["delivery"] = deliver_batch(batch)
    return outcome


def _process(conversation_id: int) -> tuple[dict[str, Any], conv_svc.Delivery | None]:
    with session_scope() as session:
        work = conv_svc.load_work(session, conversation_id)
        if work is None or not work.pending:
            return {"processed": 0}, None
        if (work.tenant_status != "active" or work.instance.status == "disabled"
                or work.conversation.status == "human"):
            # Stored, but the bot stays silent (suspended tenant, disabled number, a human
            # is handling the chat).
            conv_svc.mark_ignored(session, work.conversation, work.pending)
            conv_svc.count_usage(session, tenant_id=work.conversation.tenant_id,
                                 messages_in=len(work.pending))
            return {"processed": 0, "ignored": len(work.pending)}, None
        flows = flowset_for(work.flows)
        sink = conv_svc.StepSink()
        state = dict(work.conversation.session or {}) or None
        for msg in work.pending:
            state = run_event(flows, state, conv_svc.engine_event(msg), work, sink)
        ids = conv_svc.finish(session, work, sink, state or {}, work.pending)
        batch = conv_svc.delivery_from(work, ids, sink.outbound)
        return {"processed": len(work.pending), "replies": len(sink.outbound)}, batch


def run_event(flows: FlowSet, state: dict | None, event: dict, work: conv_svc.Work,
              sink: conv_svc.StepSink) -> dict | None:
    """Feed one event to the engine and carry out its effects until it waits for input."""
    for _ in range(MAX_EFFECTS_PER_MESSAGE):
        now = utcnow()
        result = handle(flows, state, event, conv_svc.contact_view(work.contact), now)
        state = result.state
        sink.outbound.extend(result.messages)
        sink.analytics.extend(result.events)
        conv_svc.apply_actions(work, result.actions)
        effect = next((e for e in result.effects if e.get("kind") != "delay"), None)
        for delay in (e for e in result.effects if e.get("kind") == "delay"):
            sink.timers.append((str(delay.get("id") or uuid.uuid4().hex), _wake_at(delay, now)))
        if effect is None:
            return state
        event = {"kind": "effect_result", "effect_id": effect.get("id"),
                 "result": perform_effect(effect)}
    log.warning("conversation %s: effect chain cut at %s", work.conversation.id,
                MAX_EFFECTS_PER_MESSAGE)
    return state


def _wake_at(delay: dict[str, Any], now: datetime) -> datetime:
    try:
        return datetime.fromisoformat(str(delay["wake_at"])).replace(tzinfo=None)
    except (KeyError, ValueError):
        return now + timedelta(seconds=int(delay.get("seconds") or 0))


def perform_effect(effect: dict[str, Any]) -> dict[str, Any]:
    kind = effect.get("kind")
    if kind == "http_request":
        return http_request.perform(effect)
    # ai_reply arrives with the AI assistant; until then the flow takes its error branch.
    return {"ok": False, "error": f"unsupported_effect:{kind}"}


def redeliver(conversation_id: int) -> dict[str, int]:
    """The sweeper's retry of a stuck outbox, under the conversation lock (keeps order)."""
    clear_coalesced(f"out:{conversation_id}")
    with conversation_lock(conversation_id):
        return deliver(conversation_id)


def fire_timer(timer_id: int) -> dict[str, Any]:
    """A delay is due: feed the engine a timer event in the conversation's lock."""
    from ylada_app.models import Timer

    clear_coalesced(f"timer:{timer_id}")
    with session_scope() as session:
        timer = session.get(Timer, timer_id)
        if timer is None or timer.status != "pending":
            return {"fired": False}
        conversation_id, token = timer.conversation_id, timer.token
    with conversation_lock(conversation_id):
        with session_scope() as session:
            timer = session.get(Timer, timer_id)
            if timer is None or timer.status != "pending":
                return {"fired": False}
            timer.status = "fired"
            session.add(timer)
            work = conv_svc.load_work(session, conversation_id, with_flows=True)
            if work is None:
                return {"fired": False}
            sink = conv_svc.StepSink()
            state = dict(work.conversation.session or {}) or None
            if work.tenant_status == "active" and work.conversation.status != "human":
                state = run_event(flowset_for(work.flows), state,
                                  {"kind": "timer", "token": token}, work, sink)
            conv_svc.finish(session, work, sink, state or {}, [])
        deliver(conversation_id)
    return {"fired": True}

