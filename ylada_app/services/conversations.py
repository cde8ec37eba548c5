"""The database side of processing a conversation: lock and load, write one step's
outcome (outbound messages into the outbox, contact changes, analytics, timers, usage),
and the outbox bookkeeping of delivery.

The engine (pure) decides; these functions persist. The job in
`ylada_app.jobs.conversations` ties them together inside one transaction.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, inspect, update
from sqlmodel import Session, col, select

from ylada_app.core import dates
from ylada_app.models import (
    AnalyticsEvent,
    Contact,
    Conversation,
    ConversationLog,
    Instance,
    Message,
    MessageTemplate,
    Tenant,
    Timer,
    UsageCounter,
    utcnow,
)
from ylada_app.models.bulk import insert_rows, insert_rows_returning_ids, update_rows
from ylada_app.services import (
    consent,
    contacts,
    inbox_search,
    message_templates,
    message_words,
    notifications,
    webhooks_out,
)
from ylada_app.services.errors import ServiceError
from ylada_app.services.flows import active_definitions
from ylada_app.services.inbox import clean_json
from ylada_app.services.limits import count_blocked, ensure_usage_row, reserve_outbound
from ylada_app.services.outbound_rules import send_check, window_open


@dataclass
class Work:
    conversation: Conversation
    contact: Contact
    instance: Instance
    tenant_status: str
    pending: list[Message]
    flows: dict[str, dict]
    contact_changed: bool = False  # the bot changed tags, fields or consent (a webhook event)
    captured: bool = False  # the bot stored data the customer gave (a lead)
    # LGPD proof of the consent changes of this run (consent.proof_row), written by
    # finish_batch in the same transaction as the contact's flags; `wamid`: the inbound
    # message being handled, their evidence.
    consents: list[dict[str, Any]] = field(default_factory=list)
    wamid: str = ""
    tenant_zone: str | None = None  # the business's timezone: "amanhã" is its tomorrow

    def local_today(self, now: datetime) -> date:
        """The business's date at `now` (naive UTC)."""
        return dates.local_date(now, self.tenant_zone)


_FLOWS_TTL_S = 2.0
_flows_cache: dict[int, tuple[float, dict[str, dict]]] = {}
_flows_lock = threading.Lock()


def cached_flows(session: Session, instance_id: int) -> dict[str, dict]:
    """Active flow definitions of an instance, re-read at most every couple of seconds (a
    publish reaches the bot within that time; the hot path saves a query per job)."""
    now = time.monotonic()
    with _flows_lock:
        hit = _flows_cache.get(instance_id)
    if hit and hit[0] > now:
        return hit[1]
    flows = active_definitions(session, instance_id=instance_id)
    with _flows_lock:
        _flows_cache[instance_id] = (now + _FLOWS_TTL_S, flows)
    return flows


def forget_flows(instance_id: int | None = None) -> None:
    with _flows_lock:
        if instance_id is None:
            _flows_cache.clear()
        else:
            _flows_cache.pop(instance_id, None)


def load_work(session: Session, conversation_id: int, *,
              with_flows: bool = False) -> Work | None:
    """Lock the conversation row (PostgreSQL: FOR UPDATE) and load its pending inbound."""
    row = session.exec(
        select(Conversation, Contact, Instance, Tenant.status, Tenant.timezone)
        .join(Contact, Contact.id == Conversation.contact_id)
        .join(Instance, Instance.id == Conversation.instance_id)
        .join(Tenant, Tenant.id == Conversation.tenant_id)
        .where(Conversation.id == conversation_id)
        .with_for_update(of=Conversation, key_share=True)
    ).first()
    if row is None:
        return None
    conv, contact, instance, tenant_status, zone = row
    pending = list(session.exec(
        select(Message)
        .where(Message.conversation_id == conv.id, Message.direction == "in",
               Message.status == "pending")
        .order_by(Message.wa_timestamp, Message.id)
    ).all())
    flows = cached_flows(session, instance.id) if (pending or with_flows) else {}
    return Work(conv, contact, instance, tenant_status, pending, flows, tenant_zone=zone)


def load_batch(session: Session, conversation_ids: list[int]) -> list[Work]:
    """Lock (FOR NO KEY UPDATE SKIP LOCKED on PostgreSQL) and load many conversations with
    their pending inbound messages in two queries. NO KEY: a plain FOR UPDATE would block
    every webhook INSERT of a new message (its foreign key takes FOR KEY SHARE on the
    conversation) until the batch commits."""
    rows = session.exec(
        select(Conversation, Contact, Instance, Tenant.status, Tenant.timezone)
        .join(Contact, Contact.id == Conversation.contact_id)
        .join(Instance, Instance.id == Conversation.instance_id)
        .join(Tenant, Tenant.id == Conversation.tenant_id)
        .where(Conversation.id.in_(conversation_ids))
        .with_for_update(of=Conversation, skip_locked=True, key_share=True)
    ).all()
    if not rows:
        return []
    pending: dict[int, list[Message]] = {}
    for msg in session.exec(
        select(Message)
        .where(Message.conversation_id.in_([r[0].id for r in rows]),
               Message.direction == "in", Message.status == "pending")
        .order_by(Message.conversation_id, Message.wa_timestamp, Message.id)
    ).all():
        pending.setdefault(msg.conversation_id, []).append(msg)
    works = []
    for conv, contact, instance, tenant_status, zone in rows:
        msgs = pending.get(conv.id, [])
        if msgs:
            works.append(Work(conv, contact, instance, tenant_status, msgs,
                              cached_flows(session, instance.id), tenant_zone=zone))
    return works


