"""What the WhatsApp Business app tells us about a number that also runs here
("coexistence": the business keeps the app on its phone and the Cloud API here).

Messages the business sends from the app (Meta's `smb_message_echoes`) are written into the
conversation as the team's own replies:
- A new echo is an outbound message of the customer's conversation (contact and
  conversation created if the business wrote first), status "sent", marked as written in
  the app (`payload.source` "app"): the inbox, the contact's page and the API show it.
- Someone answered from the phone, so the bot steps aside in that conversation, exactly as
  when a person replies from the inbox (status "human" and a system line saying it came
  from the app): the bot never talks over the owner. "Devolver ao bot" gives it back.
- An edit replaces the text of the message it names; a revoke marks it deleted and drops
  its contents, as the customer's WhatsApp does.

The app's past chats (`history`, shared once when the number comes here, up to 180 days)
are imported into the conversations as they were: the customers' messages as handled (the
bot never answers the past), the business's as sent from the app with their last status.
Nothing of it is counted in the plan's usage; the conversation's status is left alone.

Contacts the business adds or edits in the app's address book (`smb_app_state_sync`) become
the number's contacts with the name it gave them; a removal from the phone's address book
deletes nothing here (the conversation history and consents stay).

Invariant: everything applies to the instance whose webhook URL received it and to the
number it has (another number's is logged, not applied), to that instance's contacts only.
Each conversation is written under its lock (the pipeline's), so a bot batch in flight
cannot write the hand-over back. An echo neither opens nor extends the 24-hour window (it is
not the customer writing) and is not counted in the plan's usage (we did not send it). A
repeated echo (Meta retries) is stored once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from ylada_app.channels.whatsapp_cloud.events import AppContact, AppEcho, HistoryThread
from ylada_app.core import live, locks
from ylada_app.core.db import session_scope
from ylada_app.models import (
    Contact,
    Conversation,
    ConversationLog,
    Instance,
    Message,
    utcnow,
)
from ylada_app.models.conversation import WA_ID_MAX
from ylada_app.models.upsert import insert_ignore, insert_ignore_many
from ylada_app.services import contacts, inbox, inbox_search
from ylada_app.services.conversations import message_preview
from ylada_app.services.errors import ServiceError
from ylada_app.services.phones import br_variants

SOURCE = "app"  # payload.source of a message written in the WhatsApp Business app
LOG_KIND = "app_reply"  # the system line: answered from the app, the bot stepped aside
REVOKED_PREVIEW = "🚫 Mensagem apagada"  # (stored like the other previews, in pt-BR)
LOCK_WAIT_S = 5.0  # a conversation busy longer than this: 503, Meta sends the echo again


class _Number:
    """The instance a webhook reached, and which of its events are for its number."""

    def __init__(self, session: Session, tenant_id: int, instance_id: int) -> None:
        inst = session.get(Instance, instance_id)
        self.session = session
        self.inst = inst if inst is not None and inst.tenant_id == tenant_id else None
        self.ref = inbox.InstanceRef(inst.id, inst.tenant_id) if self.inst else None

    def mine(self, phone_number_id: str, field: str) -> bool:
        """An event naming another number is logged, not applied."""
        if not self.inst.phone_number_id or phone_number_id == self.inst.phone_number_id:
            return True
        inbox.log_event(self.session, instance=self.ref, kind="unknown_phone_number",
                        detail=inbox.clean_json({"phone_number_id": phone_number_id,
                                                 "field": field}))
        return False


def apply_echoes(*, tenant_id: int, instance_id: int, echoes: list[AppEcho]) -> int:
    """Write the echoes of one webhook POST (each conversation in its own transaction,
    under its lock); returns how many changed something."""
    with session_scope() as session:
        number = _Number(session, tenant_id, instance_id)
        if number.inst is None:
            return 0
        ref = number.ref
        mine = [e for e in echoes if number.mine(e.phone_number_id, "echo")]
        by_customer: dict[str, list[AppEcho]] = {}
        for e in sorted(mine, key=lambda e: e.timestamp):
            wa_id = inbox.clean_text(e.to_wa_id, WA_ID_MAX) or ""
            if wa_id and inbox.clean_text(e.wamid, 160):
                by_customer.setdefault(wa_id, []).append(e)
        targets = {wa_id: _conversation_id(session, ref, wa_id, items)
                   for wa_id, items in by_customer.items()}
    applied = 0
    for wa_id, items in by_customer.items():
        if targets[wa_id] is not None:
            applied += _apply_to(tenant_id, targets[wa_id], items)
    if applied:
        live.bump([tenant_id])
    return applied


def _conversation_id(session: Session, ref: inbox.InstanceRef, wa_id: str,
                     echoes: list[AppEcho]) -> int | None:
    """The customer's conversation; created for a new message (the business wrote first),
    never for an edit or deletion alone (of nothing we know)."""
    if any(not (e.revoke_of or e.edit_of) for e in echoes):
        return inbox.contact_and_conversation(session, instance=ref, wa_id=wa_id,
                                              name=None)[1].id
    return session.exec(select(Conversation.id).join(
        Contact, Contact.id == Conversation.contact_id).where(
        Contact.instance_id == ref.id, col(Contact.wa_id).in_(br_variants(wa_id)))).first()


def _apply_to(tenant_id: int, conversation_id: int, echoes: list[AppEcho]) -> int:
    applied = 0
    with locks.hold(conversation_id, timeout_s=LOCK_WAIT_S), session_scope() as session:
        conv = session.exec(select(Conversation).where(
            Conversation.id == conversation_id, Conversation.tenant_id == tenant_id)
            .with_for_update(key_share=True)).one()
        for echo in echoes:
            if echo.revoke_of or echo.edit_of:
                applied += _change(session, conv, echo)
            else:
                applied += _new(session, conv, echo)
        session.add(conv)
    return applied


def _new(session: Session, conv: Conversation, echo: AppEcho) -> int:
    when = inbox.wa_time(echo.timestamp) or utcnow()
    now = utcnow()
    payload: dict[str, Any] = {"source": SOURCE, "type": echo.type}
    if echo.media is not None:
        payload["media"] = {"id": echo.media.id, "mime_type": echo.media.mime_type,
                            "filename": echo.media.filename}
    text = inbox.clean_text(echo.text or None, inbox.MAX_TEXT)
    new_id = insert_ignore(session, Message, {
        "tenant_id": conv.tenant_id, "instance_id": conv.instance_id,
        "conversation_id": conv.id, "direction": "out",
        "type": inbox.clean_text(echo.type, 30) or "unknown", "text": text,
        "payload": inbox.clean_json(payload), "wamid": inbox.clean_text(echo.wamid, 160),
        "status": "sent", "attempts": 0, "sent_at": when, "wa_timestamp": when,
        "created_at": now,
    }, inbox.WAMID_KEY)
    if new_id is None:
        return 0  # Meta sent it again: already stored
    if text:  # what the team writes is searched in the inbox
        inbox_search.remember(session.connection(), {conv.id: [text]})
    conv.last_message_at = now
    conv.last_message_preview = message_preview(echo.type, text, payload)
    conv.last_message_from = SOURCE
    conv.waiting_since = None  # the customer was answered
    conv.unread = 0
    conv.updated_at = now
    if conv.status in ("bot", "closed"):
        _step_aside(session, conv, now)
    return 1


def _step_aside(session: Session, conv: Conversation, now: datetime) -> None:
    conv.status = "human"
    conv.human_since = now
    conv.snoozed_until = None
    session.add(ConversationLog(tenant_id=conv.tenant_id, conversation_id=conv.id,
                                kind=LOG_KIND, text="", data={}, created_at=now))


def _change(session: Session, conv: Conversation, echo: AppEcho) -> int:
    original = inbox.clean_text(echo.revoke_of or echo.edit_of, 160)
    msg = session.exec(select(Message).where(
        Message.instance_id == conv.instance_id, Message.wamid == original,
        Message.conversation_id == conv.id,
        Message.direction == "out")).first()
    if msg is None:
        return 0  # not one we know (sent before the number came here)
    payload = dict(msg.payload or {})
    stamp = (inbox.wa_time(echo.timestamp) or utcnow()).isoformat()
    if echo.revoke_of:
        if payload.get("revoked"):
            return 0
        payload = {"source": payload.get("source"), "type": payload.get("type"),
                   "revoked": stamp}
        msg.text = None
    else:
        if payload.get("edited") == stamp and msg.text == echo.text:
            return 0
        payload["edited"] = stamp
        msg.text = inbox.clean_text(echo.text or None, inbox.MAX_TEXT)
    msg.payload = inbox.clean_json(payload)
    session.add(msg)
    latest = session.exec(select(Message.id).where(Message.conversation_id == conv.id)
                          .order_by(col(Message.id).desc()).limit(1)).first()
    if latest == msg.id:  # the inbox list shows it: not the deleted words, the new ones
        conv.last_message_preview = REVOKED_PREVIEW if echo.revoke_of \
            else message_preview(msg.type, msg.text, msg.payload)
    return 1


def apply_contacts(session: Session, *, tenant_id: int, instance_id: int,
                   synced: list[AppContact]) -> int:
    """The app's address book changes (in the caller's transaction); returns how many
    contacts were created or renamed."""
    number = _Number(session, tenant_id, instance_id)
    if number.inst is None:
        return 0
    inst, ref = number.inst, number.ref
    latest: dict[str, AppContact] = {}
    for item in sorted(synced, key=lambda c: c.timestamp):
        if number.mine(item.phone_number_id, "state_sync"):
            latest[item.wa_id] = item
    changed = 0
    for wa_id, item in latest.items():
        if item.action != "add":
            continue  # removed from the phone's address book: history and consents stay
        name = inbox.clean_text(item.name, 120) or ""
        known = session.exec(select(Contact).where(
            Contact.instance_id == inst.id, col(Contact.wa_id).in_(br_variants(wa_id)))).first()
        if known is not None and (not name or known.name == name):
            continue
        try:
            contacts.upsert_contact(session, tenant_id=tenant_id, instance_id=inst.id,
                                    phone=f"+{wa_id}", name=name or None)
        except ServiceError:  # not a phone number we can store: nothing to keep
            inbox.log_event(session, instance=ref, kind="state_sync_refused",
                            detail={"wa_id": wa_id[:40]})
            continue
        changed += 1
    return changed


HISTORY_ROWS = 500  # rows per INSERT (SQLite takes a bounded number of values at once)
_SENT_STATUSES = {"delivered": "delivered", "read": "read", "played": "read"}


def import_history(session: Session, *, tenant_id: int, instance_id: int,
                   threads: list[HistoryThread]) -> int:
    """The app's past chats into the conversations (in the caller's transaction); returns
    how many messages were new."""
    number = _Number(session, tenant_id, instance_id)
    if number.inst is None:
        return 0
    added = 0
    for thread in threads:
        if not number.mine(thread.phone_number_id, "history"):
            continue
        wa_id = inbox.clean_text(thread.wa_id, WA_ID_MAX) or ""
        seen: set[str] = set()  # (a message repeated in one thread is one message)
        messages = [m for m in thread.messages if inbox.clean_text(m.wamid, 160)
                    and not (m.wamid in seen or seen.add(m.wamid))]
        if not wa_id or not messages:
            continue
        _, conv = inbox.contact_and_conversation(session, instance=number.ref, wa_id=wa_id,
                                                 name=None)
        new: list[dict[str, Any]] = []
        for start in range(0, len(messages), HISTORY_ROWS):
            rows = [_history_row(conv, m) for m in messages[start:start + HISTORY_ROWS]]
            known = set(session.exec(select(Message.wamid).where(
                Message.instance_id == conv.instance_id,
                col(Message.wamid).in_([r["wamid"] for r in rows]))).all())
            rows = [r for r in rows if r["wamid"] not in known]
            insert_ignore_many(session, Message, rows, inbox.WAMID_KEY)
            new += rows
        added += len(new)
        if new:
            _history_touches(conv, new)
            session.add(conv)
    session.flush()
    return added


def _history_row(conv: Conversation, m: Any) -> dict[str, Any]:
    when = inbox.wa_time(m.timestamp) or utcnow()
    out = m.from_business
    return {
        "tenant_id": conv.tenant_id, "instance_id": conv.instance_id,
        "conversation_id": conv.id, "direction": "out" if out else "in",
        "type": inbox.clean_text(m.type, 30) or "unknown",
        "text": inbox.clean_text(m.text or None, inbox.MAX_TEXT),
        "payload": {"source": SOURCE, "history": True} if out else {"history": True},
        "wamid": inbox.clean_text(m.wamid, 160),
        "status": _SENT_STATUSES.get(m.status, "sent") if out else "processed",
        "attempts": 0, "sent_at": when if out else None,
        "delivered_at": when if out and m.status in ("delivered", "read", "played") else None,
        "read_at": when if out and m.status in ("read", "played") else None,
        "wa_timestamp": when, "created_at": when,  # the timeline orders by it: the past
    }


def _history_touches(conv: Conversation, rows: list[dict[str, Any]]) -> None:
    """The inbox's "last message" and the 24-hour window, when the past is newer than what
    the conversation knew."""
    newest = max(rows, key=lambda r: r["created_at"])
    if conv.last_message_at is None or newest["created_at"] > conv.last_message_at:
        conv.last_message_at = newest["created_at"]
        conv.last_message_preview = message_preview(newest["type"], newest["text"])
        conv.last_message_from = SOURCE if newest["direction"] == "out" else "customer"
    inbound = [r["created_at"] for r in rows if r["direction"] == "in"]
    if inbound and (conv.last_inbound_at is None or max(inbound) > conv.last_inbound_at):
        conv.last_inbound_at = max(inbound)
