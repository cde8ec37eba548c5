"""WhatsApp Cloud API webhooks on /webhooks/whatsapp/{key}.

GET answers Meta's verification handshake. POST checks `X-Hub-Signature-256` on the raw
body, stores what it carries (inbound messages deduplicated on wamid, statuses, logs) and
queues one coalesced job per touched conversation, then answers 200 at once. Anything
malformed or unknown is logged and still answered with 200, so Meta does not retry forever.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import weakref

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from ylada_app.channels.whatsapp_cloud.webhook import parse_webhook, verify_signature
from ylada_app.core.db import session_scope
from ylada_app.core.db_async import get_async_engine
from ylada_app.core.queue import mark_dirty, mark_dirty_async
from ylada_app.core.security import constant_time_equals
from ylada_app.core.settings import get_settings
from ylada_app.services import (
    coexistence,
    contacts,
    inbox,
    message_templates,
    number_events,
    webhook_keys,
)
from ylada_app.services.inbox_fast import store_async
from ylada_app.services.instances import is_webhook_key

log = logging.getLogger(__name__)
router = APIRouter()
MAX_BODY = 3 * 1024 * 1024


@router.get("/webhooks/whatsapp/{key}")
async def whatsapp_handshake(key: str, request: Request) -> PlainTextResponse:
    q = request.query_params
    mode, token, challenge = q.get("hub.mode"), q.get("hub.verify_token"), q.get("hub.challenge")
    if not is_webhook_key(key):
        return PlainTextResponse("unknown webhook", status_code=404)
    try:
        target = await asyncio.to_thread(webhook_keys.lookup, key)
    except Exception:
        log.exception("webhook key lookup failed")
        return PlainTextResponse("temporarily unavailable", status_code=503)
    if target is None:
        return PlainTextResponse("unknown webhook", status_code=404)
    if mode != "subscribe" or not token or not constant_time_equals(token, target.verify_token):
        return PlainTextResponse("verification failed", status_code=403)
    return PlainTextResponse(challenge or "", status_code=200)


def _to_inbound(m) -> inbox.Inbound:
    data = {"raw": m.raw, "subtype": m.subtype}
    for name in ("media", "location", "reaction", "context"):
        value = getattr(m, name, None)
        if value is not None:
            data[name] = dataclasses.asdict(value)
    for name in ("contacts", "referral", "order", "system"):
        value = getattr(m, name, None)
        if value:
            data[name] = value
    if not m.supported:
        data["unsupported"] = True
    return inbox.Inbound(wamid=m.wamid, wa_id=m.from_wa_id, type=m.type or "unknown",
                         text=m.text, payload=m.payload, contact_name=m.contact_name,
                         timestamp=m.timestamp, data=data, user_id=m.from_user_id)


def _store(target: webhook_keys.WebhookTarget, parsed) -> list[int]:
    with session_scope() as session:
        # The cached target carries what storing needs: no instance query on the hot path.
        instance = inbox.InstanceRef(target.instance_id, target.tenant_id)
        def mine(m) -> bool:
            return not target.phone_number_id or m.phone_number_id == target.phone_number_id

        # A message written in a WhatsApp group the number is in is not the participant
        # writing to the business: it is not put in their private chat nor answered there
        # (groups are not conversations here yet); the diagnostics keep a trace.
        ours = [m for m in parsed.messages if mine(m) and not m.group_id]
        for m in parsed.messages:
            if not mine(m):
                inbox.log_event(session, instance=instance, kind="unknown_phone_number",
                                detail=inbox.clean_json({"phone_number_id": m.phone_number_id,
                                                         "wamid": m.wamid}))
            elif m.group_id:
                inbox.log_event(session, instance=instance, kind="group_message",
                                detail=inbox.clean_json({"wamid": m.wamid, "type": m.type,
                                                         "group_id": m.group_id}))
            elif not m.supported:
                inbox.log_event(session, instance=instance, kind="unsupported_message",
                                detail=inbox.clean_json({"wamid": m.wamid, "type": m.type}))
        touched = _store_messages(session, instance, ours)
        inbox.apply_statuses(session, instance_id=instance.id,
                             changes=_status_changes(parsed))
        for err in parsed.errors:
            inbox.log_event(session, instance=instance, kind="error",
                            detail=inbox.clean_json({"code": err.code, "title": err.title,
                                                     "message": err.message}))
        for u in parsed.unsupported:
            inbox.log_event(session, instance=instance, kind="unsupported",
                            detail=inbox.clean_json({"reason": u.reason, "field": u.field}))
        if parsed.number_updates:  # quality, limit, account warnings about the number
            number_events.apply_number_updates(session, tenant_id=target.tenant_id,
                                               instance_id=target.instance_id,
                                               updates=parsed.number_updates)
        mine_prefs = [p for p in parsed.preferences
                      if not target.phone_number_id or p.phone_number_id == target.phone_number_id]
        if parsed.history:  # the WhatsApp Business app's past chats (coexistence)
            coexistence.import_history(session, tenant_id=target.tenant_id,
                                       instance_id=target.instance_id,
                                       threads=parsed.history)
        if parsed.history_declined:
            inbox.log_event(session, instance=instance, kind="history_declined", detail={})
        if parsed.app_contacts:  # the WhatsApp Business app's address book (coexistence)
            coexistence.apply_contacts(session, tenant_id=target.tenant_id,
                                       instance_id=target.instance_id,
                                       synced=parsed.app_contacts)
        if mine_prefs:  # customers who stopped / resumed marketing messages in WhatsApp
            number_events.apply_preferences(session, tenant_id=target.tenant_id,
                                            instance_id=target.instance_id, prefs=mine_prefs)
        for t in parsed.template_updates:  # Meta reviewed one of the business's templates
            named = {"message_template_id": t.template_id, "message_template_name": t.name,
                     "message_template_language": t.language}
            if t.quality:  # … rated how its recipients take it
                number_events.template_quality(session, tenant_id=target.tenant_id,
                                               waba_id=t.waba_id,
                                               update={**named, "new_quality_score": t.quality})
            elif t.category:  # … or moved it to another category
                message_templates.apply_category_update(
                    session, tenant_id=target.tenant_id, waba_id=t.waba_id,
                    update={**named, "new_category": t.category})
            else:
                message_templates.apply_status_update(
                    session, tenant_id=target.tenant_id, waba_id=t.waba_id,
                    update={**named, "event": t.event, "reason": t.reason})
        return touched


def _store_messages(session, instance: inbox.InstanceRef, messages: list) -> list[int]:
    """The messages stored in order; a notice that the customer's identity changed is applied
    as it is stored, so that what follows it — in this POST, or in one the workers have not
    caught up with — already finds the contact by the new number or BSUID (applied when
    processed, a message from the new identity stored before made a second contact). A
    notice Meta sends again is stored, and applied, once."""
    touched: list[int] = []
    start = 0
    for i, m in enumerate(messages):
        if not m.new_identity:
            continue
        touched += inbox.store_inbound(session, instance=instance,
                                       items=[_to_inbound(x) for x in messages[start:i]])
        start = i + 1
        if inbox.has_message(session, instance_id=instance.id, wamid=m.wamid):
            continue  # sent again by Meta: storing it would make a contact for the old number
        notice = _to_inbound(m)
        stored = inbox.store_inbound(session, instance=instance, items=[notice])
        if stored:
            touched += stored
            contacts.apply_identity_notice(session, instance=instance, wa_id=notice.wa_id,
                                           user_id=notice.user_id, system=m.system,
                                           wamid=m.wamid)
    touched += inbox.store_inbound(session, instance=instance,
                                   items=[_to_inbound(m) for m in messages[start:]])
    return list(dict.fromkeys(touched))


def _error_text(errors: list[dict]) -> str:
    first = errors[0] if errors and isinstance(errors[0], dict) else {}
    code = "" if first.get("code") is None else first["code"]
    return f"{code} {first.get('title') or first.get('message') or ''}".strip()


async def receive_whatsapp(key: str, raw: bytes, signature: str | None) -> tuple[int, dict]:
    """POST /webhooks/whatsapp/{key}, framework-free: (HTTP status, JSON body). Served by
    `ylada_app.api.fast_lane`, which calls it straight from the ASGI server (and answers 413
    itself to a body over MAX_BODY, without reading the rest)."""
    try:
        target = await _target(key)
    except Exception:
        # The database is down (or restarting): Meta retries a 503, never a 500.
        log.exception("webhook key lookup failed")
        return 503, {"error": "temporarily_unavailable"}
    if target is None:
        return 404, {"error": "unknown_webhook"}
    if not target.app_secret or not verify_signature(raw, signature, target.app_secret):
        return 401, {"error": "invalid_signature"}
    parsed = parse_webhook(raw)  # never raises, whatever the body holds
    try:
        parts = await _by_number(target, parsed)
    except Exception:
        log.exception("webhook number lookup failed")
        return 503, {"error": "temporarily_unavailable"}
    # Taken before any wait: a contact's next message is stored after this one.
    # (by phone and by BSUID: one person's messages with and without the phone are in order;
    # a notice of a new number or BSUID goes before what the new one sends next)
    turn = _arrivals().take({(t.instance_id, sender) for t, p in parts for m in p.messages
                             for sender in (m.from_wa_id, m.from_user_id, *m.new_identity)
                             if sender})
    try:
        await turn.wait()
        for part_target, part in parts:
            if not await _fast_path(part_target, part):
                await asyncio.to_thread(_store_and_schedule, part_target, part)
    except Exception:
        # Our fault (database or Redis down), not the content's: 503 makes Meta retry later.
        log.exception("webhook store failed for instance %s", target.instance_id)
        return 503, {"error": "temporarily_unavailable"}
    finally:
        turn.done()
    return 200, {"ok": True}


class _Turn:
    """One POST's place in the queues of the contacts it carries messages from."""

    __slots__ = ("before", "mine", "keys", "queues")

    def __init__(self, queues: dict, keys: set, mine: asyncio.Future | None,
                 before: list[asyncio.Future]) -> None:
        self.queues, self.keys, self.mine, self.before = queues, keys, mine, before

    async def wait(self) -> None:
        if self.before:
            await asyncio.wait(self.before)  # (never cancels them)

    def done(self) -> None:
        if self.mine is None:
            return
        self.mine.set_result(None)
        for key in self.keys:
            if self.queues.get(key) is self.mine:
                del self.queues[key]


