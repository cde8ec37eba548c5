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

from sqlmodel import Session, select

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


def queue_message(*, tenant_id: int, conversation_id: int, payload: dict[str, Any],
                  author_user_id: int | None = None, sender: str = "agent",
                  field: str = "text", also: Callable[[Locked], None] | None = None,
                  template: bool = False) -> int:
    """Write `payload` (an engine outbound message) to the conversation's outbox and have it
    delivered; returns the message id. `conversation_id` must already be known to belong to
    `tenant_id`. Refusals are ServiceErrors on `field` and write nothing."""
    preview_text = payload.get("text") or payload.get("caption")
    with locks.hold(conversation_id), session_scope() as session:
        conv = session.exec(select(Conversation).where(
            Conversation.id == conversation_id, Conversation.tenant_id == tenant_id)
            .with_for_update(key_share=True)).one()
        contact = session.get(Contact, conv.contact_id)
        instance = session.get(Instance, conv.instance_id)
        # (a template's approval was checked by message_templates.template_payload)
        check = send_check(conv, contact, instance, template=template)
        if not check.allowed:
            raise ServiceError(check.reason, field=field)
        billable = instance.channel != ChannelKind.SIMULATOR
        now = utcnow()
        msg = Message(tenant_id=tenant_id, instance_id=conv.instance_id,
                      conversation_id=conversation_id, direction="out", type=payload["type"],
                      text=preview_text, payload=payload, status="queued",
                      author_user_id=author_user_id, created_at=now)
        session.add(msg)
        if author_user_id is not None:  # what the team writes is searched in the inbox
            inbox_search.remember(session.connection(), {conversation_id: [preview_text or ""]})
        conv.last_outbound_at = conv.last_message_at = now
        conv.last_message_preview = message_preview(
            payload.get("kind") if payload["type"] == "media" else payload["type"],
            preview_text)
        conv.last_message_from = sender
        conv.updated_at = now
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
