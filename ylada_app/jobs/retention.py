"""Nightly LGPD housekeeping jobs: retention runs and the erasure of closed businesses.

`kick()` is called by the sweeper on every sweep but looks at the database at most every
`KICK_EVERY_S`: it queues `run(tenant_id)` for each business entering its quiet hour
(services/retention.due_tenants) and `erase_business(tenant_id)` for each closed business
past its 30 days. Each job deletes in batches of at most services.retention.BATCH rows, one
short transaction per batch, pausing `PAUSE_S` between batches so the webhook pipeline's
writes never queue behind a long delete.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime

from ylada_app.core.db import session_scope
from ylada_app.core.queue import enqueue
from ylada_app.services import closure, retention
from ylada_app.services.errors import NotFound

log = logging.getLogger(__name__)
RUN_JOB = "ylada_app.jobs.retention.run"
ERASE_JOB = "ylada_app.jobs.retention.erase_business"
KICK_EVERY_S = 300.0
PAUSE_S = 0.02
# Work per job before it queues its continuation (RQ's default job timeout is 180 s).
BUDGET_S = 120.0
_last_kick = [float("-inf")]


def kick(*, force: bool = False, now: datetime | None = None) -> int:
    """Queue tonight's runs and due erasures (at most every KICK_EVERY_S). Returns how many."""
    if not force and time.monotonic() - _last_kick[0] < KICK_EVERY_S:
        return 0
    _last_kick[0] = time.monotonic()
    with session_scope() as session:
        runs = retention.due_tenants(session, now=now)
        erasures = closure.due_for_erasure(session, now=now)
    for tenant_id in runs:
        enqueue(RUN_JOB, tenant_id)
    for tenant_id in erasures:
        enqueue(ERASE_JOB, tenant_id)
    return len(runs) + len(erasures)


def _drain(step, limit: int, pause_s: float, deadline: float) -> tuple[int, int, int, bool]:
    """Call `step(session)` in its own transaction until it deletes less than a full batch
    or the deadline passes. Returns (rows, batches, largest batch, finished)."""
    total = batches = largest = 0
    while True:
        with session_scope() as session:
            n = step(session)
        total += n
        largest = max(largest, n)
        if n:
            batches += 1
        if n < limit:
            return total, batches, largest, True
        if time.monotonic() >= deadline:
            return total, batches, largest, False
        if pause_s:
            time.sleep(pause_s)


def run(tenant_id: int, run_id: int | None = None, *, batch: int = retention.BATCH,
        pause_s: float = PAUSE_S, budget_s: float = BUDGET_S) -> dict[str, int]:
    """Delete the business's messages and AI logs older than its policy (and webhook
    diagnostics older than 30 days); the conversations' previews of messages older than
    the policy are emptied too (on PostgreSQL their search words are rebuilt as their old
    messages go: services/retention.delete_messages_batch). A run longer than
    `budget_s` (the queue's job timeout is shorter than a huge first run) queues its own
    continuation, which adds to the same `retention_run` row."""
    deadline = time.monotonic() + budget_s
    with session_scope() as session:
        try:
            policy = retention.get_policy(session, tenant_id=tenant_id)
        except NotFound:
            return {"messages": 0, "ai_logs": 0, "batches": 0, "batch_max": 0}
        if run_id is None:
            run_id = retention.start_run(session, tenant_id=tenant_id)
    msg_before, ai_before = retention.cutoffs(policy)
    limit = max(1, min(batch, retention.BATCH))
    messages, m_batches, m_max, done = _drain(
        lambda s: retention.delete_messages_batch(s, tenant_id=tenant_id, before=msg_before,
                                                  limit=limit), limit, pause_s, deadline)
    if done:  # the inbox previews still quoting messages older than the policy
        _, _, _, done = _drain(
            lambda s: retention.blank_previews_batch(s, tenant_id=tenant_id, before=msg_before,
                                                     limit=limit), limit, pause_s, deadline)
    ai_logs = a_batches = a_max = 0
    if done:
        ai_logs, a_batches, a_max, done = _drain(
            lambda s: retention.delete_ai_logs_batch(s, tenant_id=tenant_id, before=ai_before,
                                                     limit=limit), limit, pause_s, deadline)
    w_batches = w_max = 0
    if done:  # (webhook diagnostics: a fixed 30 days, whatever the policy)
        _, w_batches, w_max, done = _drain(
            lambda s: retention.delete_webhook_logs_batch(s, tenant_id=tenant_id, limit=limit),
            limit, pause_s, deadline)
    result = {"messages": messages, "ai_logs": ai_logs,
              "batches": m_batches + a_batches + w_batches, "batch_max": max(m_max, a_max, w_max)}
    with session_scope() as session:
        retention.add_to_run(session, run_id=run_id, finished=done, **result)
    if not done:
        enqueue(RUN_JOB, tenant_id, run_id)
    log.info("retention of tenant %s: %s%s", tenant_id, result, "" if done else " (continues)")
    return result


def erase_business(tenant_id: int, *, pause_s: float = PAUSE_S,
                   budget_s: float = BUDGET_S) -> dict[str, int]:
    """Erase a closed business past its 30 days (services/closure.py says what stays). The
    members' accounts go first (with their memberships), then each table in batches; past
    `budget_s` the job queues itself again and the next run goes on where this one stopped."""
    deadline = time.monotonic() + budget_s
    with session_scope() as session:
        if not closure.erasable(session, tenant_id=tenant_id):
            return {}
        conversation_ids = closure.conversation_ids(session, tenant_id=tenant_id)
        accounts = closure.delete_only_members(session, tenant_id=tenant_id)
        closure.delete_search_index(session, tenant_id=tenant_id)
    counts: dict[str, int] = {"accounts": accounts} if accounts else {}
    for table in closure.tenant_tables():
        rows, _, _, done = _drain(
            lambda s, t=table: closure.delete_batch(s, t, tenant_id=tenant_id,
                                                    limit=retention.BATCH),
            retention.BATCH, pause_s, deadline)
        if rows:
            counts[table.name] = rows
        if not done:
            enqueue(ERASE_JOB, tenant_id)
            log.info("erasing business %s continues: %s", tenant_id, counts)
            return counts
    counts["files"] = closure.remove_files(tenant_id)
    try:
        counts["redis_keys"] = closure.remove_redis_keys(tenant_id, conversation_ids)
    except Exception:  # keys without a TTL are rare; the erasure itself goes on
        log.exception("removing Redis keys of erased business %s failed", tenant_id)
    with session_scope() as session:
        closure.finish_erasure(session, tenant_id=tenant_id, counts=counts)
    from ylada_app.services import brand

    brand.forget_cache()
    log.info("business %s erased: %s", tenant_id, counts)
    return counts
