"""The analytics rollup: raw rows → hourly counters, incrementally, exactly once.

What is counted (each a `metric` of `analytics_rollup`, per tenant, instance, UTC hour):

- `msg_in`       inbound `message` rows (everything a contact sent, whatever its status).
- `msg_out`      outbound `message` rows the bot queued (sent or being sent; counted when the
                 row is created, so later status webhooks — late, duplicated, out of order —
                 never change a count).
- `msg_blocked`  outbound rows withheld because the plan's monthly quota was used up.
- `contacts_new` new `contact` rows.
- `<event type>` every `analytics_event` except `node_visited` (flow_id = ""): the all-flows
                 series. `flow_started` = a conversation with the bot started ("conversations
                 started"); `goal_reached` = a conversion; `handoff`; AI answers are the event
                 types starting with `ai_` that are not errors (see `is_ai_answer`), summed
                 into one series metric `ai_answers` (other `ai_*` types keep their name).
- `f:<type>`     the same events per flow (`flow_id` set), hourly.
- `f:reach`      funnel step: a conversation that reached a node (`node_visited`) of a flow
                 for the FIRST time, counted once in the hour of that first visit (the
                 `analytics_reach` table remembers who already reached what), `node_id` set.
                 Each conversation counts at most once per node ever, so hours sum to periods.
- `f:split`      A/B split (randomizer node): a conversation sent down a branch, counted once
                 per conversation and branch (dedupe like `reach`), `node_id` =
                 `split_key(branch, node)` ("ab>branch>node").
- `f:split_goal` the same conversations reaching a goal (`goal_reached`, of any flow) after
                 entering the branch, once each: `node_id` = "ab!branch>node". Conversion of
                 a branch = split_goal / split.
- `d:<type>`, `d:reach`  the per-flow rows again per UTC day (`hour` = 00:00 UTC): a period
                 reads whole UTC days from these and only its two partial edge days from the
                 hourly rows, so a 90-day funnel reads a few thousand rows, still exact.

The unique key leads with (tenant_id, metric, hour), so each figure is one tight index range.

Incremental: one watermark per source (`analytics_cursor.last_id`); each run reads the rows
after it in id order, in batches, adds their counts with `value = value + n` upserts and
moves the watermark in the SAME transaction, so a row is counted exactly once even when a run
dies half-way. Rows younger than `settle_s` are left for the next run: ids are taken from a
sequence before commit, so a slow transaction can make a lower id appear after a higher one;
waiting a few seconds lets it commit first. Several workers: the cursor rows are locked with
FOR UPDATE SKIP LOCKED (PostgreSQL), so a concurrent run returns at once ("busy"); on SQLite
the single writer serialises runs.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from ylada_app.models import (
    AnalyticsCursor,
    AnalyticsEvent,
    AnalyticsReach,
    AnalyticsRollup,
    Contact,
    Message,
    PlatformDaily,
    utcnow,
)

SOURCES = ("message", "contact", "event")
BATCH = 20_000
SETTLE_S = 5.0
SERIES_FLOW = ""  # flow_id of the all-flows series rows
AI_ANSWERS = "ai_answers"
SPLIT_IN, SPLIT_GOAL = "ab>", "ab!"  # node_id prefixes of the A/B split rows
_BRANCH = re.compile(r"[A-Za-z0-9_-]{1,40}")  # as the flow validation allows


def split_key(branch: str, node_id: str, prefix: str = SPLIT_IN) -> str:
    return f"{prefix}{branch}>{node_id}"[:80]


def parse_split_key(key: str) -> tuple[str, str] | None:
    """(node id, branch) of a split row's node_id, None for any other node_id."""
    if not key.startswith((SPLIT_IN, SPLIT_GOAL)):
        return None
    branch, sep, node_id = key[len(SPLIT_IN):].partition(">")
    return (node_id, branch) if sep and node_id else None


def _branch(data: object) -> str | None:
    branch = data.get("branch") if isinstance(data, dict) else None
    return branch if isinstance(branch, str) and _BRANCH.fullmatch(branch) else None


