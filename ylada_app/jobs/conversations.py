"""The engine side of the worker: run the engine for one event and carry out its effects
(HTTP requests, delays), reuse parsed flow sets, and the per-conversation jobs that are not
batched — a due delay timer and the sweeper's redelivery of a stuck outbox.

Inbound messages are processed in batches by ylada_app.jobs.drain, which calls `run_event`.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from ylada_app.core import live, locks
from ylada_app.core.db import session_scope
from ylada_app.core.queue import clear_coalesced
from ylada_app.engine import FlowSet, handle
from ylada_app.integrations import http_request
from ylada_app.jobs.delivery import deliver, deliver_plans
from ylada_app.models import Timer, utcnow
from ylada_app.services import ai as ai_svc
from ylada_app.services import conversations as conv_svc
from ylada_app.services import instances as instances_svc

log = logging.getLogger(__name__)
MAX_EFFECTS_PER_MESSAGE = 8


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


class DeferAi(Exception):  # noqa: N818 - a signal, not an error
    """An ai_reply effect met while `defer_ai`: redo this conversation in its own
    transaction, so a slow model never holds the rest of a batch back."""


def run_event(flows: FlowSet, state: dict | None, event: dict, work: conv_svc.Work,
              sink: conv_svc.StepSink, *, defer_ai: bool = False) -> dict | None:
    """Feed one event to the engine and carry out its effects until it waits for input.

    With `defer_ai`, an ai_reply effect raises DeferAi before the model is called."""
    handoff: dict | None = None  # the assistant could not answer: see _to_the_team
    for _ in range(MAX_EFFECTS_PER_MESSAGE):
        now = utcnow()
        # The contact row's id: an A/B split sends the same contact the same way every time.
        result = handle(flows, state, event, conv_svc.contact_view(work.contact), now,
                        seed=f"contact-{work.contact.id}", today=work.local_today(now))
        state = result.state
        sink.outbound.extend(result.messages)
        sink.analytics.extend(result.events)
        conv_svc.apply_actions(work, result.actions, result.messages)
        sink.reminders.extend(a for a in result.actions if a.get("type") == "reminder")
        if handoff is not None:  # the engine took the assistant's answer; now the team
            state, handoff = _to_the_team(state, handoff, sink), None
        effect = next((e for e in result.effects if e.get("kind") != "delay"), None)
        for delay in (e for e in result.effects if e.get("kind") == "delay"):
            sink.timers.append((str(delay.get("id") or uuid.uuid4().hex), _wake_at(delay, now)))
        if effect is None:
            return state
        if defer_ai and effect.get("kind") == "ai_reply":
            raise DeferAi()
        if effect.get("fallback"):
            # The AI fallback (nothing matched): answer directly, nothing is fed back.
            outcome = perform_effect(effect, work)
            text = outcome.get("text") or outcome.get("fallback_text")
            if isinstance(text, str) and text.strip():
                sink.outbound.append({"type": "text", "text": text[:4096], "source": "ai"})
            sink.analytics.append({"type": "ai_answer" if outcome.get("text") else "ai_error",
                                   "fallback": True, "error": outcome.get("error")})
            if isinstance(outcome.get("handoff"), dict):
                state = _to_the_team(state, outcome["handoff"], sink)
            return state
        outcome = perform_effect(effect, work)
        handoff = outcome.get("handoff") if isinstance(outcome.get("handoff"), dict) else None
        event = {"kind": "effect_result", "effect_id": effect.get("id"), "result": outcome}
    log.warning("conversation %s: effect chain cut at %s", work.conversation.id,
                MAX_EFFECTS_PER_MESSAGE)
    return state


def _to_the_team(state: dict | None, handoff: dict[str, Any],
                 sink: conv_svc.StepSink) -> dict | None:
    """The assistant did not know (or stated a price nobody vouches for) and its answer
    ended the bot's turn: the conversation goes to the team's inbox, as a flow's handoff
    block does — the engine then ignores the customer until the team hands it back — and
    the hand-off line the team sees carries the question. A flow whose own error path
    goes on (another question, its own handoff block) keeps it: only the line is added
    when that path handed over."""
    if state is None:
        return state
    if state.get("status") == "ended":
        state = {**state, "status": "human", "waiting": "human", "pending": None,
                 "retries": 0}
        sink.analytics.append({"type": "handoff", "by": "ai",
                               "reason": str(handoff.get("reason") or "")[:20]})
    if state.get("status") == "human":
        sink.handoff_note = conv_svc.ai_handoff_note(handoff)
    return state


def _wake_at(delay: dict[str, Any], now: datetime) -> datetime:
    try:
        return datetime.fromisoformat(str(delay["wake_at"])).replace(tzinfo=None)
    except (KeyError, ValueError):
        return now + timedelta(seconds=int(delay.get("seconds") or 0))


def perform_effect(effect: dict[str, Any], work: conv_svc.Work | None = None) -> dict[str, Any]:
    kind = effect.get("kind")
    if kind == "http_request":
        try:
            return http_request.perform(effect)
        except Exception:  # (it should not raise: the block's error exit, never the batch)
            log.exception("a flow's HTTP request failed unexpectedly")
            return {"ok": False, "status": 0, "error": "internal_error"}
    if kind == "ai_reply" and work is not None:
        from ylada_app.jobs.ai import perform_ai_reply

        conv = work.conversation
        return perform_ai_reply(effect, tenant_id=conv.tenant_id, instance_id=conv.instance_id,
                                conversation_id=conv.id)
    return {"ok": False, "error": f"unsupported_effect:{kind}"}


def bot_flowset(session: Any, work: conv_svc.Work) -> FlowSet:
    """The instance's flow set as its bot runs it: with the number's default reply, its own
    opt-out / opt-in words and replies, and the AI fallback switched on if its settings say
    so. The settings are read from the instance row loaded with the batch and are part of
    the cache key, so an edit reaches the bot with the next batch."""
    flows = flowset_for(work.flows)
    ai = ai_svc.fallback_enabled(session, work.conversation.instance_id)
    reply = (work.instance.default_reply or "").strip() or None
    words = instances_svc.optout_settings(work.instance)
    if not ai and reply is None and words == instances_svc.DEFAULT_OPTOUT:
        return flows
    key = (id(flows), ai, reply, words)
    hit = _configured.get(key)
    if hit is None or hit[0] is not flows:
        if len(_configured) > 512:
            _configured.clear()
        hit = _configured[key] = (flows, replace(flows, ai_fallback=ai, default_reply=reply,
                                                 **words.flowset_fields()))
    return hit[1]


_configured: dict[tuple[int, bool, str | None, instances_svc.OptoutSettings],
                  tuple[FlowSet, FlowSet]] = {}


def redeliver(conversation_id: int) -> dict[str, int]:
    """The sweeper's retry of a stuck outbox, under the conversation lock (keeps order)."""
    clear_coalesced(f"out:{conversation_id}")
    with locks.hold(conversation_id):
        return deliver(conversation_id)