def finish_batch(session: Session, done: list[tuple[Work, StepSink, dict[str, Any]]],
                 ignored: list[Work]) -> list[Delivery]:
    """Write a whole batch with a handful of statements; returns what to deliver."""
    now = utcnow()
    processed_ids: list[int] = []
    ignored_ids: list[int] = []
    outbound: list[dict[str, Any]] = []
    owners: list[Work | None] = []
    analytics: list[dict[str, Any]] = []
    timers: list[dict[str, Any]] = []
    usage: dict[int, list[int]] = {}
    # Before anything is counted or written: a flow's template becomes the real payload, or
    # is dropped with a line in the conversation saying why.
    logs: list[dict[str, Any]] = resolve_templates(session, done, now)
    tell: list[tuple[Work, str, str]] = []  # the team is told: hand-offs and leads
    for work in ignored:
        ignored_ids += [m.id for m in work.pending]
        _seen_inbound(work.conversation, work.pending)
        _touch_inbox(work.conversation, work.pending, [], now)
        if _billable(work):
            usage.setdefault(work.conversation.tenant_id, [0, 0])[0] += len(work.pending)
    # The plan's monthly quota: replies beyond it are kept (status "blocked") but not sent.
    wanted: dict[int, int] = {}
    for work, sink, _state in done:
        if sink.outbound and _billable(work):
            wanted[work.conversation.tenant_id] = (wanted.get(work.conversation.tenant_id, 0)
                                                   + len(sink.outbound))
    # First everything the quota does not decide. The usage row is locked from the quota
    # check to the commit, and every batch of the business waits for it: it is taken last.
    sent_before: dict[int, Any] = {}  # last_outbound_at, restored if the quota blocks all
    for work, sink, state in done:
        conv = work.conversation
        processed_ids += [m.id for m in work.pending]
        _seen_inbound(conv, work.pending)
        conv.session = clean_json(state)
        conv.updated_at = now
        if state.get("status") == "human":
            if conv.status != "human":  # handed to a person in this run
                conv.human_since = now
                # (the assistant's hand-off says why, with the customer's question)
                note = sink.handoff_note or {}
                logs.append({"tenant_id": conv.tenant_id, "conversation_id": conv.id,
                             "kind": note.get("kind") or "handoff",
                             "text": note.get("text") or "", "data": note.get("data") or {},
                             "created_at": now})
                tell.append((work, "handoff", note.get("text") or ""))
            conv.status = "human"
        elif conv.status == "closed":  # a resolved conversation: the bot answers again
            conv.status = "bot"
        tell += [(work, "lead", str(ev.get("name") or "")) for ev in sink.analytics
                 if ev.get("type") == "goal_reached"]
        if sink.outbound:
            sent_before[conv.id] = conv.last_outbound_at
            conv.last_outbound_at = now
        _touch_inbox(conv, work.pending, sink.outbound, now)
        analytics += [{
            "tenant_id": conv.tenant_id, "instance_id": conv.instance_id,
            "conversation_id": conv.id, "type": str(ev.get("type") or "event")[:30],
            "flow_id": _s(ev.get("flow_id"), 40), "node_id": _s(ev.get("node_id"), 80),
            "data": clean_json({k: v for k, v in ev.items()
                                if k not in ("type", "flow_id", "node_id")}),
            "created_at": now,
        } for ev in sink.analytics]
        timers += [{"tenant_id": conv.tenant_id, "conversation_id": conv.id, "token": token,
                    "wake_at": wake_at, "status": "pending", "created_at": now,
                    "payload": None}
                   for token, wake_at in sink.timers]
        if sink.reminders:
            timers += _reminder_timers(session, conv, sink.reminders, now, analytics)
        if sink.cancel_timers:
            session.exec(update(Timer).where(Timer.conversation_id == conv.id,
                                             Timer.status == "pending")
                         .values(status="canceled"))
        if _billable(work):
            usage.setdefault(conv.tenant_id, [0, 0])[0] += len(work.pending)
    # Core statements on the tables: the ORM's bulk paths would re-synchronise every loaded
    # object and cost more CPU than the database does.
    conn = session.connection()
    # what customers wrote, for the inbox search (the bot's replies are not searched)
    texts = {w.conversation.id: [m.text or "" for m in w.pending]
             for w in [*ignored, *(d[0] for d in done)] if w.pending}
    written = _write_conversations(session, [w.conversation for w in ignored]
                                   + [d[0].conversation for d in done], texts)
    msg_table = Message.__table__
    if processed_ids:
        conn.execute(update(msg_table).where(msg_table.c.id.in_(processed_ids))
                     .values(status="processed"))
    if ignored_ids:
        conn.execute(update(msg_table).where(msg_table.c.id.in_(ignored_ids))
                     .values(status="ignored"))
    proofs = []
    for work, _sink, _state in done:
        for row in work.consents:
            if row["source"] == "flow" and not row["text_shown"]:
                row["text_shown"] = _shown_before(session, work.conversation.id)[:1000]
        proofs += work.consents
        work.consents = []
    consent.add_rows(session, proofs)  # before the replies: "the bot's latest" is the question
    insert_rows(conn, AnalyticsEvent.__table__, analytics)
    inbox_search.remember(conn, {cid: t for cid, t in texts.items() if cid not in written})
    if logs:
        conn.execute(insert(ConversationLog.__table__), logs)
    notifications.notify_many(session, [
        notifications.handoff_event(work.conversation, work.contact, work.instance,
                                    question=goal)
        if kind == "handoff" else
        notifications.lead_event(work.conversation, work.contact, work.instance, goal)
        for work, kind, goal in tell])
    if timers:
        conn.execute(insert(Timer.__table__), timers)
    webhooks_out.emit(session, _webhook_events(
        [*((w, None) for w in ignored), *((w, sink) for w, sink, _ in done)], tell))
    session.flush()  # contacts changed as ORM objects
    # Then the quota: lock, the replies, the counts — and the caller commits.
    granted = reserve_outbound(session, wanted) if wanted else {}
    blocked: dict[int, int] = {}
    for work, sink, _state in done:
        conv = work.conversation
        billable = _billable(work)
        queued = 0
        for out in sink.outbound:
            allowed = True
            if billable:
                allowed = granted.get(conv.tenant_id, 0) > 0
                if allowed:
                    granted[conv.tenant_id] -= 1
                else:
                    blocked[conv.tenant_id] = blocked.get(conv.tenant_id, 0) + 1
            outbound.append({
                "tenant_id": conv.tenant_id, "instance_id": conv.instance_id,
                "conversation_id": conv.id, "direction": "out",
                "type": str(out.get("type") or "text")[:30], "text": _preview(out),
                "payload": clean_json(out), "status": "sending" if allowed else "blocked",
                "error": None if allowed else "quota_exceeded",
                "attempts": 1 if allowed else 0, "created_at": now,
                "attempted_at": now if allowed else None,
            })
            owners.append(work if allowed else None)
            queued += allowed
        if sink.outbound and not queued:  # nothing went out after all (rare)
            conv.last_outbound_at = sent_before[conv.id]
            if conv.id in written:
                conn.execute(update(Conversation.__table__)
                             .where(Conversation.__table__.c.id == conv.id)
                             .values(last_outbound_at=conv.last_outbound_at))
        if billable:
            usage.setdefault(conv.tenant_id, [0, 0])[1] += queued
    ids: list[int] = []
    if outbound:
        ids = insert_rows_returning_ids(conn, msg_table, outbound)
    for tenant_id, (n_in, n_out) in usage.items():
        count_usage(session, tenant_id=tenant_id, messages_in=n_in, messages_out=n_out)
    for tenant_id, n in blocked.items():
        count_blocked(session, tenant_id=tenant_id, n=n)
    session.flush()  # (only the rare restored last_outbound_at)
    plans: dict[int, Delivery] = {}
    for work, mid, row in zip(owners, ids, outbound, strict=True):
        if work is None:
            continue
        plan = plans.get(work.conversation.id)
        if plan is None:
            plan = plans[work.conversation.id] = delivery_from(work, [], [])
        plan.items.append(Outgoing(mid, row["payload"], work.contact.wa_id))
    return list(plans.values())