def is_ai_answer(event_type: str) -> bool:
    """AI answers: event types `ai_*` (e.g. `ai_reply`, `ai_answer`) that are not failures."""
    return event_type.startswith("ai_") and not any(
        bad in event_type for bad in ("error", "fail", "timeout", "refus"))


def series_metric(event_type: str) -> str:
    """The all-flows series metric of an event: AI answers of every kind are one metric."""
    return AI_ANSWERS if is_ai_answer(event_type) else event_type


def hour_of(ts: datetime) -> datetime:
    return ts.replace(minute=0, second=0, microsecond=0)


@dataclass
class Acc:
    """Counts gathered by one run before they are written."""

    rollup: dict[tuple, int] = field(default_factory=lambda: defaultdict(int))
    platform: dict[str, list[int]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, tenant_id: int, instance_id: int, hour: datetime, metric: str,
            flow_id: str = "", node_id: str = "", n: int = 1) -> None:
        self.rollup[(tenant_id, hour, instance_id or 0, metric[:40], flow_id[:40],
                     node_id[:80])] += n  # (metrics: see the module doc)

    def add_flow(self, tenant_id: int, instance_id: int, hour: datetime, metric: str,
                 flow_id: str, node_id: str = "") -> None:
        """A per-flow figure: hourly (`f:`) and per UTC day (`d:`)."""
        self.add(tenant_id, instance_id, hour, "f:" + metric, flow_id, node_id)
        self.add(tenant_id, instance_id, hour.replace(hour=0), "d:" + metric, flow_id, node_id)

    def add_platform(self, day: str, n_in: int, n_out: int) -> None:
        acc = self.platform.setdefault(day, [0, 0])
        acc[0] += n_in
        acc[1] += n_out


def _dialect(session: Session):
    return postgresql if session.get_bind().dialect.name == "postgresql" else sqlite


def _lock_cursors(session: Session) -> dict[str, AnalyticsCursor] | None:
    have = set(session.scalars(select(AnalyticsCursor.name)
                               .where(AnalyticsCursor.name.in_(SOURCES))))
    if len(have) < len(SOURCES):  # first run ever (an upsert here would wait on a busy run)
        session.execute(_dialect(session).insert(AnalyticsCursor.__table__)
                        .values([{"name": s, "last_id": 0, "updated_at": utcnow()}
                                 for s in SOURCES if s not in have])
                        .on_conflict_do_nothing(index_elements=["name"]))
    stmt = select(AnalyticsCursor).where(AnalyticsCursor.name.in_(SOURCES))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    rows = {c.name: c for c in session.scalars(stmt).all()}
    return rows if len(rows) == len(SOURCES) else None


def _settled(t, last: int, cutoff: datetime):
    """Rows after the watermark and before the first one not yet settled, decided in the
    database: reading the young rows too (and stopping at them in Python) made every run
    fetch the last few seconds of traffic again — 2,800 events and 1,300 messages per run
    at 250 msg/s, most of the rollup's cost."""
    first_young = (select(func.min(t.id)).where(t.id > last, t.created_at >= cutoff)
                   .scalar_subquery())
    return (t.id > last) & (t.id < func.coalesce(first_young, _NO_ID))


_NO_ID = 2**31  # above every id (an empty "first young row")


def _take(rows: Iterable, cutoff: datetime) -> tuple[list, int | None]:
    """Rows in id order up to (excluding) the first one not yet settled."""
    out = []
    for row in rows:
        if row.created_at >= cutoff:
            break
        out.append(row)
    return out, (out[-1].id if out else None)


def _messages(session: Session, acc: Acc, last: int, cutoff: datetime) -> int | None:
    t = Message.__table__.c
    rows, top = _take(session.execute(
        select(t.id, t.tenant_id, t.instance_id, t.direction, t.status, t.created_at)
        .where(_settled(t, last, cutoff)).order_by(t.id).limit(BATCH)).all(), cutoff)
    for r in rows:
        if r.direction == "in":
            metric = "msg_in"
        elif r.status == "blocked":
            metric = "msg_blocked"
        else:
            metric = "msg_out"
        acc.add(r.tenant_id, r.instance_id, hour_of(r.created_at), metric)
        if metric != "msg_blocked":
            inbound = metric == "msg_in"
            acc.add_platform(r.created_at.strftime("%Y-%m-%d"), int(inbound), int(not inbound))
    acc.rows["message"] += len(rows)
    return top


