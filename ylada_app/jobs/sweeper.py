"""The sweeper: makes the pipeline durable.

Every few seconds it re-queues conversations whose inbound messages are still pending (a
worker died, Redis restarted and lost the queue), re-delivers outbox rows stuck in queued,
fires due delay timers, re-queues e-mails due for a (re)try, (once a minute) settles trials
that ended and switches off what lapsed plans no longer allow, (every 15 s) tells teams about
customers waiting too long, (once an hour) purges expired sessions and tokens, and keeps the
analytics rollups current (a job queued every 10 s; see jobs/analytics.py). Processing and
delivery are idempotent under the conversation lock, so a duplicate job finds nothing to do.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy import func, or_
from sqlmodel import col, select

from ylada_app.core.db import session_scope
from ylada_app.core.queue import drain_started, enqueue_coalesced, mark_dirty, redis_connection
from ylada_app.core.settings import get_settings
from ylada_app.models import Message, Timer, utcnow
from ylada_app.services import conversations as conv_svc
from ylada_app.services.outbox import DELIVER_JOB

log = logging.getLogger(__name__)
STALE_S = 5
TIMER_JOB = "ylada_app.jobs.conversations.fire_timer"


_SETTLE_EVERY_S = 60.0
_last_settle = [0.0]


def settle_billing() -> int:
    """Trials that ended move to the configured state, and plans that lapsed (trial or
    past_due grace over) switch off their excess (at most once a minute)."""
    import time

    from ylada_app.services.billing_admin import settle

    if time.monotonic() - _last_settle[0] < _SETTLE_EVERY_S:
        return 0
    _last_settle[0] = time.monotonic()
    with session_scope() as session:
        return settle(session)


_WAITING_EVERY_S = 15.0
_last_waiting = [0.0]


def check_waiting() -> int:
    """Customers waiting too long for a person: the team is told (every 15 s at most)."""
    import time

    from ylada_app.core import live
    from ylada_app.services.notifications import notify_waiting

    if time.monotonic() - _last_waiting[0] < _WAITING_EVERY_S:
        return 0
    _last_waiting[0] = time.monotonic()
    with session_scope() as session:
        told = notify_waiting(session)
    live.bump(told)
    return len(told)


_PURGE_EVERY_S = 3600.0
_last_purge = [0.0]


def purge_auth() -> int:
    """Sessions past their lifetime, spent login/e-mail tokens, day-old API idempotency
    keys and month-old webhook events go (at most once an hour)."""
    import time

    from ylada_app.services import idempotency, webhooks_out
    from ylada_app.services.auth import purge_expired

    if time.monotonic() - _last_purge[0] < _PURGE_EVERY_S:
        return 0
    _last_purge[0] = time.monotonic()
    with session_scope() as session:
        # and the public API's idempotency keys older than a day
        return (purge_expired(session) + idempotency.purge(session)
                + webhooks_out.purge(session))


def kick_webhooks() -> int:
    """Webhook deliveries whose retry time came, or that a dead run left, get a run."""
    from ylada_app.services import webhooks_out

    with session_scope() as session:
        due = webhooks_out.due_endpoints(session)
    webhooks_out.kick(due)
    return len(due)


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
        # "sending" means the outcome is unknown: only once its status webhook had time to
        # settle it (services.conversations.UNKNOWN_OUTCOME_GRACE_S) is it sent again.
        in_doubt_until = utcnow() - timedelta(seconds=conv_svc.UNKNOWN_OUTCOME_GRACE_S)
        outbox = session.exec(
            select(Message.conversation_id)
            .where(Message.direction == "out", col(Message.status).in_(("queued", "sending")),
                   Message.created_at < cutoff,
                   or_(Message.status == "queued",
                       func.coalesce(Message.attempted_at, Message.created_at)
                       < in_doubt_until))
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
        mails = _requeue_emails()
    except Exception:  # e-mail bookkeeping must never stop the message sweeper
        log.exception("re-queueing e-mails failed")
        mails = 0
    try:
        check_waiting()
    except Exception:  # notifications must never stop the message sweeper
        log.exception("checking waiting conversations failed")
    try:
        kick_webhooks()
    except Exception:  # outgoing webhooks must never stop the message sweeper
        log.exception("queueing webhook deliveries failed")
    try:
        from ylada_app.jobs.broadcasts import kick as kick_broadcasts

        kick_broadcasts()
    except Exception:  # a broadcast must never stop the message sweeper
        log.exception("queueing broadcasts failed")
    try:
        from ylada_app.jobs.instances import kick_health_checks

        kick_health_checks()
    except Exception:  # a number's health check must never stop the message sweeper
        log.exception("queueing number health checks failed")
    try:
        from ylada_app.jobs.brand import kick_domain_checks

        kick_domain_checks()  # white label: custom domains' DNS records re-checked
    except Exception:  # a domain check must never stop the message sweeper
        log.exception("queueing custom domain checks failed")
    try:
        purge_auth()
    except Exception:  # housekeeping must never stop the message sweeper
        log.exception("purging expired sessions failed")
    try:
        from ylada_app.jobs.billing import kick_daily_reconcile

        kick_daily_reconcile()  # once a day: subscriptions re-read from their gateway
    except Exception:  # never let billing bookkeeping stop the message sweeper
        log.exception("queueing the billing reconciliation failed")
    try:
        from ylada_app.jobs.retention import kick as kick_retention

        kick_retention()  # LGPD: nightly retention runs, closed businesses' erasure (5 min)
    except Exception:  # housekeeping must never stop the message sweeper
        log.exception("queueing retention runs failed")
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
    try:
        from ylada_app.jobs.privacy import periodic as privacy_periodic

        privacy_periodic()  # LGPD requests near their deadline: owners reminded (10 min)
    except Exception:  # never let LGPD bookkeeping stop the message sweeper
        log.exception("LGPD reminders failed")
    return {"pending": len(pending), "outbox": len(outbox), "timers": len(timers),
            "trials": settled, "emails": mails}


def _requeue_emails() -> int:
    """E-mails whose retry time came, or whose send job was lost, get a job again."""
    from ylada_app.services import emails

    with session_scope() as session:
        due = emails.due_for_sending(session)
    for email_id in due:
        enqueue_coalesced(f"email:{email_id}", emails.SEND_JOB, email_id)
    return len(due)


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