# What a batch may change on a conversation: every column but its identity.
_CONVERSATION_FIXED = frozenset({"id", "tenant_id", "instance_id", "contact_id", "created_at"})


def _write_conversations(session: Session, convs: list[Conversation],
                         texts: dict[int, list[str]]) -> set[int]:
    """Write the batch's changed conversations with ONE statement and take them out of the
    session (their objects keep the values): the ORM's flush of them, an UPDATE per row
    built in Python, was the workers' largest single cost. The words of `texts` (new
    messages, by conversation id) go to the inbox search in the same statement. Returns
    the ids written; a conversation with an attribute not loaded is left to the ORM's
    flush (and its words to the caller)."""
    table = Conversation.__table__
    columns = [c.name for c in table.columns if c.name not in _CONVERSATION_FIXED]
    rows, written = [], []
    for conv in convs:
        state = inspect(conv)
        if not state.modified or state.detached or any(c not in state.dict for c in columns):
            continue
        rows.append({"id": conv.id, **{c: state.dict[c] for c in columns},
                     "new_words": inbox_search.words_of(texts.get(conv.id) or [])})
        written.append(conv)
    rows.sort(key=lambda r: r["id"])
    update_rows(session.connection(), table, "id", rows, computed=inbox_search.REMEMBER_SET)
    for conv in written:
        session.expunge(conv)
    return {conv.id for conv in written}