class _Arrivals:
    """Per-contact arrival order. Under overload, POSTs wait for a database connection and
    the pool serves them in no particular order, so two messages of one contact that reached
    the server in order could be stored — and answered — the other way round. Each POST
    takes its turn behind the previous in-flight POST of the same contacts, synchronously,
    on arrival; its store waits only for those (other contacts are not held up)."""

    def __init__(self) -> None:
        self.queues: dict[tuple[int, str], asyncio.Future] = {}

    def take(self, keys: set[tuple[int, str]]) -> _Turn:
        if not keys:
            return _Turn(self.queues, keys, None, [])
        mine = asyncio.get_running_loop().create_future()
        before = []
        for key in keys:
            prev = self.queues.get(key)
            if prev is not None and not prev.done():
                before.append(prev)
            self.queues[key] = mine
        return _Turn(self.queues, keys, mine, before)


_per_loop: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _arrivals() -> _Arrivals:
    loop = asyncio.get_running_loop()
    found = _per_loop.get(loop)
    if found is None:
        found = _per_loop[loop] = _Arrivals()
    return found


_lookups: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def _target(key: str) -> webhook_keys.WebhookTarget | None:
    """The key's target without waiting when it is cached — even stale: it is then re-read
    in the background. An unknown key is read once however many POSTs ask at the same time
    (they resume in arrival order); one that cannot be a key is not read at all."""
    found, target, fresh = webhook_keys.peek(key)
    if found and fresh:
        return target
    if not found and not is_webhook_key(key):  # (checked off the cached path)
        return None
    reading = _lookups.setdefault(asyncio.get_running_loop(), {})
    task = reading.get(key)
    if task is None:
        task = reading[key] = asyncio.ensure_future(asyncio.to_thread(webhook_keys.refresh, key))
        task.add_done_callback(lambda _t: reading.pop(key, None))
        if found:  # a stale entry: answer with it; a failed re-read is tried next time
            task.add_done_callback(lambda t: t.cancelled() or t.exception())
    if found:
        return target
    return await asyncio.shield(task)