def _timer_event(timer: Timer) -> dict[str, Any]:
    """What the engine is fed when a timer is due: a delay's token, or a reminder's block."""
    reminder = (timer.payload or {}).get("reminder") if isinstance(timer.payload, dict) else None
    if isinstance(reminder, dict):
        return {"kind": "reminder", "flow_id": reminder.get("flow_id"),
                "node_id": reminder.get("node_id")}
    return {"kind": "timer", "token": timer.token}


def fire_timer(timer_id: int) -> dict[str, Any]:
    """A delay is due: feed the engine a timer event in the conversation's lock."""
    clear_coalesced(f"timer:{timer_id}")
    with session_scope() as session:
        timer = session.get(Timer, timer_id)
        if timer is None or timer.status != "pending":
            return {"fired": False}
        conversation_id = timer.conversation_id
        event = _timer_event(timer)
    with locks.hold(conversation_id):
        with session_scope() as session:
            timer = session.get(Timer, timer_id)
            if timer is None or timer.status != "pending":
                return {"fired": False}
            timer.status = "fired"
            session.add(timer)
            work = conv_svc.load_work(session, conversation_id, with_flows=True)
            if work is None:
                return {"fired": False}
            work.pending = []  # inbound messages are the drain's; this run is the timer's
            sink = conv_svc.StepSink()
            state = dict(work.conversation.session or {}) or None
            if work.tenant_status == "active" and work.conversation.status != "human":
                state = run_event(flowset_for(work.flows), state, event, work, sink)
            plans = conv_svc.finish_batch(session, [(work, sink, state or {})], [])
        live.bump([work.conversation.tenant_id])
        deliver_plans(plans)
    return {"fired": True}
