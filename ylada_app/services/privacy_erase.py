"""Erasure of a contact's personal data (LGPD art. 18, VI), everywhere it lives.

Rows are anonymised IN PLACE rather than deleted: the analytics rollup counts messages,
contacts and events from their rows (services/analytics_rollup.py), incrementally, behind a
watermark — a row deleted before the rollup reached it would silently vanish from the
business's totals. Keeping the rows, emptied of anything that identifies the person, keeps
every count (messages, new contacts, conversions, broadcast reports) exactly as it was,
whether the rollup already ran or not.

What is emptied: the contact (phone → a random marker, name, tags, fields, consent flags),
the conversation (flow session variables, inbox preview, search words), its messages (text,
media links and payloads; each wamid — which base64-encodes the phone — becomes
"erased:<message id>", unique and meaningless), team notes and system lines, AI logs of
the conversation and the person's own words in FAQ items the team made from their questions
(the team's answers stay), analytics event details (only the keys analytics needs are kept), pending
timers, team notifications and e-mails about the contact, outgoing webhook payloads and
unusable inbound webhook logs naming the phone, cached API answers, consent records (kept
as proof, unlinked from the person), export files already built, and Redis keys of the
conversation. The caller holds the conversation lock (jobs/privacy.py), so the pipeline
never writes the old data back.
"""

from __future__ import annotations

import json
import logging
import secrets
from typing import Any

from sqlalchemy import String, cast, delete, literal, or_, text, update
from sqlmodel import Session, col, select

from ylada_app.models import (
    AiLog,
    AnalyticsEvent,
    ApiIdempotency,
    Contact,
    Conversation,
    ConversationLog,
    EmailMessage,
    KnowledgeItem,
    Message,
    Notification,
    Timer,
    WebhookDelivery,
    WebhookEvent,
    WebhookLog,
    utcnow,
)
from ylada_app.models.privacy import ConsentRecord, DataRequest
from ylada_app.services.phones import display_phone

log = logging.getLogger(__name__)
ERASED_PREFIX = "apagado-"
ERASED = {"apagado": True}
# analytics_event.data keys the rollup and the reports read; none of them is the person's
_KEEP_EVENT_KEYS = ("branch", "name", "fallback", "by", "reason")


def _needles(contact: Contact) -> list[str]:
    """Strings that identify the person in free text and JSON (phone as stored and as
    shown; the name when it is long enough not to match unrelated text)."""
    found = [contact.wa_id]
    shown = display_phone(contact.wa_id)
    if shown and shown != contact.wa_id:
        found.append(shown)
    name = (contact.name or "").strip()
    if len(name) >= 3:
        found.append(name)
        escaped = json.dumps(name)[1:-1]  # how a JSON column stores "João" (ASCII escapes)
        if escaped != name:
            found.append(escaped)
    return found


def _mentions(column: Any, needles: list[str]):
    from ylada_app.core.db import escape_like

    as_text = cast(column, String)
    return or_(*[as_text.like(f"%{escape_like(n)}%", escape="\\") for n in needles])


ERASED_QUESTION = "Pergunta de cliente apagada (LGPD) — reescreva a pergunta"


def _learned_items(session: Session, tenant_id: int, conv_ids: list[int],
                   needles: list[str]) -> int:
    """FAQ items the team made from this person's questions (Treinar IA → corrigir): the
    team's answer stays the business's knowledge, the person's own words do not — a title
    that is their question verbatim is replaced (the team may reword it), and their phone
    or name is cut from a reworded one."""
    from ylada_app.services import knowledge

    rows = session.exec(select(AiLog.fix_item_id, AiLog.question).where(
        col(AiLog.conversation_id).in_(conv_ids), AiLog.tenant_id == tenant_id,
        col(AiLog.fix_item_id).is_not(None))).all()
    changed = 0
    for item_id, question in rows:
        item = session.get(KnowledgeItem, item_id)
        if item is None or item.tenant_id != tenant_id:
            continue
        title, body = item.title, item.body or ""
        if title.strip() == (question or "").strip()[:300]:
            title = ERASED_QUESTION
        for needle in needles:
            title, body = title.replace(needle, "[apagado]"), body.replace(needle, "[apagado]")
        if (title, body) != (item.title, item.body or ""):
            knowledge.update_item(session, tenant_id=tenant_id, item_id=item.id, title=title,
                                  body=body, price=item.price, sku=item.sku,
                                  category=item.category)
            changed += 1
    return changed


