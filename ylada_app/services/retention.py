"""LGPD retention: a business's messages and AI logs older than its policy are deleted.

The policy is per business (`tenant.retention_messages_days`, default 365, at least 30;
`tenant.retention_ai_days`, default 180, at least 30). A nightly job (jobs/retention.py,
queued by the sweeper at a quiet hour of the business's timezone) deletes in batches of at
most `BATCH` rows, one short transaction each, so no lock on the hot `message` table is held
for long and the webhook pipeline keeps answering while it runs.

What is never deleted:
- a message still open in the pipeline (inbound `pending`, outbound `queued`/`sending`);
- a message the analytics rollup has not counted yet (id above its `message` watermark):
  the rollups (`analytics_rollup`) are never touched, so the business's totals stay the same
  after its old rows go.

Each batch is `DELETE … WHERE id IN (SELECT id … ORDER BY created_at LIMIT n)`: with the
(tenant_id, created_at) index (migration 0036; `ix_ai_log_tenant_time` for AI logs) the inner
select is one index range that stops after n rows, on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import any_, delete, func, or_, text, update
from sqlmodel import Session, col, select

from ylada_app.core.dates import zone
from ylada_app.models import (
    AiLog,
    AnalyticsCursor,
    Conversation,
    Message,
    RetentionRun,
    Tenant,
    WebhookLog,
    utcnow,
)
from ylada_app.services.errors import NotFound
from ylada_app.services.inbox_search import words_of
from ylada_app.services.validation import Validator, as_text, ascii_digits

BATCH = 10_000
MIN_DAYS = 30
MAX_DAYS = 3650
DEFAULT_MESSAGES_DAYS = 365
DEFAULT_AI_DAYS = 180
# The nightly run starts at this local hour (a quiet one for a WhatsApp business); the
# sweeper still queues it later in the night if it missed the hour (QUIET_UNTIL).
QUIET_HOUR = 3
QUIET_UNTIL = 6
OPEN_STATUSES = ("pending", "queued", "sending")


@dataclass(frozen=True)
class Policy:
    messages_days: int
    ai_days: int


def get_policy(session: Session, *, tenant_id: int) -> Policy:
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound("error.not_found")
    return Policy(tenant.retention_messages_days, tenant.retention_ai_days)


def _days(v: Validator, field: str, value: object) -> int:
    text = as_text(value).strip() if not isinstance(value, int) else str(value)
    if not text:
        v.fail(field, "error.required")
        return 0
    if not ascii_digits(text) or len(text) > 6:
        v.fail(field, "retention.error.days_number")
        return 0
    days = int(text)
    if days < MIN_DAYS:
        v.fail(field, "retention.error.days_min", min=MIN_DAYS)
    elif days > MAX_DAYS:
        v.fail(field, "retention.error.days_max", max=MAX_DAYS)
    return days


def set_policy(session: Session, *, tenant_id: int, messages_days: object,
               ai_days: object) -> Policy:
    """Field errors (`messages_days`, `ai_days`) below the minimum or not a number."""
    v = Validator()
    m_days = _days(v, "messages_days", messages_days)
    a_days = _days(v, "ai_days", ai_days)
    v.raise_if_any()
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound("error.not_found")
    tenant.retention_messages_days, tenant.retention_ai_days = m_days, a_days
    session.add(tenant)
    session.flush()
    return Policy(m_days, a_days)


# --- the batches -----------------------------------------------------------------------------

def _rollup_watermark(session: Session) -> int:
    """The highest message id the analytics rollup has counted (0 before its first run)."""
    return session.exec(select(AnalyticsCursor.last_id)
                        .where(AnalyticsCursor.name == "message")).first() or 0


def pk_in(session: Session, pk: Any, ids: Any) -> Any:
    """`pk IN (ids)` as the database runs it best. PostgreSQL: `pk = ANY(ARRAY(ids))`, so the
    batch's ids are computed once and each row is found through the primary key (a plain
    `IN (subquery)` may be planned as a hash join over a scan of the whole table)."""
    if session.get_bind().dialect.name == "postgresql":
        return pk == any_(func.array(ids.scalar_subquery()))
    return pk.in_(ids.scalar_subquery())


def delete_messages_batch(session: Session, *, tenant_id: int, before: datetime,
                          limit: int = BATCH) -> int:
    """Delete at most `limit` of the business's closed messages created before `before`.
    Returns how many went (fewer than `limit`: nothing older is left)."""
    limit = max(1, min(limit, BATCH))
    mark = _rollup_watermark(session)
    settled = (Message.tenant_id == tenant_id, Message.created_at < before,
               col(Message.status).not_in(OPEN_STATUSES), col(Message.id) <= mark)
    ids = select(Message.id).where(*settled).order_by(Message.created_at).limit(limit)
    # the filters again on the delete: a row that changed since the select stays
    stmt = delete(Message).where(pk_in(session, col(Message.id), ids), *settled)
    if session.get_bind().dialect.name != "postgresql":
        return int(session.exec(stmt).rowcount or 0)
    gone = session.execute(stmt.returning(Message.conversation_id)).scalars().all()
    _rebuild_words(session, tenant_id, sorted(set(gone)), before, mark)
    return len(gone)


_STILL_OLD = text(
    "SELECT c.id FROM unnest(CAST(:ids AS integer[])) AS c(id) CROSS JOIN LATERAL"
    " (SELECT 1 FROM message m WHERE m.conversation_id = c.id AND m.tenant_id = :t"
    " AND m.created_at < :before AND m.id <= :mark"
    " AND m.status NOT IN ('pending', 'queued', 'sending') LIMIT 1) AS old")
_REBUILD = text(
    "UPDATE conversation SET search_words = ('~t' || tenant_id::text)::tsvector"
    " || strip(to_tsvector('simple'::regconfig, coalesce(:words, ''))) WHERE id = :id")


def _rebuild_words(session: Session, tenant_id: int, conv_ids: list[int], before: datetime,
                   mark: int) -> None:
    """PostgreSQL keeps the words of a conversation's customer and team messages on the
    conversation (`search_words`, migration 0015), for the inbox search: without this, a
    search still found it by the words of the messages retention deleted. Rebuilt from the
    messages left, once the conversation has no more for this run to delete (the batch that
    takes its last one does it: each conversation once, not once per batch it is in).
    The LATERAL … LIMIT 1 is one probe of the conversation's index per conversation."""
    if not conv_ids:
        return
    conn = session.connection()
    still = set(conn.execute(_STILL_OLD, {"ids": conv_ids, "t": tenant_id,
                                          "before": before, "mark": mark}).scalars())
    ready = [cid for cid in conv_ids if cid not in still]
    if not ready:
        return
    texts: dict[int, list[str]] = {cid: [] for cid in ready}
    for cid, words in session.exec(select(Message.conversation_id, Message.text).where(
            col(Message.conversation_id).in_(ready), Message.tenant_id == tenant_id,
            col(Message.text).is_not(None),
            or_(Message.direction == "in", col(Message.author_user_id).is_not(None)))).all():
        texts[cid].append(words)
    conn.execute(_REBUILD, [{"id": cid, "words": words_of(items)}
                            for cid, items in texts.items()])