def _contacts(session: Session, acc: Acc, last: int, cutoff: datetime) -> int | None:
    t = Contact.__table__.c
    rows, top = _take(session.execute(
        select(t.id, t.tenant_id, t.instance_id, t.created_at)
        .where(_settled(t, last, cutoff)).order_by(t.id).limit(BATCH)).all(), cutoff)
    for r in rows:
        acc.add(r.tenant_id, r.instance_id, hour_of(r.created_at), "contacts_new")
    acc.rows["contact"] += len(rows)
    return top


def _events(session: Session, acc: Acc, last: int, cutoff: datetime) -> int | None:
    t = AnalyticsEvent.__table__.c
    rows, top = _take(session.execute(
        select(t.id, t.tenant_id, t.instance_id, t.conversation_id, t.type, t.flow_id,
               t.node_id, t.created_at)
        .where(_settled(t, last, cutoff)).order_by(t.id).limit(BATCH)).all(), cutoff)
    # (conversation, flow, node key) → (tenant, instance, hour, metric): first reaches
    visits: dict[tuple[int, str, str], tuple] = {}
    splits = _SplitTracker(_branches_of(session, [r.id for r in rows if r.type == "randomizer"]))
    for r in rows:
        hour = hour_of(r.created_at)
        flow = r.flow_id or ""
        if r.type == "node_visited":
            if r.conversation_id is not None and r.node_id:
                visits.setdefault((r.conversation_id, flow, r.node_id),
                                  (r.tenant_id, r.instance_id, hour, "reach"))
            continue
        acc.add(r.tenant_id, r.instance_id, hour, series_metric(r.type), SERIES_FLOW)
        if flow:
            acc.add_flow(r.tenant_id, r.instance_id, hour, r.type, flow)
        splits.see(r, flow, hour, visits)
    if visits or splits.goals:
        _first_reaches(session, acc, visits, splits)
    acc.rows["event"] += len(rows)
    return top


def _branches_of(session: Session, event_ids: list[int]) -> dict[int, str]:
    """The branch of each randomizer event (kept in its `data`, read only for these)."""
    if not event_ids:
        return {}
    t = AnalyticsEvent.__table__.c
    found = {}
    for i in range(0, len(event_ids), 1000):
        for event_id, data in session.execute(
                select(t.id, t.data).where(t.id.in_(event_ids[i:i + 1000]))).all():
            branch = _branch(data)
            if branch:
                found[event_id] = branch
    return found


@dataclass
class _SplitTracker:
    """A/B split entries and the goals that may convert them, in event order."""

    branches: dict[int, str]
    entered: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    # (conversation, tenant, instance, hour, entries of this batch before the goal)
    goals: list[tuple[int, int, int, datetime, int]] = field(default_factory=list)

    def see(self, r, flow: str, hour: datetime, visits: dict) -> None:
        if r.conversation_id is None:
            return
        branch = self.branches.get(r.id)
        if r.type == "randomizer" and branch and flow and r.node_id:
            key = split_key(branch, r.node_id)
            visits.setdefault((r.conversation_id, flow, key),
                              (r.tenant_id, r.instance_id, hour, "split"))
            self.entered.setdefault(r.conversation_id, []).append((flow, key))
        elif r.type == "goal_reached":
            self.goals.append((r.conversation_id, r.tenant_id, r.instance_id, hour,
                               len(self.entered.get(r.conversation_id, []))))

    def credit(self, visits: dict, known: dict[int, list[tuple[str, str]]]) -> None:
        """A goal converts every branch its conversation entered before it (earlier runs'
        entries are `known`), once per conversation and branch (the reach dedupe)."""
        for cid, tenant_id, instance_id, hour, n in self.goals:
            for flow, key in [*known.get(cid, []), *self.entered.get(cid, [])[:n]]:
                goal_key = SPLIT_GOAL + key[len(SPLIT_IN):]
                visits.setdefault((cid, flow, goal_key), (tenant_id, instance_id, hour,
                                                          "split_goal"))