def resolve_templates(session: Session, done: list[tuple[Work, StepSink, dict[str, Any]]],
                      now: datetime) -> list[dict[str, Any]]:
    """Turn the engine's template messages (``{"type": "template", "name", "language",
    "variables"}``) into the outbox payload of the number's APPROVED template, filled in.

    A template that is unknown, not approved, or cannot be filled (wrong number of values, a
    blank one) is never sent as it is: it is dropped, a `template_failed` event is recorded
    and the returned conversation log rows (pt-BR) tell the team in the inbox. Each (number,
    name, language) is looked up once per batch; a batch without templates pays only a type
    check per message."""
    found: dict[tuple[int, str, str], MessageTemplate | ServiceError] = {}
    logs: list[dict[str, Any]] = []
    for work, sink, _state in done:
        if not any(out.get("type") == "template" for out in sink.outbound):
            continue
        conv, kept = work.conversation, []
        for out in sink.outbound:
            if out.get("type") != "template":
                kept.append(out)
                continue
            payload, problem = _filled_template(session, conv, out, found)
            if payload is not None:
                # the rule every sender follows (a MARKETING template only to a contact who
                # consented — a consent block earlier in this run counts; never after SAIR)
                check = send_check(conv, work.contact, work.instance, template=True,
                                   category=payload.get("category"))
                if not check.allowed:
                    payload, problem = None, ServiceError(check.reason)
            if payload is not None:
                kept.append(payload)
                continue
            name, language = str(out.get("name") or "")[:80], str(out.get("language") or "")[:20]
            sink.analytics.append({"type": "template_failed", "name": name,
                                   "language": language, "code": problem.code})
            logs.append({"tenant_id": conv.tenant_id, "conversation_id": conv.id,
                         "kind": "template_failed",
                         "text": f"{name} ({language}): {problem.message('pt-BR')}"[:500],
                         "data": {"name": name, "language": language, "code": problem.code},
                         "created_at": now})
        sink.outbound[:] = kept
    return logs


def _filled_template(session: Session, conv: Conversation, out: dict[str, Any],
                     found: dict[tuple[int, str, str], MessageTemplate | ServiceError],
                     ) -> tuple[dict[str, Any] | None, ServiceError | None]:
    key = (conv.instance_id, str(out.get("name") or ""), str(out.get("language") or ""))
    row = found.get(key)
    if row is None:
        try:
            row = message_templates.approved(session, tenant_id=conv.tenant_id,
                                             instance_id=conv.instance_id, name=key[1],
                                             language=key[2])
        except ServiceError as exc:
            row = exc
        found[key] = row
    if isinstance(row, ServiceError):
        return None, row
    variables = out.get("variables")
    try:
        link = out.get("header_link")
        return message_templates.fill(row, variables if isinstance(variables, list) else [],
                                      header_link=link if isinstance(link, str) else None), None
    except ServiceError as exc:
        return None, exc


def _webhook_events(works: list[tuple[Work, StepSink | None]],
                    tell: list[tuple[Work, str, str]]) -> list[webhooks_out.Event]:
    """What the batch tells the business's webhooks (nothing is built for a business
    without them)."""
    events: list[webhooks_out.Event] = []
    for work, sink in works:
        conv, tid = work.conversation, work.conversation.tenant_id
        key = f"c{conv.id}"

        def add(kind: str, data: dict[str, Any], tid: int = tid, key: str = key) -> None:
            if webhooks_out.wants(tid, kind):
                events.append(webhooks_out.Event(tid, kind, data, key))

        if webhooks_out.wants(tid, "message.received"):
            contact = webhooks_out.contact_data(work.contact)
            for msg in work.pending:
                add("message.received", {"message": webhooks_out.message_data(msg),
                                         "contact": contact})
        if work.contact_changed:
            add("contact.updated", {"contact": webhooks_out.contact_data(work.contact)})
        goals = [ev for ev in (sink.analytics if sink else []) if ev.get("type") == "goal_reached"]
        for goal in goals:
            add("flow.goal_reached", {"goal": str(goal.get("name") or ""),
                                      "flow_id": _s(goal.get("flow_id"), 40),
                                      "conversation_id": conv.id,
                                      "contact": webhooks_out.contact_data(work.contact)})
        if goals or work.captured:
            add("lead.captured", {"goal": str(goals[0].get("name") or "") if goals else None,
                                  "conversation_id": conv.id,
                                  "contact": webhooks_out.contact_data(work.contact)})
    for work, kind, _ in tell:
        tid = work.conversation.tenant_id
        if kind == "handoff" and webhooks_out.wants(tid, "conversation.handoff"):
            events.append(webhooks_out.Event(
                tid, "conversation.handoff",
                {**webhooks_out.conversation_data(work.conversation, work.contact), "by": "bot"},
                f"c{work.conversation.id}"))
    return events