async def _by_number(target: webhook_keys.WebhookTarget, parsed,
                     ) -> list[tuple[webhook_keys.WebhookTarget, object]]:
    """The webhook split by business number: what is about another number of the same Meta
    app goes to that number (webhook_keys.sibling); the rest — this number's, and numbers
    unknown here, which `_store` logs — stays with this one. One part in the common case,
    without a lookup."""
    others = parsed.phone_number_ids - {target.phone_number_id}
    if not others or not target.phone_number_id or not target.app_secret:
        return [(target, parsed)]
    parts = []
    for pnid in sorted(others):
        other = await asyncio.to_thread(webhook_keys.sibling, pnid, target.app_secret)
        if other is not None and other.instance_id != target.instance_id:
            parts.append((other, parsed.take_number(pnid)))
    return parts if parts and parsed.is_empty else [(target, parsed), *parts]


async def _fast_path(target: webhook_keys.WebhookTarget, parsed) -> bool:
    """Messages for this number and statuses, nothing else in the POST, PostgreSQL + Redis:
    store and mark dirty without leaving the event loop. False means "take the general
    path" (errors, unsupported content, template reviews, Meta's notices about the number
    or about a customer's new number or BSUID,
    marketing preferences, what the business did in its WhatsApp Business app, other numbers,
    SQLite, in-process jobs)."""
    if (not get_settings().redis_url or parsed.errors or parsed.unsupported
            or parsed.template_updates or parsed.number_updates or parsed.preferences
            or parsed.echoes or parsed.app_contacts or parsed.history
            or parsed.history_declined or not (parsed.messages or parsed.statuses)):
        return False
    if any(not m.supported or m.group_id or m.phone_number_id != target.phone_number_id
           or m.new_identity for m in parsed.messages):
        return False
    engine = get_async_engine()
    if engine is None:
        return False
    touched = await store_async(engine, inbox.InstanceRef(target.instance_id, target.tenant_id),
                                [_to_inbound(m) for m in parsed.messages],
                                _status_changes(parsed))
    await mark_dirty_async(touched)
    return True


def _status_changes(parsed) -> list[inbox.StatusChange]:
    # Cleaned like every other text from the payload: a NUL in an error title must not make
    # the database refuse the row (a 503 Meta would retry forever).
    return [inbox.StatusChange(inbox.clean_text(s.wamid, 160) or "", s.status, s.timestamp,
                               inbox.clean_text(_error_text(s.errors), 300) if s.errors else None,
                               inbox.referenced_message(s.biz_opaque_callback_data))
            for s in parsed.statuses]


def _store_and_schedule(target: webhook_keys.WebhookTarget, parsed) -> None:
    mark_dirty(_store(target, parsed))
    if parsed.echoes:  # what the business wrote in the WhatsApp Business app
        coexistence.apply_echoes(tenant_id=target.tenant_id, instance_id=target.instance_id,
                                echoes=parsed.echoes)