def _first_reaches(session: Session, acc: Acc, visits: dict[tuple[int, str, str], tuple],
                   splits: _SplitTracker) -> None:
    seen: set[tuple[int, str, str]] = set()
    r = AnalyticsReach.__table__.c
    conv_ids = sorted({k[0] for k in visits} | {g[0] for g in splits.goals})
    for i in range(0, len(conv_ids), 1000):  # the unique index leads with conversation_id
        seen.update(tuple(row) for row in session.execute(
            select(r.conversation_id, r.flow_id, r.node_id)
            .where(r.conversation_id.in_(conv_ids[i:i + 1000]))).all())
    if splits.goals:
        known: dict[int, list[tuple[str, str]]] = {}
        for cid, flow, node in seen:
            if node.startswith(SPLIT_IN):
                known.setdefault(cid, []).append((flow, node))
        splits.credit(visits, known)
    new = [(k, visits[k]) for k in visits if k not in seen]
    if not new:
        return
    session.execute(AnalyticsReach.__table__.insert(), [
        {"tenant_id": v[0], "conversation_id": cid, "flow_id": flow[:40],
         "node_id": node[:80]} for (cid, flow, node), v in new])
    for (_cid, flow, node), (tenant_id, instance_id, hour, metric) in new:
        acc.add_flow(tenant_id, instance_id, hour, metric, flow, node)


def _write(session: Session, acc: Acc) -> None:
    mod = _dialect(session)
    if acc.rollup:
        rows = [{"tenant_id": k[0], "hour": k[1], "instance_id": k[2], "metric": k[3],
                 "flow_id": k[4], "node_id": k[5], "value": n} for k, n in acc.rollup.items()]
        table = AnalyticsRollup.__table__
        for i in range(0, len(rows), 2000):
            stmt = mod.insert(table).values(rows[i:i + 2000])
            session.execute(stmt.on_conflict_do_update(
                index_elements=["tenant_id", "metric", "hour", "instance_id", "flow_id",
                                "node_id"],
                set_={"value": table.c.value + stmt.excluded.value}))
    if acc.platform:
        table = PlatformDaily.__table__
        stmt = mod.insert(table).values([
            {"day": d, "messages_in": a, "messages_out": b, "snapshot": {}}
            for d, (a, b) in acc.platform.items()])
        session.execute(stmt.on_conflict_do_update(
            index_elements=["day"],
            set_={"messages_in": table.c.messages_in + stmt.excluded.messages_in,
                  "messages_out": table.c.messages_out + stmt.excluded.messages_out}))


_READERS = {"message": _messages, "contact": _contacts, "event": _events}


def run_rollup(session: Session, *, settle_s: float = SETTLE_S, max_batches: int = 100,
               now: datetime | None = None) -> dict[str, int | bool]:
    """One incremental run (call inside a transaction; the caller commits). Returns how many
    raw rows were folded in per source, or {"busy": True} when another run holds the lock."""
    cursors = _lock_cursors(session)
    if cursors is None:
        return {"busy": True}
    cutoff = (now or utcnow()) - timedelta(seconds=settle_s)
    acc = Acc()
    for name in SOURCES:
        cursor = cursors[name]
        for _ in range(max_batches):
            top = _READERS[name](session, acc, cursor.last_id, cutoff)
            if top is None:
                break
            cursor.last_id = top
            if acc.rows[name] % BATCH:
                break  # a short batch: nothing more is settled
        cursor.updated_at = utcnow()
        session.add(cursor)
    _write(session, acc)
    session.flush()
    return dict(acc.rows)


def refresh(settle_s: float = SETTLE_S, budget_s: float = 120.0,
            max_batches: int = 10) -> dict[str, int | bool]:
    """Run the rollup until it has caught up, each run (≤ `max_batches` batches per source) in
    its own transaction, so a large backlog never makes one long transaction."""
    from ylada_app.core.db import session_scope

    total: dict[str, int | bool] = {}
    deadline = time.monotonic() + budget_s
    while True:
        with session_scope() as session:
            out = run_rollup(session, settle_s=settle_s, max_batches=max_batches)
        if out.get("busy"):
            return total or out
        for k, v in out.items():
            total[k] = int(total.get(k, 0)) + int(v)
        # Caught up when no source filled its batches: under steady traffic a few more rows
        # settle every moment, and running again for them only re-reads the index.
        full = any(int(v) >= BATCH * max_batches for v in out.values())
        if not full or time.monotonic() > deadline:
            return total


