"""Storing what arrives from WhatsApp (or the simulator): contacts, conversations, inbound
messages (deduplicated on wamid), delivery statuses (monotonic, idempotent) and logs.

This is the synchronous part of the hot path: it must stay a handful of indexed queries.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from ylada_app.core.queue import redis_connection
from ylada_app.core.settings import get_settings
from ylada_app.models import Contact, Conversation, Instance, Message, WebhookLog, utcnow
from ylada_app.models.conversation import WA_ID_MAX
from ylada_app.models.upsert import insert_ignore
from ylada_app.services import webhooks_out
from ylada_app.services.phones import br_variants

MAX_TEXT = 16_384

# Statuses only move forward; a late "failed" never undoes delivered/read.
STATUS_RANK = {"queued": 0, "sending": 1, "sent": 10, "failed": 15, "delivered": 20, "read": 30,
         "played": 40}


@dataclass(frozen=True)
class Inbound:
    """One inbound message, channel-agnostic."""

    wamid: str
    wa_id: str
    type: str
    text: str | None = None
    payload: str | None = None
    contact_name: str | None = None
    timestamp: int = 0
    data: dict[str, Any] = field(default_factory=dict)
    # Meta's business-scoped user id (BSUID), when the message carries one; equal to wa_id
    # when Meta withheld the phone (a customer with a username)
    user_id: str | None = None


@dataclass(frozen=True)
class InstanceRef:
    """The two ids storing needs (an Instance row satisfies it too)."""

    id: int
    tenant_id: int


@dataclass(frozen=True)
class StatusChange:
    wamid: str
    status: str
    timestamp: int = 0
    error: str | None = None
    # our outbound message's id, from the reference sent with it (message_reference): finds
    # a message whose send was accepted by Graph but never recorded (no wamid yet)
    message_id: int | None = None


_REFERENCE = re.compile(r"ylada:m([0-9]{1,18})")


def message_reference(message_id: int) -> str:
    """What an outbound message carries to Graph and gets back in its status webhooks."""
    return f"ylada:m{message_id}"


def referenced_message(value: object) -> int | None:
    """The message id in a status webhook's `biz_opaque_callback_data`, if it is ours."""
    match = _REFERENCE.fullmatch(value) if isinstance(value, str) else None
    # (a forged one past the id column's range must not reach the database: it was a 503)
    return int(match.group(1)) if match and int(match.group(1)) < 2**31 else None


def wa_time(value: int) -> datetime | None:
    if not value or value < 0 or value > 32503680000:
        return None
    return datetime.fromtimestamp(value, UTC).replace(tzinfo=None)


# (instance_id, wa_id) -> (contact_id, conversation_id, user_id). Contacts and conversations
# are only ever re-keyed by a deletion or an LGPD erasure, so the hot path can skip two
# lookups for a contact it has seen. Those run in any process (often a worker): they bump a
# counter in Redis, and every process drops its whole cache when it sees the counter move
# (checked at most once per FORGET_CHECK_S), so a person who writes again after an erasure
# starts a new contact instead of landing in the anonymised conversation.
# `user_id` is the BSUID the contact was looked up with: a message carrying another one (the
# first with a BSUID from a contact known by phone) misses, and the lookup stores the BSUID
# on the contact once. A contact holding a BSUID is cached under it too (a later message
# without the phone finds it at once).
log = logging.getLogger(__name__)
_ids: OrderedDict[tuple[int, str], tuple[int, int, str | None]] = OrderedDict()
_ids_lock = threading.Lock()
_IDS_MAX = 50_000
FORGET_KEY = "ylada:contacts:forgotten"
FORGET_CHECK_S = 0.5
_forget_seen: list = [None, 0.0]  # [counter seen, when it was read]


def _sync_forgotten() -> None:
    settings = get_settings()
    now = time.monotonic()
    if not settings.redis_url or now - _forget_seen[1] < FORGET_CHECK_S:
        return
    _forget_seen[1] = now
    try:
        counter = redis_connection(settings.redis_url).get(FORGET_KEY)
    except Exception:  # noqa: BLE001 - Redis down: keep serving from the cache
        return
    if counter != _forget_seen[0]:
        with _ids_lock:
            if _forget_seen[0] is not None or counter is not None:
                _ids.clear()
        _forget_seen[0] = counter