def blank_previews_batch(session: Session, *, tenant_id: int, before: datetime,
                         limit: int = BATCH) -> int:
    """The inbox/API preview of conversations whose last message is older than the policy:
    a copy of that message's words, emptied (the message itself goes, or went, in
    `delete_messages_batch`). At most `limit`; returns how many."""
    limit = max(1, min(limit, BATCH))
    old = (Conversation.tenant_id == tenant_id, col(Conversation.last_message_at) < before,
           Conversation.last_message_preview != "")
    ids = select(Conversation.id).where(*old).limit(limit)
    result = session.exec(update(Conversation).where(
        pk_in(session, col(Conversation.id), ids), *old).values(last_message_preview=""))
    return int(result.rowcount or 0)


def delete_ai_logs_batch(session: Session, *, tenant_id: int, before: datetime,
                         limit: int = BATCH) -> int:
    return _delete_older(session, AiLog, tenant_id, before, limit)


WEBHOOK_LOG_DAYS = 30  # webhook items we could not use: diagnostics, not history


def delete_webhook_logs_batch(session: Session, *, tenant_id: int,
                              now: datetime | None = None, limit: int = BATCH) -> int:
    """The business's webhook diagnostics older than WEBHOOK_LOG_DAYS, at most `limit`."""
    before = (now or utcnow()) - timedelta(days=WEBHOOK_LOG_DAYS)
    return _delete_older(session, WebhookLog, tenant_id, before, limit)