def erase_contact(session: Session, *, tenant_id: int, contact_id: int) -> dict[str, int]:
    """Anonymise one contact of this business and everything about them. Returns what was
    touched per place (counts only, for the request's record)."""
    contact = session.get(Contact, contact_id)
    if contact is None or contact.tenant_id != tenant_id:
        from ylada_app.services.errors import NotFound

        raise NotFound("error.not_found")
    conn = session.connection()
    needles = _needles(contact)
    old_wa_id, instance_id = contact.wa_id, contact.instance_id
    conv_ids = list(session.exec(select(Conversation.id).where(
        Conversation.contact_id == contact.id, Conversation.tenant_id == tenant_id)).all())
    done: dict[str, int] = {}

    def run(name: str, stmt) -> None:
        done[name] = done.get(name, 0) + (conn.execute(stmt).rowcount or 0)

    if conv_ids:
        m = Message.__table__.c
        mine = (m.conversation_id.in_(conv_ids), m.tenant_id == tenant_id)
        run("messages", update(Message.__table__).where(*mine)
            .values(text=None, payload=ERASED, error=None))
        # nothing of theirs is sent or processed any more (statuses keep every count: the
        # rollup counts outbound rows whatever their status but "blocked")
        conn.execute(update(Message.__table__).where(
            *mine, m.direction == "out", m.status.in_(("queued", "sending")))
            .values(status="failed", error="erased (LGPD)"))
        conn.execute(update(Message.__table__).where(
            *mine, m.direction == "in", m.status == "pending").values(status="ignored"))
        # unique still, and meaningless: the message's own id (NULL stays NULL)
        conn.execute(update(Message.__table__).where(*mine, m.wamid.is_not(None))
                     .values(wamid=literal("erased:") + cast(m.id, String)))
        run("notes", update(ConversationLog).where(
            col(ConversationLog.conversation_id).in_(conv_ids),
            ConversationLog.tenant_id == tenant_id).values(text="", data={}))
        done["knowledge"] = _learned_items(session, tenant_id, conv_ids, needles)
        run("ai_logs", update(AiLog).where(
            col(AiLog.conversation_id).in_(conv_ids), AiLog.tenant_id == tenant_id)
            .values(question="", answer=None, error=None, item_ids=[]))
        done["events"] = _events(session, tenant_id, conv_ids)
        run("timers", update(Timer).where(
            col(Timer.conversation_id).in_(conv_ids), Timer.tenant_id == tenant_id,
            Timer.status == "pending").values(status="canceled"))
        run("timers", update(Timer).where(
            col(Timer.conversation_id).in_(conv_ids), Timer.tenant_id == tenant_id)
            .values(payload=None))
        run("notifications", update(Notification).where(
            col(Notification.conversation_id).in_(conv_ids),
            Notification.tenant_id == tenant_id)
            .values(title="Contato apagado (LGPD)", body=""))
        for conv in session.exec(select(Conversation).where(
                col(Conversation.id).in_(conv_ids))).all():
            conv.session = {}
            conv.last_message_preview = ""
            conv.status = "closed"
            conv.waiting_since = conv.waiting_notified_at = conv.snoozed_until = None
            conv.unread = 0
            session.add(conv)
        if conn.dialect.name == "postgresql":  # the inbox search words (migration 0015)
            conn.execute(text("UPDATE conversation SET search_words = NULL"
                              " WHERE id = ANY(:ids)"), {"ids": conv_ids})
        done["webhooks"] = _webhooks(session, tenant_id, conv_ids, needles)
    run("notifications", update(Notification).where(
        Notification.tenant_id == tenant_id, or_(
            _mentions(Notification.title, needles), _mentions(Notification.body, needles)))
        .values(title="Contato apagado (LGPD)", body=""))
    run("emails", update(EmailMessage).where(
        EmailMessage.tenant_id == tenant_id,
        or_(_mentions(EmailMessage.subject, needles), _mentions(EmailMessage.text_body, needles),
            _mentions(EmailMessage.html_body, needles)))
        .values(subject="Aviso apagado (LGPD)", text_body="", html_body=""))
    # (an e-mail still waiting is not sent empty)
    run("emails", update(EmailMessage).where(
        EmailMessage.tenant_id == tenant_id, EmailMessage.subject == "Aviso apagado (LGPD)",
        col(EmailMessage.status).in_(("queued", "sending")))
        .values(status="failed", last_error="erased (LGPD)"))
    run("webhook_logs", update(WebhookLog).where(
        or_(WebhookLog.tenant_id == tenant_id, WebhookLog.instance_id == instance_id),
        _mentions(WebhookLog.detail, [old_wa_id])).values(detail=ERASED))
    run("api_answers", delete(ApiIdempotency).where(
        ApiIdempotency.tenant_id == tenant_id, _mentions(ApiIdempotency.response, needles)))
    run("consents", update(ConsentRecord).where(
        ConsentRecord.tenant_id == tenant_id, ConsentRecord.contact_id == contact.id)
        .values(contact_id=None, evidence=ERASED))
    done["exports"] = _exports(session, tenant_id, contact.id)
    contact.wa_id = ERASED_PREFIX + secrets.token_hex(8)
    contact.name = ""
    contact.tags = []
    contact.fields = {}
    contact.opted_out = True  # nobody can message a marker
    contact.opted_in_at = None
    contact.opt_in_source = ""
    contact.updated_at = utcnow()
    session.add(contact)
    session.flush()
    _forget(instance_id, old_wa_id, conv_ids)
    return done