def _cached(instance_id: int, wa_id: str, user_id: str | None) -> tuple[int, int] | None:
    _sync_forgotten()
    with _ids_lock:
        hit = _ids.get((instance_id, wa_id))
    if hit is None or (user_id is not None and hit[2] != user_id):
        return None  # (a BSUID not looked up with this contact yet: see `_ids`)
    return hit[0], hit[1]


def known_conversation(instance_id: int, wa_id: str, user_id: str | None = None) -> int | None:
    hit = _cached(instance_id, wa_id, user_id)
    return hit[1] if hit else None


def remember_conversation(instance_id: int, wa_id: str, contact_id: int,
                          conversation_id: int, user_id: str | None = None) -> None:
    """Cache ids once they are committed (a rolled-back id must never be cached)."""
    with _ids_lock:
        _ids[(instance_id, wa_id)] = (contact_id, conversation_id, user_id)
        if len(_ids) > _IDS_MAX:
            _ids.popitem(last=False)


def remember_contact(instance_id: int, wa_id: str, user_id: str | None, contact_id: int,
                     conversation_id: int, contact_user_id: str | None) -> None:
    """`remember_conversation` for a message from `wa_id` (with `user_id`, its BSUID, if it
    had one) found to be this contact — and under the BSUID too when the contact holds it."""
    remember_conversation(instance_id, wa_id, contact_id, conversation_id, user_id)
    if user_id and user_id != wa_id and contact_user_id == user_id:
        remember_conversation(instance_id, user_id, contact_id, conversation_id, user_id)


def forget_contact(instance_id: int, wa_id: str, user_id: str | None = None) -> None:
    """After deleting, erasing or renumbering a contact (`user_id`: its BSUID, if it had
    one): here at once, in every other process within FORGET_CHECK_S (see `_ids`). Every
    form of the number (with and without the ninth digit): the map is keyed by the form
    WhatsApp wrote, which may not be the one stored on the contact."""
    with _ids_lock:
        for form in br_variants(wa_id):
            _ids.pop((instance_id, form), None)
        if user_id:
            _ids.pop((instance_id, user_id), None)
    settings = get_settings()
    if settings.redis_url:
        try:
            redis_connection(settings.redis_url).incr(FORGET_KEY)
        except Exception:  # noqa: BLE001 - the row change stands; others catch up on restart
            log.warning("could not tell other processes to forget a contact")


def _conversation_ids(session: Session, *, instance: Instance | InstanceRef, wa_id: str,
                      name: str | None, user_id: str | None = None) -> tuple[int, int]:
    hit = _cached(instance.id, wa_id, user_id)
    if hit is not None:
        return hit
    contact, conv = contact_and_conversation(session, instance=instance, wa_id=wa_id, name=name,
                                             user_id=user_id)
    remember_contact(instance.id, wa_id, user_id, contact.id, conv.id, contact.user_id)
    return contact.id, conv.id


def _senders(session: Session, instance_id: int, wa_id: str, user_id: str | None,
             ) -> list[tuple[Contact, Conversation | None]]:
    """The contacts a message from `wa_id` (with BSUID `user_id`) may be from, the best
    first: the phone as reported, another form of it, then the one holding the BSUID."""
    forms = br_variants(wa_id)
    match = col(Contact.wa_id).in_(forms)
    if user_id:
        match = or_(match, Contact.user_id == user_id)
    rows = session.exec(
        select(Contact, Conversation)
        .join(Conversation, Conversation.contact_id == Contact.id, isouter=True)
        .where(Contact.instance_id == instance_id, match)
    ).all()
    return sorted(rows, key=lambda r: (r[0].wa_id != wa_id, r[0].wa_id not in forms))