def _billable(work: Work) -> bool:
    """Simulator chats are the tenant testing its own bot: not charged against the plan."""
    return work.instance.channel != "simulator"


def _touch_inbox(conv: Conversation, inbound: list[Message], outbound: list[dict[str, Any]],
                 now: datetime) -> None:
    """Keep what the team's inbox lists current (last message, who waits, unread)."""
    if conv.status == "snoozed" and inbound:
        conv.status = "human"  # the customer wrote: back to the open conversations
        conv.snoozed_until = None
    with_person = conv.status == "human"
    if inbound:
        if with_person:
            conv.unread += len(inbound)
            conv.waiting_since = conv.waiting_since or (inbound[0].wa_timestamp or now)
        last = inbound[-1]
        conv.last_message_at = now
        conv.last_message_preview = message_preview(last.type, last.text, last.payload)
        conv.last_message_from = "customer"
    if outbound:
        conv.last_message_at = now
        conv.last_message_preview = message_preview(str(outbound[-1].get("type") or "text"),
                                                    _preview(outbound[-1]), outbound[-1])
        conv.last_message_from = "bot"
    if with_person and conv.waiting_since is None and conv.human_since == now:
        conv.waiting_since = now  # just handed over: the customer waits from now


def message_preview(mtype: str, text: str | None, payload: dict[str, Any] | None = None
                    ) -> str:
    """One line for the inbox list: the text, or what the message is ("📷 Foto", "📍
    Localização: …", "Reagiu com 👍 …") — the same words as its bubble (services.message_words)."""
    return message_words.preview(mtype, text, payload)


def _seen_inbound(conv: Conversation, messages: list[Message]) -> None:
    for msg in messages:
        seen = msg.wa_timestamp or msg.created_at
        if conv.last_inbound_at is None or seen > conv.last_inbound_at:
            conv.last_inbound_at = seen


def contact_view(contact: Contact) -> dict[str, Any]:
    return {"wa_id": contact.wa_id, "name": contact.name, "tags": list(contact.tags or []),
            "fields": dict(contact.fields or {}), "opted_out": contact.opted_out}


# Inbound messages that are not something said to the bot: a reaction to one of its messages,
# Meta's notices (a number changed), an interactive answer that is no menu choice (a call
# permission, an empty one). They stay in the inbox's history; the flow does not see them —
# a 👍 is no wrong menu choice to be answered "não entendi".
_NOT_SAID = frozenset({"reaction", "system"})
# What Meta reports as `unsupported` (or, in newer versions, as a type of its own) when the
# customer acts on a message already there: edits it, pins it, keeps it in the chat, votes
# in a poll. Like a reaction, not something said to the bot.
_ACTS_ON_MESSAGES = frozenset({"edit", "pin", "unpin", "keep_in_chat", "unkeep_in_chat",
                               "revoke", "poll_update"})
_MENU_REPLIES = frozenset({"button_reply", "list_reply", "nfm_reply"})


def said_to_the_bot(msg: Message) -> bool:
    if msg.type in _NOT_SAID or msg.type in _ACTS_ON_MESSAGES:
        return False
    if msg.type == "unsupported":
        return (msg.payload or {}).get("subtype") not in _ACTS_ON_MESSAGES
    if msg.type == "interactive":
        return (msg.payload or {}).get("subtype") in _MENU_REPLIES
    return True


def engine_event(msg: Message) -> dict[str, Any]:
    data = msg.payload or {}
    mtype = msg.type
    if mtype == "interactive":
        mtype = data.get("subtype") or "button_reply"
    elif mtype == "button":  # a template's quick-reply button
        mtype = "button_reply"
    return {"kind": "message", "type": mtype, "text": msg.text, "payload": data.get("payload"),
            "title": msg.text, "referral": data.get("referral")}


@dataclass
class StepSink:
    """What one processing run produced, applied at the end of the transaction."""

    outbound: list[dict[str, Any]] = field(default_factory=list)
    analytics: list[dict[str, Any]] = field(default_factory=list)
    timers: list[tuple[str, datetime]] = field(default_factory=list)
    reminders: list[dict[str, Any]] = field(default_factory=list)  # reminder actions
    cancel_timers: bool = False
    # The line the team sees when this run hands the conversation over, if not the plain
    # "the customer asked for a person" ({"kind", "text", "data"}; see ai_handoff_note).
    handoff_note: dict[str, Any] | None = None


AI_HANDOFF_KINDS = {"unknown": "ai_unknown", "price": "ai_price"}


def ai_handoff_note(handoff: dict[str, Any]) -> dict[str, Any]:
    """The inbox line of the assistant's hand-off: the customer's question as its text
    (the label — "A IA não soube responder:" — comes from the inbox's texts), and the
    amounts the price guard blocked."""
    kind = AI_HANDOFF_KINDS.get(str(handoff.get("reason")), "ai_unknown")
    amounts = [str(a)[:30] for a in (handoff.get("amounts") or [])][:5]
    return {"kind": kind, "text": " ".join(str(handoff.get("question") or "").split())[:500],
            "data": {"amounts": amounts} if amounts else {}}