def _events(session: Session, tenant_id: int, conv_ids: list[int]) -> int:
    n = 0
    for event in session.exec(select(AnalyticsEvent).where(
            col(AnalyticsEvent.conversation_id).in_(conv_ids),
            AnalyticsEvent.tenant_id == tenant_id)).all():
        data = dict(event.data or {})
        kept = {k: data[k] for k in _KEEP_EVENT_KEYS
                if k in data and isinstance(data[k], str | bool | int)}
        if kept != data:
            event.data = kept
            session.add(event)
            n += 1
    session.flush()
    return n


def _webhooks(session: Session, tenant_id: int, conv_ids: list[int],
              needles: list[str]) -> int:
    """Outgoing webhook events about the contact: their payloads emptied; deliveries not
    made yet are given up (an empty event would mean nothing to the receiver)."""
    keys = [f"c{cid}" for cid in conv_ids]
    by_key = select(WebhookDelivery.event_id).where(
        WebhookDelivery.tenant_id == tenant_id, col(WebhookDelivery.order_key).in_(keys))
    event_ids = set(session.exec(by_key).all()) | set(session.exec(select(WebhookEvent.id).where(
        WebhookEvent.tenant_id == tenant_id, _mentions(WebhookEvent.data, needles))).all())
    if not event_ids:
        return 0
    conn = session.connection()
    conn.execute(update(WebhookEvent).where(col(WebhookEvent.id).in_(event_ids))
                 .values(data=ERASED))
    conn.execute(update(WebhookDelivery).where(col(WebhookDelivery.event_id).in_(event_ids))
                 .values(response_excerpt="", last_error=""))
    conn.execute(update(WebhookDelivery).where(
        col(WebhookDelivery.event_id).in_(event_ids),
        col(WebhookDelivery.status).in_(("pending", "sending")))
        .values(status="failed", last_error="erased (LGPD)"))
    return len(event_ids)


def _exports(session: Session, tenant_id: int, contact_id: int) -> int:
    """Files already built that hold the person: their LGPD exports, and the business's
    leads exports (a row per contact) — deleted; the business can build a new one."""
    from ylada_app.models import AnalyticsExport
    from ylada_app.services.analytics_export import _path as leads_path
    from ylada_app.services.privacy import export_path

    n = 0
    for export in session.exec(select(AnalyticsExport).where(
            AnalyticsExport.tenant_id == tenant_id, AnalyticsExport.kind == "leads")).all():
        path = leads_path(export)
        if path.exists():
            path.unlink(missing_ok=True)
            n += 1
    # an export still to be built never will be (a running one checks before finishing)
    session.connection().execute(update(DataRequest).where(
        DataRequest.tenant_id == tenant_id, DataRequest.contact_id == contact_id,
        DataRequest.kind == "export", DataRequest.status == "pending")
        .values(status="failed", error="contact_erased"))
    for row in session.exec(select(DataRequest).where(
            DataRequest.tenant_id == tenant_id, DataRequest.contact_id == contact_id,
            DataRequest.file_token != "")).all():
        export_path(row).unlink(missing_ok=True)
        row.file_token = ""
        session.add(row)
        n += 1
    return n


def _forget(instance_id: int, wa_id: str, conv_ids: list[int]) -> None:
    """Caches: the pipeline's phone → conversation map (this process) and the Redis keys
    of the conversation (queued-work flags; RQ jobs carry ids only)."""
    from ylada_app.core.settings import get_settings
    from ylada_app.services.inbox import forget_contact

    forget_contact(instance_id, wa_id)
    url = get_settings().redis_url
    if not url:
        return
    try:
        from ylada_app.core.queue import redis_connection

        conn = redis_connection(url)
        keys = [f"ylada:q:{kind}:{cid}" for cid in conv_ids for kind in ("conv", "out")]
        keys += list(conn.scan_iter(match=f"*{wa_id}*", count=1000))
        if keys:
            conn.delete(*keys)
    except Exception:  # the database part is what must not fail; Redis flags expire anyway
        log.exception("could not clear Redis keys of an erased contact")