def contact_and_conversation(session: Session, *, instance: Instance | InstanceRef, wa_id: str,
                             name: str | None, user_id: str | None = None,
                             ) -> tuple[Contact, Conversation]:
    """The sender's contact and conversation, created on a first message. WhatsApp reports
    some Brazilian mobiles without the ninth digit: a contact the business saved with it
    ("+55 11 98765-4321", imported or through the API) is the same person — their "sair"
    must reach that contact, not a new one. Likewise `user_id`, the BSUID Meta sends on
    every message (the phone only while it is shareable): a message without the phone finds
    the contact an earlier one with both made, which keeps the BSUID from then on."""
    rows = _senders(session, instance.id, wa_id, user_id)
    contact, conv = rows[0] if rows else (None, None)
    created = None
    if contact is None:
        created = insert_ignore(session, Contact, {
            "tenant_id": instance.tenant_id, "instance_id": instance.id, "wa_id": wa_id,
            "user_id": user_id, "name": (name or "")[:120], "tags": [], "fields": {},
            "opted_out": False, "created_at": utcnow(), "updated_at": utcnow(),
        }, None)  # (on either key: its first message may be creating it right now)
        contact, conv = _senders(session, instance.id, wa_id, user_id)[0]
    else:
        if user_id and contact.user_id is None and all(c.user_id != user_id for c, _ in rows):
            _keep_user_id(session, contact, user_id)
        if name and not contact.name:
            contact.name = name[:120]
            session.add(contact)
    if conv is None:
        insert_ignore(session, Conversation, {
            "tenant_id": instance.tenant_id, "instance_id": instance.id,
            "contact_id": contact.id, "status": "bot", "session": {},
            "created_at": utcnow(), "updated_at": utcnow(),
        }, ["contact_id"])
        conv = session.exec(
            select(Conversation).where(Conversation.contact_id == contact.id)
        ).one()
    if created is not None:
        webhooks_out.emit(session, [webhooks_out.Event(
            instance.tenant_id, "contact.created",
            {"contact": webhooks_out.contact_data(contact)}, f"c{conv.id}")])
    return contact, conv


def _keep_user_id(session: Session, contact: Contact, user_id: str) -> None:
    """Store the BSUID on a contact known by phone. Another contact holding it already (made
    by a message without the phone before this one, or at this very moment) keeps it: the
    two stay apart rather than fail the message."""
    try:
        with session.begin_nested():
            contact.user_id = user_id
            session.add(contact)
            session.flush()
    except IntegrityError:
        session.refresh(contact)


def clean_text(value: str | None, limit: int) -> str | None:
    """What a database can store: no NUL characters, no lone UTF-16 surrogates."""
    if value is None:
        return None
    value = value[:limit]
    if value.isascii() and "\x00" not in value:
        return value  # the common case, checked in C
    if "\x00" in value:
        value = value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value