REMINDER_HORIZON = timedelta(days=400)


def _reminder_timers(session: Session, conv: Conversation, reminders: list[dict[str, Any]],
                     now: datetime, analytics: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Timers for a run's reminder blocks. The engine gives the appointment's local moment;
    the business's timezone turns it into UTC here. One reminder per block and contact:
    passing the block again (a new date) replaces the pending one. A moment already past (or
    absurdly far) sets nothing and says so in the flow's analytics."""
    tenant = session.get(Tenant, conv.tenant_id)
    zone = dates.zone(tenant.timezone if tenant else None)
    rows: dict[str, dict[str, Any]] = {}
    for action in reminders:
        try:
            local = datetime.fromisoformat(str(action.get("local_at")))
            before = timedelta(seconds=int(action.get("before_s") or 0))
        except (TypeError, ValueError):
            continue
        flow_id, node_id = _s(action.get("flow_id"), 40), _s(action.get("node_id"), 80)
        token = f"reminder:{flow_id}:{node_id}"[:64]
        session.exec(update(Timer).where(Timer.conversation_id == conv.id,
                                         Timer.token == token, Timer.status == "pending")
                     .values(status="replaced"))
        rows.pop(token, None)
        wake_at = (local.replace(tzinfo=zone) - before).astimezone(UTC).replace(tzinfo=None)
        outcome = ("reminder_past" if wake_at <= now else
                   "reminder_too_far" if wake_at > now + REMINDER_HORIZON else "reminder_set")
        analytics.append({
            "tenant_id": conv.tenant_id, "instance_id": conv.instance_id,
            "conversation_id": conv.id, "type": outcome, "flow_id": flow_id,
            "node_id": node_id, "data": {"at": wake_at.isoformat()}, "created_at": now})
        if outcome == "reminder_set":
            rows[token] = {"tenant_id": conv.tenant_id, "conversation_id": conv.id,
                           "token": token, "wake_at": wake_at, "status": "pending",
                           "created_at": now,
                           "payload": {"reminder": {"flow_id": flow_id, "node_id": node_id}}}
    return list(rows.values())


def apply_actions(work: Work, actions: list[dict[str, Any]],
                  messages: list[dict[str, Any]] | None = None) -> None:
    """`messages`: what the engine answered in the same step (an opt-out's confirmation is
    the text the contact saw, kept with the consent record)."""
    contact = work.contact
    tags = list(contact.tags or [])
    fields = dict(contact.fields or {})
    for action in actions:
        kind = action.get("type") or action.get("kind")
        if kind == "add_tag" and action.get("tag") and action["tag"] not in tags:
            tags.append(str(action["tag"])[:50])
        elif kind == "remove_tag" and action.get("tag") in tags:
            tags.remove(action["tag"])
        elif kind in ("opt_out", "opt_in") and contact.opted_out != (kind == "opt_out"):
            # (coming back with VOLTAR undoes the opt-out; consent to marketing given before
            # it, `opted_in_at`, counts again — none is invented)
            before = consent.flags(contact)
            contact.opted_out = kind == "opt_out"
            contact.updated_at = utcnow()
            work.contact_changed = True
            _prove(work, before, "keyword", _said(messages), {"wamid": work.wamid or None})
        elif kind in ("set_field", "answer") and action.get("name"):
            fields[str(action["name"])[:50]] = action.get("value")
        elif kind == "consent" and not contact.opted_out and contact.opted_in_at is None:
            # A flow's "yes" to marketing: recorded once (its first date counts), and never
            # over an opt-out — the contact stays out until they send an opt-in word.
            before = consent.flags(contact)
            contacts.record_consent(contact, True, "flow")
            contact.updated_at = utcnow()
            work.contact_changed = True
            # the text shown: the bot's question the contact said yes to (finish_batch
            # reads it from the conversation when the block has none before it here)
            _prove(work, before, "flow", "",
                   {"wamid": work.wamid or None, "flow_id": _s(action.get("flow_id"), 40),
                    "node_id": _s(action.get("node_id"), 80)})
    if fields != dict(contact.fields or {}):
        work.captured = True
    if tags != list(contact.tags or []) or fields != dict(contact.fields or {}):
        contact.tags = tags
        contact.fields = fields
        contact.updated_at = utcnow()
        work.contact_changed = True


def _prove(work: Work, before: tuple[bool, bool], source: str, text_shown: str,
           evidence: dict[str, Any]) -> None:
    work.consents += [consent.proof_row(work.contact, purpose=purpose, granted=granted,
                                        source=source, text_shown=text_shown,
                                        evidence=evidence)
                      for purpose, granted in consent.changes(before, work.contact)]


def _said(messages: list[dict[str, Any]] | None) -> str:
    return next((_preview(m) or "" for m in messages or [] if _preview(m)), "")


def _shown_before(session: Session, conversation_id: int) -> str:
    """The bot's latest message already in the conversation: what a flow's consent block
    follows (the question the contact answered)."""
    return session.exec(
        select(Message.text).where(Message.conversation_id == conversation_id,
                                   Message.direction == "out", col(Message.text).is_not(None))
        .order_by(col(Message.id).desc()).limit(1)).first() or ""


def _s(value: Any, n: int) -> str | None:
    return None if value is None else str(value)[:n]


def _preview(out: dict[str, Any]) -> str | None:
    if out.get("text"):
        return str(out["text"])[:4096]
    if out.get("caption"):
        return str(out["caption"])[:1024]
    return None


def set_aside(session: Session, conversation_id: int) -> int:
    """Pending messages that made processing fail are marked "error" so they stop retrying."""
    return session.exec(
        update(Message).where(Message.conversation_id == conversation_id,
                              Message.direction == "in", Message.status == "pending")
        .values(status="error", error="processing_failed")).rowcount or 0


def count_usage(session: Session, *, tenant_id: int, messages_in: int = 0,
                messages_out: int = 0, ai_tokens: int = 0) -> None:
    """Atomic increments (safe with many workers): UPDATE … SET x = x + n."""
    if not (messages_in or messages_out or ai_tokens):
        return
    month = utcnow().strftime("%Y-%m")
    stmt = (
        update(UsageCounter)
        .where(UsageCounter.tenant_id == tenant_id, UsageCounter.month == month)
        .values(messages_in=UsageCounter.messages_in + messages_in,
                messages_out=UsageCounter.messages_out + messages_out,
                ai_tokens=UsageCounter.ai_tokens + ai_tokens)
    )
    # Core, not the ORM's bulk UPDATE: nothing loaded needs synchronising, and the ORM path
    # cost more CPU than the statement itself.
    conn = session.connection()
    if conn.execute(stmt).rowcount == 0:
        ensure_usage_row(session, tenant_id, month)
        conn.execute(stmt)


# --- delivery (outbox) ----------------------------------------------------------------------

@dataclass
class Outgoing:
    message_id: int
    payload: dict[str, Any]
    to: str


@dataclass
class Delivery:
    instance: Instance
    items: list[Outgoing]
    window_open: bool
    conversation_id: int = 0
    # True when the rows are already "sending" for this run (the bot's fresh replies);
    # otherwise the delivery claims them before the first send.
    claimed: bool = False
    # The contact opted out since these were queued: a broadcast's message still waiting
    # is not sent (the bot's confirmation of the opt-out is).
    opted_out: bool = False


# A row left "sending" has an unknown outcome: another worker is sending it, or one died
# after Graph may have accepted it. Its status webhook (which names it through the reference
# it was sent with) normally settles it within a second or two; until this long after the
# attempt nobody sends it — or anything after it in the same conversation — again.
UNKNOWN_OUTCOME_GRACE_S = 15.0
_OPEN = ("queued", "sending")


def _in_doubt_since() -> datetime:
    return utcnow() - timedelta(seconds=UNKNOWN_OUTCOME_GRACE_S)


def _in_doubt(row_status: str, attempted_at: datetime | None, since: datetime) -> bool:
    return row_status == "sending" and attempted_at is not None and attempted_at >= since


def delivery_from(work: Work, message_ids: list[int], payloads: list[dict]) -> Delivery:
    """The delivery of what `finish` just wrote, without reading it back."""
    conv = work.conversation
    return Delivery(work.instance, [Outgoing(mid, p, work.contact.wa_id)
                                    for mid, p in zip(message_ids, payloads, strict=True)],
                    window_open(conv), conv.id, claimed=True,
                    opted_out=work.contact.opted_out)


def queued_for(session: Session, conversation_id: int,
               own: frozenset[int] = frozenset()) -> Delivery | None:
    """The conversation's whole outbox, in order — None when it is empty or when a send of
    it is in doubt (see UNKNOWN_OUTCOME_GRACE_S); rows in `own` are the caller's, just
    claimed, so never in doubt to it."""
    conv = session.get(Conversation, conversation_id)
    if conv is None:
        return None
    rows = session.exec(
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.direction == "out",
               col(Message.status).in_(_OPEN))
        .order_by(Message.id)
    ).all()
    since = _in_doubt_since()
    if not rows or any(_in_doubt(r.status, r.attempted_at, since) and r.id not in own
                       for r in rows):
        return None
    contact = session.get(Contact, conv.contact_id)
    instance = session.get(Instance, conv.instance_id)
    return Delivery(instance, [Outgoing(r.id, r.payload, contact.wa_id) for r in rows],
                    window_open(conv), conversation_id, opted_out=contact.opted_out)


