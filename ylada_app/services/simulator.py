"""The simulator channel: a chat that talks to an instance's flows exactly as a WhatsApp
user would — same inbound storage, same coalesced job, same engine and outbox. Replies to a
simulated contact are "delivered" locally instead of through the Graph API.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, select

from ylada_app.core.db import after_commit
from ylada_app.core.queue import mark_dirty
from ylada_app.models import (
    AnalyticsEvent,
    Contact,
    Conversation,
    Flow,
    Instance,
    Message,
    Timer,
)
from ylada_app.services import inbox
from ylada_app.services.errors import FieldErrors, ServiceError
from ylada_app.services.instances import get_instance, optout_settings

SIMULATED_PREFIX = "sim-"
MAX_TEXT = 4096


def simulated_wa_id(user_id: int, instance_id: int) -> str:
    return f"{SIMULATED_PREFIX}{user_id}-{instance_id}"


@dataclass(frozen=True)
class SimMessage:
    id: int
    direction: str
    type: str
    text: str
    payload: dict[str, Any]
    status: str


def send(session: Session, *, tenant_id: int, instance_id: int | str, user_id: int,
         user_name: str, text: str | None = None, payload: str | None = None,
         title: str | None = None) -> int:
    """Store a simulated inbound message; returns its conversation id (job not yet queued)."""
    inst = get_instance(session, tenant_id=tenant_id, instance_id=instance_id)
    if inst.status == "disabled":
        raise ServiceError("error.instance_disabled")
    clean = (text or "").strip()
    if payload:
        item = inbox.Inbound(
            wamid=f"sim.{secrets.token_hex(12)}", wa_id=simulated_wa_id(user_id, inst.id),
            type="interactive", text=(title or clean)[:MAX_TEXT], payload=payload[:256],
            contact_name=user_name, data={"subtype": "button_reply"})
    else:
        if not clean:
            raise FieldErrors({"text": "error.required"})
        if len(clean) > MAX_TEXT:
            raise FieldErrors({"text": "error.too_long"}, {"text": {"max": MAX_TEXT}})
        item = inbox.Inbound(wamid=f"sim.{secrets.token_hex(12)}",
                             wa_id=simulated_wa_id(user_id, inst.id), type="text", text=clean,
                             contact_name=user_name)
    touched = inbox.store_inbound(session, instance=inst, items=[item])
    return touched[0]


def schedule(conversation_id: int) -> None:
    mark_dirty([conversation_id])


def conversation_of(session: Session, *, tenant_id: int, instance_id: int | str,
                    user_id: int) -> Conversation | None:
    inst = get_instance(session, tenant_id=tenant_id, instance_id=instance_id)
    contact = session.exec(select(Contact).where(
        Contact.instance_id == inst.id,
        Contact.wa_id == simulated_wa_id(user_id, inst.id))).first()
    if contact is None:
        return None
    return session.exec(select(Conversation).where(Conversation.contact_id == contact.id)).first()


def history(session: Session, *, tenant_id: int, instance_id: int | str, user_id: int,
            after_id: int = 0) -> list[SimMessage]:
    conv = conversation_of(session, tenant_id=tenant_id, instance_id=instance_id,
                           user_id=user_id)
    if conv is None:
        return []
    rows = session.exec(select(Message).where(Message.conversation_id == conv.id,
                                              Message.id > after_id)
                        .order_by(Message.id).limit(500)).all()
    return [SimMessage(r.id, r.direction, r.type, r.text or "", r.payload or {}, r.status)
            for r in rows]


@dataclass(frozen=True)
class Silence:
    """Why the bot did not really answer the last message (the simulator explains it)."""
    reason: str  # no_flows | no_match | human | opted_out | template_failed
    # what the customer wrote (template_failed: the template's name; opted_out: the number's
    # first word for coming back)
    text: str
    default_sent: bool  # the number's default reply went out instead
    has_flows: bool  # the number has flows (maybe inactive) — "activate one" vs "install one"


def why_silent(session: Session, *, tenant_id: int, instance_id: int | str,
               user_id: int) -> Silence | None:
    """None when the last message was answered by a flow or the assistant (or is still
    being handled); otherwise the reason, read from what the engine recorded."""
    conv = conversation_of(session, tenant_id=tenant_id, instance_id=instance_id,
                           user_id=user_id)
    if conv is None:
        return None
    last_in = session.exec(select(Message).where(
        Message.conversation_id == conv.id, Message.direction == "in")
        .order_by(Message.id.desc()).limit(1)).first()
    if last_in is None or last_in.status == "pending":
        return None
    events = session.exec(select(AnalyticsEvent.type, AnalyticsEvent.data).where(
        AnalyticsEvent.tenant_id == tenant_id, AnalyticsEvent.conversation_id == conv.id,
        AnalyticsEvent.created_at >= last_in.created_at)).all()
    kinds = {kind for kind, _ in events}
    replied = session.exec(select(Message.id).where(
        Message.conversation_id == conv.id, Message.direction == "out",
        Message.id > last_in.id).limit(1)).first() is not None
    text = (last_in.text or "")[:80]
    has_flows = session.exec(select(Flow.id).where(
        Flow.instance_id == conv.instance_id, Flow.tenant_id == tenant_id)
        .limit(1)).first() is not None
    if "fallback" in kinds:
        active = session.exec(select(Flow.id).where(
            Flow.instance_id == conv.instance_id, Flow.tenant_id == tenant_id,
            Flow.status == "active").limit(1)).first() is not None
        return Silence("no_match" if active else "no_flows", text, replied, has_flows)
    if any(kind == "message_ignored" and (data or {}).get("reason") == "human"
           for kind, data in events):
        return Silence("human", text, False, has_flows)
    failed = next(((data or {}) for kind, data in events if kind == "template_failed"), None)
    if failed is not None:  # a flow's template was dropped (unknown, not approved, a blank)
        return Silence("template_failed", str(failed.get("name") or "")[:80], replied,
                       has_flows)
    contact = session.get(Contact, conv.contact_id)
    if contact is not None and contact.opted_out and not replied and not kinds - {"optout"}:
        inst = session.get(Instance, conv.instance_id)
        word = optout_settings(inst).optin_words[0] if inst is not None else ""
        return Silence("opted_out", word, False, has_flows)
    return None


def has_pending(session: Session, *, tenant_id: int, instance_id: int | str,
                user_id: int) -> bool:
    """True while the simulated contact has messages the bot has not handled yet."""
    conv = conversation_of(session, tenant_id=tenant_id, instance_id=instance_id,
                           user_id=user_id)
    if conv is None:
        return False
    return session.exec(select(Message.id).where(
        Message.conversation_id == conv.id, Message.direction == "in",
        Message.status == "pending").limit(1)).first() is not None


def reset(session: Session, *, tenant_id: int, instance_id: int | str, user_id: int) -> None:
    """Start the test conversation over: history, session state and the contact's data."""
    conv = conversation_of(session, tenant_id=tenant_id, instance_id=instance_id,
                           user_id=user_id)
    if conv is None:
        return
    contact = session.get(Contact, conv.contact_id)
    if contact is not None:
        # once saved: forgotten earlier, the simulator's next message read before the commit
        # caches the deleted contact again, and later ones go to a chat that is gone
        key = (contact.instance_id, contact.wa_id)
        after_commit(session, lambda: inbox.forget_contact(*key))
    # Statement deletes, not ORM ones: rows the database removes by cascade are never
    # "expected" by the ORM (which warned "DELETE … expected to delete 1 row(s)").
    for model in (Message, Timer):
        session.exec(delete(model).where(model.conversation_id == conv.id))
    session.exec(delete(Conversation).where(Conversation.id == conv.id))
    if contact is not None:
        session.exec(delete(Contact).where(Contact.id == contact.id))
    session.expunge_all()
    session.flush()