def clean_json(value: Any, depth: int = 0) -> Any:
    """`clean_text` applied to every string of a JSON value (keys included); non-finite
    numbers become null."""
    kind = type(value)
    if kind is int or kind is bool or value is None:  # most leaves: nothing to clean
        return value
    if isinstance(value, str):
        return clean_text(value, MAX_TEXT)
    if depth > 40:
        return None
    if isinstance(value, dict):
        return {clean_text(str(k), 200): clean_json(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_json(v, depth + 1) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None  # NaN/Infinity are not JSON: the database refuses them
    return value


# A wamid is unique per number (uq_message_instance_wamid), not platform-wide: Meta's retries
# of a message are no-ops, another business's message with the same id is its own.
WAMID_KEY = ["instance_id", "wamid"]


def inbound_row(instance: Instance | InstanceRef, conversation_id: int, item: Inbound,
                now: datetime) -> dict[str, Any]:
    """The `message` row of a pending inbound message."""
    return {
        "tenant_id": instance.tenant_id, "instance_id": instance.id,
        "conversation_id": conversation_id, "direction": "in",
        "type": clean_text(item.type, 30) or "unknown",
        "text": clean_text(item.text or None, MAX_TEXT),
        "payload": clean_json({"payload": item.payload, **item.data}),
        "wamid": clean_text(item.wamid, 160), "status": "pending", "attempts": 0,
        "wa_timestamp": wa_time(item.timestamp) or now, "created_at": now,
    }


def store_inbound(session: Session, *, instance: Instance | InstanceRef,
                  items: list[Inbound]) -> list[int]:
    """Insert new inbound messages as pending. Returns the conversations that got new ones.

    One INSERT per message for a known contact: the conversation's `last_inbound_at` is
    set by the worker when it processes the message, not here on the hot path.
    """
    touched: list[int] = []
    now = utcnow()
    for item in items:
        if not clean_text(item.wamid, 160) or not clean_text(item.wa_id, WA_ID_MAX):
            continue
        _, conv_id = _conversation_ids(session, instance=instance,
                                       wa_id=clean_text(item.wa_id, WA_ID_MAX) or "?",
                                       name=clean_text(item.contact_name, 120),
                                       user_id=clean_text(item.user_id, WA_ID_MAX))
        new_id = insert_ignore(session, Message, inbound_row(instance, conv_id, item, now),
                               WAMID_KEY)
        if new_id is None:
            continue  # a retry or duplicate from Meta: already stored
        if conv_id not in touched:
            touched.append(conv_id)
    return touched


def has_message(session: Session, *, instance_id: int, wamid: str) -> bool:
    """Whether this number already stored the message with this WhatsApp id."""
    return session.exec(select(Message.id).where(
        Message.instance_id == instance_id, Message.wamid == (wamid or "")[:160])).first() \
        is not None


def apply_statuses(session: Session, *, instance_id: int, changes: list[StatusChange]) -> int:
    """Move outbound messages forward (sent → delivered → read; failed). Returns updates."""
    applied = 0
    events: list[webhooks_out.Event] = []
    for change in changes:
        ours = (Message.instance_id == instance_id, Message.direction == "out")
        msg = session.exec(select(Message).where(Message.wamid == change.wamid[:160], *ours)
                           ).first()
        if msg is None and change.message_id is not None and session.exec(
                select(Message.id).where(Message.wamid == change.wamid[:160],
                                         Message.instance_id == instance_id)).first() is None:
            # accepted by Graph, never recorded: known by the reference it was sent with
            msg = session.exec(select(Message).where(Message.id == change.message_id,
                                                     Message.wamid.is_(None), *ours)).first()
        if msg is None or STATUS_RANK.get(change.status, -1) <= STATUS_RANK.get(msg.status, -1):
            continue
        when = wa_time(change.timestamp) or utcnow()
        msg.wamid = msg.wamid or change.wamid[:160]
        if change.status in ("sent", "delivered", "read", "played"):
            msg.sent_at = msg.sent_at or when
        msg.status = change.status
        if change.status == "delivered":
            msg.delivered_at = when
        elif change.status == "read":
            msg.read_at = when
            msg.delivered_at = msg.delivered_at or when
        elif change.status == "failed":
            msg.error = (change.error or "failed")[:300]
        session.add(msg)
        applied += 1
        if webhooks_out.wants(msg.tenant_id, "message.status"):
            events.append(webhooks_out.Event(
                msg.tenant_id, "message.status",
                webhooks_out.status_data(msg.id, msg.conversation_id, msg.status, msg.wamid,
                                         msg.error, instance_id),
                f"c{msg.conversation_id}"))
    session.flush()
    webhooks_out.emit(session, events)
    return applied


LOG_ROWS_PER_TRANSACTION = 20  # then one "log_capped" row counts the rest


def log_event(session: Session, *, kind: str, detail: dict[str, Any],
              instance: Instance | InstanceRef | None = None) -> None:
    """A webhook item we could not use, for the diagnostics. One POST full of junk (any
    business signs its own: 100,000 made-up changes wrote 100,000 rows in a minute, holding
    the database's write lock on SQLite) writes at most LOG_ROWS_PER_TRANSACTION rows and
    one that counts, by kind, what was left out."""
    tx = id(session.get_transaction())
    count = session.info.get("ylada_webhook_logs")
    if count is None or count["tx"] != tx:  # (a session may live through many transactions)
        count = session.info["ylada_webhook_logs"] = {"tx": tx, "written": 0, "capped": None}
    if count["written"] >= LOG_ROWS_PER_TRANSACTION:
        capped = count["capped"]
        if capped is None:
            capped = count["capped"] = WebhookLog(
                tenant_id=instance.tenant_id if instance else None,
                instance_id=instance.id if instance else None, kind="log_capped", detail={})
            session.add(capped)
        left_out = dict(capped.detail)
        left_out[kind[:30]] = left_out.get(kind[:30], 0) + 1
        capped.detail = left_out  # (a new dict: the ORM sees the change)
        return
    count["written"] += 1
    session.add(WebhookLog(
        tenant_id=instance.tenant_id if instance else None,
        instance_id=instance.id if instance else None,
        kind=kind[:30], detail=detail,
    ))
