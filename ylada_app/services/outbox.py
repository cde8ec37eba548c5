"""Every sender, one path: a message from a person (the inbox) or a program (the API) is an
outbound row written to the conversation's outbox, then delivered by the pipeline's next
batch (the conversation is marked dirty, as a webhook marks it) — exactly once, in order
with the bot's replies, rate-limited, retried.

Invariant: the row is written under the conversation's lock (the lock the pipeline holds
while it writes and delivers the bot's replies), after the one rule for every sender
(`outbound_rules.send_check`: the 24-hour window unless it is an approved template,
opt-outs, a disabled number) and the plan's monthly quota, in one transaction with the
usage count and the inbox's "last message" fields. A sender adds its own changes in that
transaction through `also`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from ylada_app.core import live, locks
from ylada_app.core.db import session_scope
from ylada_app.core.queue import mark_dirty
from ylada_app.models import Contact, Conversation, Instance, Message, utcnow
from ylada_app.models.instance import ChannelKind
from ylada_app.services import inbox_search
from ylada_app.services.conversations import count_usage, message_preview
from ylada_app.services.errors import ServiceError
from ylada_app.services.limits import count_blocked, reserve_outbound
from ylada_app.services.outbound_rules import send_check

DELIVER_JOB = "ylada_app.jobs.conversations.redeliver"


@dataclass(frozen=True)
class Locked:
    """What a sender's `also` hook gets, inside the transaction, under the lock."""

    session: Session
    conversation: Conversation
    contact: Contact
    message: Message
    now: datetime


def _write(session: Session, conv: Conversation, payload: dict[str, Any], *, tenant_id: int,
           author_user_id: int | None, sender: str, now: datetime) -> Message:
    """The outbound row and the conversation's "last message" fields (the rules were
    checked by the caller, under the conversation's lock)."""
    preview_text = payload.get("text") or payload.get("caption")
    msg = Message(tenant_id=tenant_id, instance_id=conv.instance_id,
                  conversation_id=conv.id, direction="out", type=payload["type"],
                  text=preview_text, payload=payload, status="queued",
                  author_user_id=author_user_id, created_at=now)
    session.add(msg)
    if author_user_id is not None:  # what the team writes is searched in the inbox
        inbox_search.remember(session.connection(), {conv.id: [preview_text or ""]})
    conv.last_outbound_at = conv.last_message_at = now
    conv.last_message_preview = message_preview(payload["type"], preview_text, payload)
    conv.last_message_from = sender
    conv.updated_at = now
    return msg


def queue_message(*, tenant_id: int, conversation_id: int, payload: dict[str, Any],
                  author_user_id: int | None = None, sender: str = "agent",
                  field: str = "text", also: Callable[[Locked], None] | None = None,
                  template: bool = False) -> int:
    """Write `payload` (an engine outbound message) to the conversation's outbox and have it
    delivered; returns the message id. `conversation_id` must already be known to belong to
    `tenant_id`. Refusals are ServiceErrors on `field` and write nothing."""
    with locks.hold(conversation_id), session_scope() as session:
        conv = session.exec(select(Conversation).where(
            Conversation.id == conversation_id, Conversation.tenant_id == tenant_id)
            .with_for_update(key_share=True)).one()
        contact = session.get(Contact, conv.contact_id)
        instance = session.get(Instance, conv.instance_id)
        # (a template's approval was checked by message_templates.template_payload)
        check = send_check(conv, contact, instance, template=template,
                           category=payload.get("category"))
        if not check.allowed:
            raise ServiceError(check.reason, field=field)
        billable = instance.channel != ChannelKind.SIMULATOR
        now = utcnow()
        msg = _write(session, conv, payload, tenant_id=tenant_id,
                     author_user_id=author_user_id, sender=sender, now=now)
        session.flush()
        if also is not None:
            also(Locked(session, conv, contact, msg, now))
        session.add(conv)
        session.flush()
        # The quota last: the business's usage row is locked from here to the commit, and
        # every send of the business waits for it — hold it for the commit only.
        if billable:
            if reserve_outbound(session, {tenant_id: 1}).get(tenant_id, 0) < 1:
                count_blocked(session, tenant_id=tenant_id, n=1)
                raise ServiceError("inbox.quota_over", field=field)
            count_usage(session, tenant_id=tenant_id, messages_out=1)
        message_id = msg.id
    mark_dirty([conversation_id])  # delivered by the pipeline's next batch (jobs/drain)
    live.bump([tenant_id])
    return message_id


BUSY = "outbox.busy"  # the conversation was locked by someone else: try it again later


def queue_batch(*, tenant_id: int, items: list[tuple[int, dict[str, Any]]],
                sender: str, also: Callable[[list[Locked]], None] | None = None,
                template: bool = False) -> dict[int, int | str]:
    """Many senders' worth at once (a broadcast's round): the same rules as `queue_message`
    for each (conversation id, payload) — one message per conversation — in ONE transaction.
    Returns, per conversation, the message id or why not (a ServiceError code, `BUSY` for a
    conversation someone holds now, "inbox.quota_over" past the plan's messages: the quota
    is reserved for the batch before anything is written, so the batch sends up to it)."""
    wanted = dict(items)
    got, release = locks.acquire_many(sorted(wanted))
    outcome: dict[int, int | str] = {cid: BUSY for cid in wanted if cid not in set(got)}
    try:
        if not got:
            return outcome
        with session_scope() as session:
            convs = session.exec(select(Conversation).where(
                col(Conversation.id).in_(got), Conversation.tenant_id == tenant_id)
                .order_by(Conversation.id).with_for_update(key_share=True)).all()
            people = {c.id: c for c in session.exec(select(Contact).where(
                col(Contact.id).in_([c.contact_id for c in convs]))).all()}
            numbers = {i.id: i for i in session.exec(select(Instance).where(
                col(Instance.id).in_({c.instance_id for c in convs}))).all()}
            allowed: list[Conversation] = []
            for conv in convs:
                check = send_check(conv, people[conv.contact_id], numbers[conv.instance_id],
                                   template=template, category=wanted[conv.id].get("category"))
                if check.allowed:
                    allowed.append(conv)
                else:
                    outcome[conv.id] = check.reason
            billable = [c for c in allowed
                        if numbers[c.instance_id].channel != ChannelKind.SIMULATOR]
            granted = reserve_outbound(session, {tenant_id: len(billable)}).get(
                tenant_id, 0) if billable else 0
            over = {c.id for c in billable[granted:]}
            if over:
                count_blocked(session, tenant_id=tenant_id, n=len(over))
                outcome.update(dict.fromkeys(over, "inbox.quota_over"))
            now = utcnow()
            written = [Locked(session, conv, people[conv.contact_id],
                              _write(session, conv, wanted[conv.id], tenant_id=tenant_id,
                                     author_user_id=None, sender=sender, now=now), now)
                       for conv in allowed if conv.id not in over]
            session.flush()
            if also is not None and written:
                also(written)
            if billable[:granted]:
                count_usage(session, tenant_id=tenant_id, messages_out=min(granted,
                                                                            len(billable)))
            outcome.update({w.conversation.id: w.message.id for w in written})
    finally:
        release()
    sent = [cid for cid, value in outcome.items() if isinstance(value, int)]
    if sent:
        mark_dirty(sent)
        live.bump([tenant_id])
    return outcome