def queued_plans(session: Session, conversation_ids: list[int]) -> list[Delivery]:
    """The outboxes of these conversations (messages the inbox or the API queued), as
    delivery plans — one query for the lot; conversations with nothing queued, or with a
    send in doubt, give none."""
    if not conversation_ids:
        return []
    rows = session.exec(
        select(Message.conversation_id, Message.id, Message.payload, Message.status,
               Message.attempted_at)
        .where(col(Message.conversation_id).in_(conversation_ids), Message.direction == "out",
               col(Message.status).in_(_OPEN))
        .order_by(Message.conversation_id, Message.id)).all()
    if not rows:
        return []
    since = _in_doubt_since()
    waiting: dict[int, list[tuple[int, dict]]] = {}
    doubtful: set[int] = set()
    for cid, mid, payload, status, attempted_at in rows:
        waiting.setdefault(cid, []).append((mid, payload))
        if _in_doubt(status, attempted_at, since):
            doubtful.add(cid)
    for cid in doubtful:
        del waiting[cid]
    if not waiting:
        return []
    plans = []
    for conv, contact, instance in session.exec(
            select(Conversation, Contact, Instance)
            .join(Contact, Contact.id == Conversation.contact_id)
            .join(Instance, Instance.id == Conversation.instance_id)
            .where(col(Conversation.id).in_(list(waiting)))).all():
        plans.append(Delivery(instance, [Outgoing(mid, payload, contact.wa_id)
                                         for mid, payload in waiting[conv.id]],
                              window_open(conv), conv.id, opted_out=contact.opted_out))
    return plans