def recompute(session: Session, *, tenant_id: int) -> dict[tuple, int]:
    """From scratch, straight from the raw tables (tests compare it with the rollup). Only
    rows already folded in (ids ≤ the watermarks) are counted."""
    wm = {c.name: c.last_id for c in session.scalars(select(AnalyticsCursor)).all()}
    out: dict[tuple, int] = defaultdict(int)
    m = Message.__table__.c
    for r in session.execute(select(m.instance_id, m.direction, m.status, m.created_at)
                             .where(m.tenant_id == tenant_id,
                                    m.id <= wm.get("message", 0))).all():
        metric = ("msg_in" if r.direction == "in"
                  else "msg_blocked" if r.status == "blocked" else "msg_out")
        out[(hour_of(r.created_at), r.instance_id, metric, "", "")] += 1
    c = Contact.__table__.c
    for r in session.execute(select(c.instance_id, c.created_at)
                             .where(c.tenant_id == tenant_id,
                                    c.id <= wm.get("contact", 0))).all():
        out[(hour_of(r.created_at), r.instance_id, "contacts_new", "", "")] += 1
    e = AnalyticsEvent.__table__.c
    first: dict[tuple, tuple] = {}
    entered: dict[int, list[tuple[str, str]]] = {}
    for r in session.execute(select(e.id, e.instance_id, e.conversation_id, e.type, e.flow_id,
                                    e.node_id, e.created_at, e.data)
                             .where(e.tenant_id == tenant_id, e.id <= wm.get("event", 0))
                             .order_by(e.id)).all():
        hour = hour_of(r.created_at)
        if r.type == "node_visited":
            if r.conversation_id is not None and r.node_id:
                first.setdefault((r.conversation_id, r.flow_id or "", r.node_id),
                                 (r.instance_id, hour, "reach"))
            continue
        out[(hour, r.instance_id, series_metric(r.type), "", "")] += 1
        if r.flow_id:
            out[(hour, r.instance_id, "f:" + r.type, r.flow_id, "")] += 1
            out[(hour.replace(hour=0), r.instance_id, "d:" + r.type, r.flow_id, "")] += 1
        if r.conversation_id is None:
            continue
        branch = _branch(r.data) if r.type == "randomizer" else None
        if branch and r.flow_id and r.node_id:
            key = split_key(branch, r.node_id)
            first.setdefault((r.conversation_id, r.flow_id, key), (r.instance_id, hour, "split"))
            entered.setdefault(r.conversation_id, []).append((r.flow_id, key))
        elif r.type == "goal_reached":
            for flow, key in entered.get(r.conversation_id, []):
                first.setdefault((r.conversation_id, flow, SPLIT_GOAL + key[len(SPLIT_IN):]),
                                 (r.instance_id, hour, "split_goal"))
    for (_cid, flow, node), (instance_id, hour, metric) in first.items():
        out[(hour, instance_id, "f:" + metric, flow, node[:80])] += 1
        out[(hour.replace(hour=0), instance_id, "d:" + metric, flow, node[:80])] += 1
    return dict(out)


def stored(session: Session, *, tenant_id: int) -> dict[tuple, int]:
    t = AnalyticsRollup.__table__.c
    return {(r.hour, r.instance_id, r.metric, r.flow_id, r.node_id): r.value
            for r in session.execute(select(t.hour, t.instance_id, t.metric, t.flow_id,
                                            t.node_id, t.value)
                                     .where(t.tenant_id == tenant_id)).all()
            if r.value}


def catch_up_for_page() -> dict[str, int | bool]:
    """What a page load may spend before reading: one small run (≤ one batch per source, well
    under a second); a big backlog is left to the sweeper."""
    return refresh(budget_s=0.0, max_batches=1)
