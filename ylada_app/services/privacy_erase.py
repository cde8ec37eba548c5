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
timers, team notifications and e-mails about the contact (found by their conversation,
never by name: another customer's name may contain theirs), outgoing webhook payloads
(found by order key or ids) and unusable inbound webhook logs naming the phone, cached API
answers, consent records (kept as proof, unlinked, their name and phone cut from the text
shown), export files already built, and Redis keys of the
conversation. The caller holds the conversation lock (jobs/privacy.py), so the pipeline
never writes the old data back.
"""

from __future__ import annotations

import json
import logging
import secrets
from typing import Any

from sqlalchemy import String, cast, delete, false, literal, or_, text, update
from sqlmodel import Session, col, select

from ylada_app.core.db import after_commit
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
from ylada_app.services.phones import br_variants, display_phone

log = logging.getLogger(__name__)
ERASED_PREFIX = "apagado-"
ERASED = {"apagado": True}
# analytics_event.data keys the rollup and the reports read; none of them is the person's
_KEEP_EVENT_KEYS = ("branch", "name", "fallback", "by", "reason")


def _needles(contact: Contact) -> list[str]:
    """Strings that identify the person in free text and JSON (phone as stored and as
    shown; the name when it is long enough not to match unrelated text)."""
    found = [contact.wa_id]
    if contact.user_id and contact.user_id != contact.wa_id:  # (the BSUID identifies them too)
        found.append(contact.user_id)
    shown = display_phone(contact.wa_id)
    if shown.startswith("+"):  # (a formatted phone; not a label such as "Simulador")
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
            # "[apagado]" may be longer than what it replaces: cut to what the item holds
            # (update_item refuses, not cuts, text over the maximum)
            knowledge.update_item(session, tenant_id=tenant_id, item_id=item.id,
                                  title=title[:knowledge.MAX_TITLE],
                                  body=body[:knowledge.MAX_BODY], price=item.price, sku=item.sku,
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
    old_wa_id, old_user_id, instance_id = contact.wa_id, contact.user_id, contact.instance_id
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
        done["webhooks"] = _webhooks(session, tenant_id, conv_ids, contact.id)
        # Team e-mails by the link to the conversation they carry, never by name: "Maria"
        # is also in another customer's "Maria Silva", and an e-mail quoting a name the
        # person had corrected since would be missed. (The html body ends the link with
        # its quote: c=12 never matches c=123.)
        mails = or_(*[EmailMessage.html_body.like(f'%/inbox?c={cid}"%') for cid in conv_ids])
        # (an e-mail still waiting is not sent empty)
        conn.execute(update(EmailMessage).where(
            EmailMessage.tenant_id == tenant_id, mails,
            col(EmailMessage.status).in_(("queued", "sending")))
            .values(status="failed", last_error="erased (LGPD)"))
        run("emails", update(EmailMessage).where(EmailMessage.tenant_id == tenant_id, mails)
            .values(subject="Aviso apagado (LGPD)", text_body="", html_body=""))
    run("webhook_logs", update(WebhookLog).where(
        or_(WebhookLog.tenant_id == tenant_id, WebhookLog.instance_id == instance_id),
        _mentions(WebhookLog.detail, [old_wa_id, *([old_user_id] if old_user_id else [])]))
        .values(detail=ERASED))
    # cached API answers naming the contact or their conversation by id
    answer = ApiIdempotency.response
    run("api_answers", delete(ApiIdempotency).where(
        ApiIdempotency.tenant_id == tenant_id,
        or_(_json_ids(conn, answer, ("conversation_id",), conv_ids),
            _json_ids(conn, answer, ("contact_id",), [contact.id]))))
    _consent_texts(session, tenant_id, contact.id, needles)
    run("consents", update(ConsentRecord).where(
        ConsentRecord.tenant_id == tenant_id, ConsentRecord.contact_id == contact.id)
        .values(contact_id=None, evidence=ERASED))
    done["exports"] = _exports(session, tenant_id, contact.id)
    contact.wa_id = ERASED_PREFIX + secrets.token_hex(8)
    contact.user_id = None  # (a message with their BSUID starts a new contact, as a phone does)
    contact.name = ""
    contact.tags = []
    contact.fields = {}
    contact.opted_out = True  # nobody can message a marker
    contact.opted_in_at = None
    contact.opt_in_source = ""
    contact.updated_at = utcnow()
    session.add(contact)
    session.flush()
    # once saved: forgotten earlier, a message arriving before the commit would map the
    # number to the old contact again in this process's cache
    after_commit(session, lambda: _forget(instance_id, old_wa_id, conv_ids, old_user_id))
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


def _json_ids(conn: Any, column: Any, path: tuple[str, ...], ids: list[int]):
    """`column` (JSON) holds one of `ids` at `path`: PostgreSQL reads the value as text (a
    cast to integer would fail on a row where it is not a number), SQLite as a number."""
    if not ids:
        return false()
    value = column[path] if len(path) > 1 else column[path[0]]
    if conn.dialect.name == "postgresql":
        return value.as_string().in_([str(i) for i in ids])
    return value.as_integer().in_(ids)


def _webhooks(session: Session, tenant_id: int, conv_ids: list[int], contact_id: int) -> int:
    """Outgoing webhook events about the contact — those delivered in their conversation's
    or their own order (order_key c<conversation> / k<contact>) or naming the contact or the
    conversation by id: their payloads emptied; deliveries not made yet are given up (an
    empty event would mean nothing to the receiver). Never found by name or phone: "Maria"
    is also in another customer's "Maria Silva"."""
    conn = session.connection()
    keys = [f"c{cid}" for cid in conv_ids] + [f"k{contact_id}"]
    by_key = select(WebhookDelivery.event_id).where(
        WebhookDelivery.tenant_id == tenant_id, col(WebhookDelivery.order_key).in_(keys))
    data = WebhookEvent.data
    by_id = or_(_json_ids(conn, data, ("contact", "id"), [contact_id]),
                _json_ids(conn, data, ("conversation_id",), conv_ids),
                _json_ids(conn, data, ("conversation", "id"), conv_ids),
                _json_ids(conn, data, ("message", "conversation_id"), conv_ids))
    event_ids = set(session.exec(by_key).all()) | set(session.exec(select(WebhookEvent.id).where(
        WebhookEvent.tenant_id == tenant_id, by_id)).all())
    if not event_ids:
        return 0
    conn.execute(update(WebhookEvent).where(col(WebhookEvent.id).in_(event_ids))
                 .values(data=ERASED))
    conn.execute(update(WebhookDelivery).where(col(WebhookDelivery.event_id).in_(event_ids))
                 .values(response_excerpt="", last_error=""))
    conn.execute(update(WebhookDelivery).where(
        col(WebhookDelivery.event_id).in_(event_ids),
        col(WebhookDelivery.status).in_(("pending", "sending")))
        .values(status="failed", last_error="erased (LGPD)"))
    return len(event_ids)


def _consent_texts(session: Session, tenant_id: int, contact_id: int,
                   needles: list[str]) -> None:
    """A consent proof's `text_shown` is the message as the person saw it, rendered — a
    flow's "Oi {{contact.name}}" holds their name: cut (as in `_learned_items`) before the
    proof is unlinked and kept."""
    for row in session.exec(select(ConsentRecord).where(
            ConsentRecord.tenant_id == tenant_id, ConsentRecord.contact_id == contact_id)).all():
        shown = row.text_shown or ""
        for needle in needles:
            shown = shown.replace(needle, "[apagado]")
        if shown != row.text_shown:
            row.text_shown = shown[:1000]
            session.add(row)
    session.flush()


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


def _forget(instance_id: int, wa_id: str, conv_ids: list[int],
            user_id: str | None = None) -> None:
    """Caches: the pipeline's phone → conversation map (this process) and the Redis keys
    of the conversation (queued-work flags; RQ jobs carry ids only), under every form of
    the number (with and without the ninth digit)."""
    from ylada_app.core.settings import get_settings
    from ylada_app.services.inbox import forget_contact

    forget_contact(instance_id, wa_id, user_id)
    url = get_settings().redis_url
    if not url:
        return
    try:
        from ylada_app.core.queue import redis_connection

        conn = redis_connection(url)
        keys = [f"ylada:q:{kind}:{cid}" for cid in conv_ids for kind in ("conv", "out")]
        for form in br_variants(wa_id):
            keys += list(conn.scan_iter(match=f"*{form}*", count=1000))
        if keys:
            conn.delete(*keys)
    except Exception:  # the database part is what must not fail; Redis flags expire anyway
        log.exception("could not clear Redis keys of an erased contact")
