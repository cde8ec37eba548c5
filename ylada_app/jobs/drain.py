"""`drain()`: the worker side of the hot path, in batches.

Webhooks mark conversations dirty (ylada_app.core.queue.mark_dirty). A drain job pops up to
BATCH dirty conversations at a time, locks them (Redis locks for the whole batch, plus
FOR UPDATE SKIP LOCKED rows), runs the engine over every pending inbound message of each in
order, writes the batch in ONE transaction (session state, outbox, analytics, timers, usage),
then delivers the outbox — conversations concurrently, each one's messages in order. One job
thus serves many messages: the queue's per-job overhead is paid per batch.

A conversation whose run reaches an AI answer (ai_reply effect) is taken out of the batch
before the model is called and redone alone after the batch is committed and delivered: a
slow model delays only its own conversation. Its messages stay pending until then.

Conversations marked for their outbox only (the inbox's and the API's sends, written by
services/outbox) are delivered in the same batches, under the same locks.

Crash safety is the same as for single jobs: before the commit the inbound messages stay
pending, after it the outbox rows stay "sending"; the sweeper recovers both.
"""

from __future__ import annotations

import logging
import time

from ylada_app.core import live
from ylada_app.core.db import session_scope
from ylada_app.core.locks import acquire_many
from ylada_app.core.queue import drain_started, mark_dirty, pop_dirty, pop_dirty_or_wait
from ylada_app.jobs.conversations import DeferAi, bot_flowset, run_event
from ylada_app.jobs.delivery import deliver_plans
from ylada_app.services import conversations as conv_svc
from ylada_app.services import privacy

log = logging.getLogger(__name__)
BATCH = 100
MAX_ROUNDS = 20_000
LINGER_S = 0.25
# Conversations wait this long for company before a batch leaves (see core.queue). A batch
# has a fixed cost (its statements, transactions and locks: about as much as 8 messages), so
# waiting makes batches larger and the messages cheaper: at 300 msg/s, 20 ms gave batches of
# ~10 conversations and 60 ms of ~19, with the workers' CPU per message down 23 % and reply
# p99 down from ~470 to ~250 ms (less CPU contention); beyond ~60 ms the wait shows in p50.
GATHER_MS = 60
POLL_S = 0.01


def drain(batch: int = BATCH, max_rounds: int = MAX_ROUNDS,
          linger_s: float = LINGER_S) -> dict[str, int]:
    """Process dirty conversations until none has arrived for `linger_s`: under steady
    traffic one job keeps a worker busy instead of paying the queue's cost per message."""
    redis_url = drain_started()
    totals = {"batches": 0, "conversations": 0, "deferred": 0}
    idle_since = None
    for _ in range(max_rounds):
        ids, ready_in = pop_dirty_or_wait(batch, redis_url, GATHER_MS)
        if not ids:
            if ready_in is not None:  # conversations still gathering company: not idle
                idle_since = None
                time.sleep(min(max(ready_in, POLL_S / 5), GATHER_MS / 1000))
                continue
            now = time.monotonic()
            idle_since = idle_since or now
            if now - idle_since >= linger_s:
                return totals
            time.sleep(POLL_S)
            continue
        idle_since = None
        done, deferred = process_batch(ids)
        totals["batches"] += 1
        totals["conversations"] += done
        if deferred:
            totals["deferred"] += len(deferred)
            mark_dirty(deferred)
            if not done:
                time.sleep(0.01)  # everything is busy elsewhere: let the holders finish
    mark_dirty(pop_dirty(batch, redis_url))  # hand what is left to a fresh job
    return totals


def process_batch(ids: list[int]) -> tuple[int, list[int]]:
    """Process what can be locked; returns (conversations processed, ids deferred).

    If the batch's transaction fails, each conversation is retried alone, so one poisoned
    conversation cannot hold the others back; one that fails alone too has its pending
    messages set aside as "error" (logged) instead of failing forever.
    """
    started = time.monotonic()
    locked, release = acquire_many(ids)
    deferred = [cid for cid in ids if cid not in set(locked)]
    if not locked:
        return 0, deferred
    done = 0
    try:
        plans: list = []
        slow: list[int] = []
        try:
            done, plans, slow = _process_locked(locked, defer_ai=len(locked) > 1)
        except Exception:
            done = 0
            if len(locked) == 1:
                _set_aside(locked[0])
            else:
                log.exception("batch of %d failed; retrying one by one", len(locked))
                for cid in locked:
                    n, more = _alone(cid)
                    done += n
                    plans += more
        if plans:
            # After the commit: a delivery problem never re-runs the engine (the outbox
            # rows stay "sending" and the sweeper retries them).
            deliver_plans(plans)
        # Conversations waiting on the AI model: each alone, after the rest of the batch
        # is committed and delivered (still under the batch's locks, so order holds).
        for cid in slow:
            n, more = _alone(cid)
            done += n
            if more:
                deliver_plans(more)
        return done, deferred
    finally:
        release()
        log.info("batch: %d conversations processed, %d busy elsewhere, %.0f ms", done,
                 len(deferred), (time.monotonic() - started) * 1000)


def _alone(conversation_id: int) -> tuple[int, list]:
    """One conversation in its own transaction; set aside if it fails even alone."""
    try:
        n, plans, _ = _process_locked([conversation_id])
    except Exception:
        _set_aside(conversation_id)
        return 0, []
    return n, plans


def _set_aside(conversation_id: int) -> None:
    log.exception("conversation %s failed; its pending messages are set aside",
                  conversation_id)
    try:
        with session_scope() as session:
            conv_svc.set_aside(session, conversation_id)
    except Exception:
        log.exception("could not set aside conversation %s", conversation_id)


def _process_locked(locked: list[int], *,
                    defer_ai: bool = False) -> tuple[int, list, list[int]]:
    """Returns (conversations processed, delivery plans, ids left for a model call)."""
    slow: list[int] = []
    with session_scope() as session:
        works = conv_svc.load_batch(session, locked)
        done, ignored = [], []
        for work in works:
            if (work.tenant_status != "active" or work.instance.status == "disabled"
                    or work.conversation.status in ("human", "snoozed")):
                ignored.append(work)
                continue
            sink = conv_svc.StepSink()
            state = dict(work.conversation.session or {}) or None
            flows = bot_flowset(session, work)
            try:
                for msg in work.pending:
                    work.wamid = msg.wamid or ""  # evidence of a consent it changes
                    if work.instance.privacy_keyword and privacy.keyword_step(session, work,
                                                                              msg, sink):
                        continue  # "MEUS DADOS": an LGPD export request, not for the bot
                    if not conv_svc.said_to_the_bot(msg):
                        # (a notice of a new number or BSUID was applied as it was stored:
                        # api/webhooks_whatsapp._store_messages)
                        continue
                    state = run_event(flows, state, conv_svc.engine_event(msg), work, sink,
                                      defer_ai=defer_ai)
            except DeferAi:
                # Nothing of this run is kept: its messages stay pending for the rerun.
                session.expire(work.contact)
                session.expire(work.conversation)
                slow.append(work.conversation.id)
                continue
            done.append((work, sink, state or {}))
        plans = conv_svc.finish_batch(session, done, ignored)
        # Outboxes the bot did not add to in this run (a reply from the inbox or the API,
        # a conversation with a person): delivered in this batch too, so every sender
        # shares the pipeline's batching and locks.
        planned = {p.conversation_id for p in plans} | set(slow)
        plans += conv_svc.queued_plans(session, [c for c in locked if c not in planned])
    live.bump({w.conversation.tenant_id for w in works})  # open inbox pages refresh
    return len(works) - len(slow), plans, slow