def behind_older_messages(session: Session, plans: list[Delivery]) -> tuple[set[int], set[int]]:
    """(behind, held): conversations whose outbox holds an older message than the plan's
    first — an agent's reply still waiting for its job, a retry — deliver their whole outbox
    in order; those whose older message is a send in doubt wait (`hold_back`)."""
    firsts = {p.conversation_id: min(i.message_id for i in p.items)
              for p in plans if p.items and p.conversation_id}
    if not firsts:
        return set(), set()
    rows = session.exec(
        select(Message.conversation_id, Message.id, Message.status, Message.attempted_at)
        .where(col(Message.conversation_id).in_(list(firsts)), Message.direction == "out",
               col(Message.status).in_(_OPEN),
               Message.id < max(firsts.values()))
    ).all()
    since = _in_doubt_since()
    older = [(cid, status, at) for cid, mid, status, at in rows if mid < firsts[cid]]
    held = {cid for cid, status, at in older if _in_doubt(status, at, since)}
    return {cid for cid, _, _ in older} - held, held


def hold_back(session: Session, plans: list[Delivery]) -> None:
    """These plans are not sent now (an older send is in doubt): their rows go back to
    "queued", known unsent, for the sweeper's next pass."""
    ids = [i.message_id for p in plans for i in p.items]
    if ids:
        session.exec(update(Message).where(col(Message.id).in_(ids), Message.status == "sending")
                     .values(status="queued"))


def claim(session: Session, plans: list[Delivery]) -> None:
    """Mark the rows of plans read from the outbox "sending" (with the attempt's time) before
    the first send, so a crash from here on leaves them in doubt, not ready to re-send."""
    ids = [i.message_id for p in plans if not p.claimed for i in p.items]
    if ids:
        session.exec(update(Message).where(col(Message.id).in_(ids), col(Message.status).in_(_OPEN))
                     .values(status="sending", attempted_at=utcnow(),
                             attempts=Message.attempts + 1))
    for p in plans:
        p.claimed = True


def mark_sent_many(session: Session, sent: list[tuple[int, str]]) -> None:
    """Record several send results with one statement."""
    if not sent:
        return
    now = utcnow()
    table = Message.__table__
    # in id order, as the webhook applies statuses (no deadlock between the two)
    update_rows(session.connection(), table, "id",
                [{"id": mid, "status": "sent", "wamid": wamid[:160], "sent_at": now}
                 for mid, wamid in sorted(dict(sent).items())],
                where=table.c.status.in_(("queued", "sending")))


def sent_events(plans: list[Delivery], sent: list[tuple[int, str]]) -> list[webhooks_out.Event]:
    """`message.sent` for what was just sent, for the businesses that asked for it."""
    if not sent:
        return []
    wanted = {id(p): p for p in plans
              if webhooks_out.wants(p.instance.tenant_id, "message.sent")}
    if not wanted:
        return []
    by_id = {item.message_id: (plan, item) for plan in wanted.values() for item in plan.items}
    events = []
    for message_id, wamid in sent:
        found = by_id.get(message_id)
        if found is None:
            continue
        plan, item = found
        events.append(webhooks_out.Event(plan.instance.tenant_id, "message.sent", {
            "message": {"id": message_id, "conversation_id": plan.conversation_id,
                        "instance_id": plan.instance.id, "direction": "out",
                        "type": str(item.payload.get("type") or "text"),
                        "text": _preview(item.payload), "wamid": wamid},
            "phone": item.to}, f"c{plan.conversation_id}"))
    return events


def mark_failed(session: Session, message_id: int, error: str) -> None:
    session.exec(update(Message).where(Message.id == message_id)
                 .values(status="failed", error=error[:300]))


def mark_retry(session: Session, message_id: int, error: str | None) -> None:
    """Known not accepted (refused for now, or never tried): "queued" for a later pass."""
    session.exec(update(Message).where(Message.id == message_id,
                                       col(Message.status).in_(_OPEN))
                 .values(status="queued", error=error[:300] if error else None))