def _delete_older(session: Session, model: Any, tenant_id: int, before: datetime,
                  limit: int) -> int:
    """At most `limit` of the business's rows of `model` created before `before`, oldest
    first; returns how many went."""
    limit = max(1, min(limit, BATCH))
    ids = (select(model.id)
           .where(model.tenant_id == tenant_id, model.created_at < before)
           .order_by(model.created_at)
           .limit(limit))
    result = session.exec(delete(model).where(pk_in(session, col(model.id), ids),
                                              model.tenant_id == tenant_id))
    return int(result.rowcount or 0)


def cutoffs(policy: Policy, now: datetime | None = None) -> tuple[datetime, datetime]:
    now = now or utcnow()
    return now - timedelta(days=policy.messages_days), now - timedelta(days=policy.ai_days)


RUNS_KEPT_DAYS = 90  # the business sees its last run; three months answer "since when"


def start_run(session: Session, *, tenant_id: int) -> int:
    """A new night's record, and the business's records older than RUNS_KEPT_DAYS go (one
    row a night per business would otherwise grow without end)."""
    session.execute(delete(RetentionRun).where(
        RetentionRun.tenant_id == tenant_id,
        col(RetentionRun.started_at) < utcnow() - timedelta(days=RUNS_KEPT_DAYS)))
    run = RetentionRun(tenant_id=tenant_id)
    session.add(run)
    session.flush()
    return run.id


def add_to_run(session: Session, *, run_id: int, finished: bool, messages: int,
               ai_logs: int, batches: int, batch_max: int) -> None:
    """Add what one job deleted to its run (a long run is several jobs)."""
    run = session.get(RetentionRun, run_id)
    if run is None:  # the business was erased meanwhile
        return
    run.messages_deleted += messages
    run.ai_logs_deleted += ai_logs
    run.batches += batches
    run.batch_max = max(run.batch_max, batch_max)
    if finished:
        run.finished_at = utcnow()
    session.add(run)
    session.flush()


# --- what the page shows ---------------------------------------------------------------------

@dataclass(frozen=True)
class Status:
    policy: Policy
    last_run: RetentionRun | None
    next_run: datetime  # naive UTC
    timezone: str


def next_run_at(tz_name: str, queued_on: str | None, now: datetime | None = None) -> datetime:
    """The next nightly run (naive UTC): today's quiet hour in the business's timezone if it
    has not been queued today and the window is not over, else tomorrow's."""
    tz = zone(tz_name)
    now_local = (now or utcnow()).replace(tzinfo=zone("UTC")).astimezone(tz)
    day: date = now_local.date()
    if queued_on == day.isoformat() or now_local.hour >= QUIET_UNTIL:
        day = day + timedelta(days=1)
    local = datetime.combine(day, time(QUIET_HOUR), tzinfo=tz)
    if local < now_local:  # inside tonight's window, not yet queued: the next sweep
        local = now_local
    return local.astimezone(zone("UTC")).replace(tzinfo=None)


def status(session: Session, *, tenant_id: int) -> Status:
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound("error.not_found")
    last = session.exec(select(RetentionRun).where(RetentionRun.tenant_id == tenant_id,
                                                   col(RetentionRun.finished_at).is_not(None))
                        .order_by(col(RetentionRun.id).desc()).limit(1)).first()
    return Status(Policy(tenant.retention_messages_days, tenant.retention_ai_days), last,
                  next_run_at(tenant.timezone, tenant.retention_queued_on), tenant.timezone)


def due_tenants(session: Session, now: datetime | None = None) -> list[int]:
    """Businesses whose nightly run should be queued now (inside their quiet window, not yet
    queued tonight); marks them queued in this transaction so a second sweeper skips them."""
    now = now or utcnow()
    due: list[int] = []
    rows = session.exec(select(Tenant).where(
        col(Tenant.status).in_(("active", "suspended", "closed")))).all()
    for tenant in rows:
        local = now.replace(tzinfo=zone("UTC")).astimezone(zone(tenant.timezone))
        today = local.date().isoformat()
        if QUIET_HOUR <= local.hour < QUIET_UNTIL and tenant.retention_queued_on != today:
            tenant.retention_queued_on = today
            session.add(tenant)
            due.append(tenant.id)
    session.flush()
    return due
