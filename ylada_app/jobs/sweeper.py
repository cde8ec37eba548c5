"""The sweeper: makes the pipeline durable.

Every few seconds it re-queues conversations whose inbound messages are still pending (a
worker died, Redis restarted and lost the queue), re-delivers outbox rows stuck in queued,
fires due delay timers, (once a minute) settles trials that ended, and keeps the analytics
rollups current (a job queued every 10 s; see jobs/analytics.py). Processing and
delivery are idempotent under the conversation lock, so a duplicate job finds nothing to do.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from ylada_app.core.db import session_scope
from ylada_app.core.queue import drain_started, enqueue_coalesced, mark_dirty, redis_connection
from ylada_app.core.settings import get_settings
from ylada_app.models import Message, Timer, utcnow

log = logging.getLogger(__name__)
STALE_S = 5
DELIVER_JOB = "ylada_app.jobs.conversations.redeliver"
TIMER_JOB = "ylada_app.jobs.conversations.fire_timer"


_SETTLE_EVERY_S = 60.0
_last_settle = [0.0]


def settle_billing() -> int:
    """Trials that ended move to the configured state (at most once a minute)."""
    import time

    from ylada_app.services.billing_admin import settle_trials

    if time.monotonic() - _last_settle[0] < _SETTLE_EVERY_S:
        return 0
    _last_settle[0] = time.monotonic()
    with session_scope() as session:
        return settle_trials(session)


def sweep_once(stale_s: float = STALE_S) -> dict[str, int]:
    cutoff = utcnow() - timedelta(seconds=stale_s)
    with session_scope() as session:
        pending = session.exec(
            select(Message.conversation_id)
            .where(Message.direction == "in", Message.status == "pending")
            .group_by(Message.conversation_id)
            .having(func.min(Message.created_at) < cutoff)
            .limit(1000)
        ).all()
        outbox = session.exec(
            select(Message.conversation_id)
            .where(Message.direction == "out", Message.status.in_(("queued", "sending")),
                   Message.created_at < cutoff)
            .group_by(Message.conversation_id)
            .limit(1000)
        ).all()
        timers = session.exec(
            select(Timer.id).where(Timer.status == "pending", Timer.wake_at <= utcnow())
            .limit(1000)
        ).all()
    # The dirty set may have been lost (Redis restart) or its drain job died: mark again and
    # clear the drain flag so that a fresh drain job is queued.
    if pending:
        drain_started()
        mark_dirty(list(pending))
    for cid in outbox:
        if cid not in pending:
            enqueue_coalesced(f"out:{cid}", DELIVER_JOB, cid)
    for tid in timers:
        enqueue_coalesced(f"timer:{tid}", TIMER_JOB, tid)
    try:
        settled = settle_billing()
    except Exception:  # never let billing bookkeeping stop the message sweeper
        log.exception("settling trials failed")
        settled = 0
    try:
        from ylada_app.jobs.analytics import periodic

        periodic()  # queues the analytics rollup (every 10 s) and platform snapshot (10 min)
    except Exception:  # analytics must never stop the message sweeper
        log.exception("analytics rollup failed")
    return {"pending": len(pending), "outbox": len(outbox), "timers": len(timers),
            "trials": settled}


def run_forever(interval_s: float = 2.0, stop: threading.Event | None = None) -> None:
    """Sweep until `stop` is set. With Redis, only one sweeper runs at a time cluster-wide."""
    stop = stop or threading.Event()
    while not stop.is_set():
        try:
            settings = get_settings()
            if settings.redis_url:
                conn = redis_connection(settings.redis_url)
                if conn.set("ylada:sweeper", 1, nx=True, ex=max(int(interval_s * 3), 3)):
                    sweep_once()
            else:
                sweep_once()
        except Exception:  # keep sweeping: Redis or the database may come back
            log.exception("sweep failed")
        stop.wait(interval_s)


def start_in_thread(interval_s: float = 2.0) -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(interval_s, stop), name="ylada-sweeper",
                     daemon=True).start()
    return stop
