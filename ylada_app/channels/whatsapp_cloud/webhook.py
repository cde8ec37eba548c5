"""WhatsApp Cloud API webhooks: signature check, GET handshake helper, POST parsing.

`parse_webhook` never raises: the endpoint must answer 200 fast and record whatever it
cannot understand (`ParsedWebhook.unsupported`) instead of failing a whole batch because
one item is odd. Each entry/change/message is parsed in isolation for the same reason.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from .coerce import MAX_TIMESTAMP, as_dict, as_id, as_int, as_list, as_str, as_timestamp
from .events import (
    AppContact,
    AppEcho,
    HistoryMessage,
    HistoryThread,
    InboundMessage,
    Location,
    MarketingPreference,
    Media,
    MessageContext,
    NumberUpdate,
    ParsedWebhook,
    Reaction,
    StatusUpdate,
    TemplateStatusUpdate,
    UnsupportedEvent,
    WebhookError,
    should_apply_status,
    status_rank,
)
from .inbound import (
    ChangeMeta,
    contact_names,
    normalize_error,
    normalize_errors,
    parse_message,
)

__all__ = [
    "AppContact",
    "AppEcho",
    "InboundMessage",
    "Location",
    "Media",
    "MessageContext",
    "ParsedWebhook",
    "Reaction",
    "StatusUpdate",
    "UnsupportedEvent",
    "WebhookError",
    "parse_handshake",
    "parse_webhook",
    "should_apply_status",
    "sign_body",
    "status_rank",
    "verify_signature",
]

SIGNATURE_HEADER = "X-Hub-Signature-256"
WABA_OBJECT = "whatsapp_business_account"
_SIG_PREFIX = "sha256="


def sign_body(raw_body: bytes, app_secret: str) -> str:
    """The `X-Hub-Signature-256` header value Meta would send for this body."""
    mac = _keyed(app_secret).copy()  # the key schedule once per secret, not per request
    mac.update(raw_body)
    return _SIG_PREFIX + mac.hexdigest()


@lru_cache(maxsize=1024)
def _keyed(app_secret: str) -> hmac.HMAC:
    return hmac.new(app_secret.encode(), digestmod=hashlib.sha256)


def verify_signature(raw_body: bytes, header: str | None, app_secret: str) -> bool:
    """HMAC-SHA256(app_secret, raw body) == header, compared in constant time."""
    if not header or not app_secret or not isinstance(header, str):
        return False
    header = header.strip()
    if not header.lower().startswith(_SIG_PREFIX):
        return False
    given = header[len(_SIG_PREFIX) :].lower()
    if len(given) != 64 or any(c not in "0123456789abcdef" for c in given):
        return False
    expected = sign_body(raw_body, app_secret)[len(_SIG_PREFIX) :]
    return hmac.compare_digest(given.encode(), expected.encode())


def parse_handshake(params: Mapping[str, str]) -> tuple[str | None, str | None, str | None]:
    """(hub.mode, hub.verify_token, hub.challenge) from the GET query parameters."""
    return params.get("hub.mode"), params.get("hub.verify_token"), params.get("hub.challenge")


def parse_webhook(raw_body: bytes) -> ParsedWebhook:
    """Parse a webhook POST body; never raises (garbage becomes `unsupported`)."""
    result = ParsedWebhook()
    try:
        data = json.loads(raw_body)
    except Exception:  # malformed JSON, bad encoding, absurd nesting or numbers
        result.unsupported.append(UnsupportedEvent(reason="invalid_json"))
        return result
    try:
        _parse_document(data, result)
    except Exception:  # defensive: a bug here must never cost the other events
        result.unsupported.append(UnsupportedEvent(reason="parser_error", raw=data))
    return result


def _parse_document(data: Any, result: ParsedWebhook) -> None:
    if not isinstance(data, dict):
        result.unsupported.append(UnsupportedEvent(reason="not_an_object", raw=data))
        return
    result.object = as_str(data.get("object"), 128)
    if result.object != WABA_OBJECT:
        result.unsupported.append(UnsupportedEvent(reason=f"object:{result.object}", raw=data))
        return
    entries = data.get("entry")
    if not isinstance(entries, list):
        result.unsupported.append(UnsupportedEvent(reason="malformed_entry", raw=data))
        return
    for entry in as_list(entries):
        try:
            _parse_entry(entry, result)
        except Exception:
            result.unsupported.append(UnsupportedEvent(reason="parser_error", raw=entry))


def _parse_entry(entry: Any, result: ParsedWebhook) -> None:
    if not isinstance(entry, dict) or not isinstance(entry.get("changes"), list):
        result.unsupported.append(UnsupportedEvent(reason="malformed_entry", raw=entry))
        return
    waba_id = as_id(entry.get("id"))
    for change in as_list(entry["changes"]):
        try:
            _parse_change(change, waba_id, result)
        except Exception:
            result.unsupported.append(
                UnsupportedEvent(reason="parser_error", waba_id=waba_id, raw=change)
            )


def _parse_change(change: Any, waba_id: str | None, result: ParsedWebhook) -> None:
    if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
        result.unsupported.append(
            UnsupportedEvent(reason="malformed_change", waba_id=waba_id, raw=change)
        )
        return
    value: dict = change["value"]
    field = as_str(change.get("field"), 128)
    metadata = as_dict(value.get("metadata"))
    phone_number_id = as_id(metadata.get("phone_number_id"))
    update = _template_update(field, value, waba_id)
    if update is not None:  # Meta reviewed, re-categorised or rated a template
        result.template_updates.append(update)
        return
    if field in _NUMBER_FIELDS:
        update = _number_update(field, value, waba_id)
        if update is not None:
            result.number_updates.append(update)
            return
    if field == "user_preferences" and isinstance(value.get("user_preferences"), list):
        prefs = [p for p in (_preference(item, phone_number_id or "")
                             for item in as_list(value["user_preferences"], 100)) if p]
        if prefs:
            result.preferences += prefs
            return
    if field == "smb_message_echoes" and isinstance(value.get("message_echoes"), list):
        meta = ChangeMeta(phone_number_id=phone_number_id or "",
                          display_phone_number=as_str(metadata.get("display_phone_number"), 64),
                          waba_id=waba_id, names={})
        for item in as_list(value["message_echoes"]):
            echo = _echo(item, meta) if isinstance(item, dict) else None
            if echo is None:
                result.unsupported.append(_malformed("malformed_echo", meta, item))
            else:
                result.echoes.append(echo)
        return
    if field == "smb_app_state_sync" and isinstance(value.get("state_sync"), list):
        for item in as_list(value["state_sync"]):
            synced = _app_contact(item, phone_number_id or "")
            if synced is None:
                result.unsupported.append(UnsupportedEvent(
                    reason="malformed_state_sync", phone_number_id=phone_number_id,
                    field=field, waba_id=waba_id, raw=item))
            else:
                result.app_contacts.append(synced)
        return
    if field == "history" and isinstance(value.get("history"), list):
        _parse_history(value["history"], phone_number_id or "", result)
        return
    if field != "messages":
        # calls, group chats, ... : not ours (yet).
        result.unsupported.append(
            UnsupportedEvent(
                reason=f"field:{field}",
                phone_number_id=phone_number_id,
                field=field,
                waba_id=waba_id,
                raw=value,
            )
        )
        return
    meta = ChangeMeta(
        phone_number_id=phone_number_id or "",
        display_phone_number=as_str(metadata.get("display_phone_number"), 64),
        waba_id=waba_id,
        names=contact_names(value.get("contacts")),
    )
    known = False
    if "messages" in value:
        known = True
        _parse_messages(value["messages"], meta, result)
    if "statuses" in value:
        known = True
        _parse_statuses(value["statuses"], meta, result)
    if "errors" in value:
        known = True
        _parse_errors(value["errors"], meta, result)
    if not known:
        result.unsupported.append(
            UnsupportedEvent(
                reason="no_known_content",
                phone_number_id=phone_number_id,
                field=field,
                waba_id=waba_id,
                raw=value,
            )
        )


def _template_update(field: str | None, value: dict,
                     waba_id: str | None) -> TemplateStatusUpdate | None:
    """A review (`message_template_status_update`), a new category
    (`template_category_update`) or a quality rating (`message_template_quality_update`) of
    one template; None when the value is not one of them."""
    event, category, quality = "", "", ""
    if field == "message_template_status_update":
        event = as_str(value.get("event"), 40) or ""
    elif field == "template_category_update":
        category = (as_str(value.get("new_category"), 20) or "").strip().upper()
        event = "CATEGORY" if category in ("MARKETING", "UTILITY", "AUTHENTICATION") else ""
    elif field == "message_template_quality_update":
        quality = (as_str(value.get("new_quality_score"), 20) or "").strip().upper()
        event = "QUALITY" if quality in ("GREEN", "YELLOW", "RED", "UNKNOWN") else ""
    if not event:
        return None
    return TemplateStatusUpdate(
        waba_id=waba_id, event=event,
        template_id=as_id(value.get("message_template_id")) or "",
        name=as_str(value.get("message_template_name"), 512) or "",
        language=as_str(value.get("message_template_language"), 10) or "",
        reason=(as_str(value.get("reason"), 300) or "") if event not in ("CATEGORY", "QUALITY")
        else "", category=category, quality=quality)


_NUMBER_FIELDS = ("phone_number_quality_update", "account_update", "phone_number_name_update",
                  "business_capability_update")
# business_capability_update gives the daily limit as a number of people
_TIER_OF_COUNT = {50: "TIER_50", 250: "TIER_250", 1000: "TIER_1K", 2000: "TIER_2K",
                  10000: "TIER_10K", 100000: "TIER_100K", -1: "TIER_UNLIMITED"}


def _number_update(field: str, value: dict, waba_id: str | None) -> NumberUpdate | None:
    if field == "phone_number_name_update":
        return _name_update(value, waba_id)
    if field == "business_capability_update":
        count = as_int(value.get("max_daily_conversation_per_phone")
                       if "max_daily_conversation_per_phone" in value
                       else value.get("max_daily_conversations_per_business"))
        if count not in _TIER_OF_COUNT:
            return None
        return NumberUpdate(field=field, event="CAPABILITY_UPDATE", waba_id=waba_id,
                            current_limit=_TIER_OF_COUNT[count])
    event = (as_str(value.get("event"), 60) or "").strip().upper()
    if not event:
        return None
    number = as_str(value.get("display_phone_number") or value.get("phone_number"), 40)
    digits = "".join(ch for ch in number or "" if ch.isdigit()) or None
    limit = as_str(value.get("current_limit") or value.get("max_daily_conversation_per_phone")
                   or value.get("max_daily_conversations_per_business"), 40)
    detail, until = _account_detail(value)
    return NumberUpdate(field=field, event=event, waba_id=waba_id, phone_number=digits,
                        current_limit=(limit or "").strip().upper() or None,
                        detail=detail, until=until)


def _name_update(value: dict, waba_id: str | None) -> NumberUpdate | None:
    decision = (as_str(value.get("decision"), 40) or "").strip().upper()
    if not decision:
        return None
    number = as_str(value.get("display_phone_number"), 40)
    reason = (as_str(value.get("rejection_reason"), 80) or "").strip().upper()
    return NumberUpdate(field="phone_number_name_update", event=decision, waba_id=waba_id,
                        phone_number="".join(ch for ch in number or "" if ch.isdigit()) or None,
                        detail="" if reason in ("", "NONE") else reason,
                        name=(as_str(value.get("requested_verified_name"), 120) or "").strip())


def _account_detail(value: dict) -> tuple[str, int]:
    """The reason words of an account_update, and the date it names (a ban's, a
    restriction's end)."""
    parts: list[str] = []
    until = 0
    violation = as_dict(value.get("violation_info"))
    if violation.get("violation_type"):
        parts.append(as_str(violation.get("violation_type"), 80) or "")
    ban = as_dict(value.get("ban_info"))
    states = ban.get("waba_ban_state")
    for state in as_list(states if isinstance(states, list) else [states], 5):
        if isinstance(state, str) and state:
            parts.append(state[:40])
    until = _when(ban.get("waba_ban_date")) or until
    for item in as_list(value.get("restriction_info"), 10):
        item = as_dict(item)
        if item.get("restriction_type"):
            parts.append(as_str(item.get("restriction_type"), 80) or "")
        until = max(until, _when(item.get("expiration")))
    return ", ".join(p.strip().upper() for p in parts if p.strip())[:300], until


def _when(raw: Any) -> int:
    """Unix seconds from Meta's timestamp or an ISO date ("2025-10-30"); 0 when unreadable."""
    seconds = as_timestamp(raw)
    if seconds:
        return seconds
    text = as_str(raw, 40) or ""
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        seconds = int((when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp())
    except (ValueError, OverflowError, OSError):
        return 0
    return seconds if 0 < seconds < MAX_TIMESTAMP else 0


def _preference(item: Any, phone_number_id: str) -> MarketingPreference | None:
    if not isinstance(item, dict):
        return None
    category = (as_str(item.get("category"), 60) or "").strip().lower()
    choice = (as_str(item.get("value"), 20) or "").strip().lower()
    wa_id = as_id(item.get("wa_id"))
    if category != "marketing_messages" or choice not in ("stop", "resume") or not wa_id:
        return None
    return MarketingPreference(phone_number_id=phone_number_id, wa_id=wa_id, value=choice,
                               timestamp=as_timestamp(item.get("timestamp")),
                               detail=as_str(item.get("detail"), 200) or "")


def _echo(item: dict, meta: ChangeMeta) -> AppEcho | None:
    """An echo reads like a message with `from` and `to` swapped: its contents are parsed
    the same way. An edit carries the new message; a revoke only the original's id."""
    to = as_id(item.get("to"))
    wamid = as_id(item.get("id"))
    if not to or not wamid:
        return None
    to = to.lstrip("+")
    mtype = as_str(item.get("type"), 64) or "unknown"
    stamp = as_timestamp(item.get("timestamp"))
    if mtype == "revoke":
        original = as_id(as_dict(item.get("revoke")).get("original_message_id"))
        return AppEcho(meta.phone_number_id, wamid, to, stamp, mtype, revoke_of=original,
                       raw=item) if original else None
    edit_of = None
    body = item
    if mtype == "edit":
        edit = as_dict(item.get("edit"))
        edit_of = as_id(edit.get("original_message_id"))
        body = as_dict(edit.get("message"))
        if not edit_of or not body:
            return None
    parsed = parse_message({**body, "id": wamid, "from": to}, meta)
    if parsed is None:
        return None
    return AppEcho(meta.phone_number_id, wamid, to, stamp, parsed.type, text=parsed.text,
                   media=parsed.media, edit_of=edit_of, raw=item)


def _app_contact(item: Any, phone_number_id: str) -> AppContact | None:
    if not isinstance(item, dict) or (as_str(item.get("type"), 40) or "contact") != "contact":
        return None
    contact = as_dict(item.get("contact"))
    digits = "".join(ch for ch in as_str(contact.get("phone_number"), 40) or "" if ch.isdigit())
    action = (as_str(item.get("action"), 20) or "").strip().lower()
    if len(digits) < 8 or action not in ("add", "remove"):
        return None
    name = (as_str(contact.get("full_name"), 120) or as_str(contact.get("first_name"), 120)
            or "").strip()
    return AppContact(phone_number_id, digits, action, name,
                      as_timestamp(as_dict(item.get("metadata")).get("timestamp")))


def _parse_history(chunks: list, phone_number_id: str, result: ParsedWebhook) -> None:
    """The app's past chats: chunks of threads (one per customer) of messages from either
    side; a chunk with `errors` (2593109) says the business declined to share them."""
    meta = ChangeMeta(phone_number_id=phone_number_id, display_phone_number=None,
                      waba_id=None, names={})
    for chunk in as_list(chunks):
        chunk = as_dict(chunk)
        if chunk.get("errors") and not chunk.get("threads"):
            result.history_declined = True
            continue
        for raw in as_list(chunk.get("threads"), 10_000):
            thread = as_dict(raw)
            wa_id = (as_id(thread.get("id")) or "").lstrip("+")
            if not wa_id:
                result.unsupported.append(_malformed("malformed_history", meta, raw))
                continue
            found = HistoryThread(phone_number_id, wa_id)
            for item in as_list(thread.get("messages"), 100_000):
                found.messages.extend(_history_message(item, wa_id, meta))
            result.history.append(found)


def _history_message(item: Any, wa_id: str, meta: ChangeMeta) -> list[HistoryMessage]:
    if not isinstance(item, dict):
        return []
    context = as_dict(item.get("history_context"))
    sender = (as_id(item.get("from")) or "").lstrip("+")
    mine = context.get("from_me") is True or (bool(sender) and sender != wa_id)
    parsed = parse_message({**item, "from": wa_id}, meta)
    if parsed is None or parsed.type in ("edit", "revoke"):
        return []  # (a past edit or deletion: the message it changed came as it ended up)
    status = (as_str(context.get("status"), 20) or "").strip().lower()
    return [HistoryMessage(parsed.wamid, mine, parsed.timestamp, parsed.type, parsed.text,
                           status)]


def _parse_messages(items: Any, meta: ChangeMeta, result: ParsedWebhook) -> None:
    if not isinstance(items, list):
        result.unsupported.append(_malformed("malformed_messages", meta, items))
        return
    for item in as_list(items):
        if not isinstance(item, dict):
            result.unsupported.append(_malformed("malformed_message", meta, item))
            continue
        try:
            msg = parse_message(item, meta)
        except Exception:
            msg = None
        if msg is None:
            result.unsupported.append(_malformed("malformed_message", meta, item))
            continue
        result.messages.append(msg)
        if not msg.supported:
            # Kept as a message (the bot may answer "can't read that"), and recorded.
            result.unsupported.append(
                UnsupportedEvent(
                    reason=f"message_type:{msg.type}",
                    phone_number_id=meta.phone_number_id or None,
                    field="messages",
                    wamid=msg.wamid,
                    waba_id=meta.waba_id,
                    raw=item,
                )
            )


def _parse_statuses(items: Any, meta: ChangeMeta, result: ParsedWebhook) -> None:
    if not isinstance(items, list):
        result.unsupported.append(_malformed("malformed_statuses", meta, items))
        return
    for item in as_list(items):
        status = _status(item, meta) if isinstance(item, dict) else None
        if status is None:
            result.unsupported.append(_malformed("malformed_status", meta, item))
        else:
            result.statuses.append(status)


def _status(item: dict, meta: ChangeMeta) -> StatusUpdate | None:
    wamid = as_id(item.get("id"))
    status = as_str(item.get("status"), 64)
    if not wamid or not status:
        return None
    conversation = item.get("conversation")
    pricing = item.get("pricing")
    return StatusUpdate(
        phone_number_id=meta.phone_number_id,
        wamid=wamid,
        status=status.strip().lower(),
        timestamp=as_timestamp(item.get("timestamp")),
        recipient_id=as_id(item.get("recipient_id")),
        errors=normalize_errors(item.get("errors")),
        conversation=conversation if isinstance(conversation, dict) else None,
        pricing=pricing if isinstance(pricing, dict) else None,
        biz_opaque_callback_data=as_str(item.get("biz_opaque_callback_data"), 512),
        recipient_user_id=as_id(item.get("recipient_user_id")),
        display_phone_number=meta.display_phone_number,
        waba_id=meta.waba_id,
        raw=item,
    )


def _parse_errors(items: Any, meta: ChangeMeta, result: ParsedWebhook) -> None:
    if not isinstance(items, list):
        result.unsupported.append(_malformed("malformed_errors", meta, items))
        return
    for raw in as_list(items, 50):
        if not isinstance(raw, dict) or not raw:
            result.unsupported.append(_malformed("malformed_error", meta, raw))
            continue
        err = normalize_error(raw)
        result.errors.append(
            WebhookError(
                phone_number_id=meta.phone_number_id or None,
                code=err["code"],
                title=err["title"],
                message=err["message"],
                details=err["details"],
                href=err["href"],
                waba_id=meta.waba_id,
                raw=raw,
            )
        )


def _malformed(reason: str, meta: ChangeMeta, raw: Any) -> UnsupportedEvent:
    return UnsupportedEvent(
        reason=reason,
        phone_number_id=meta.phone_number_id or None,
        field="messages",
        waba_id=meta.waba_id,
        raw=raw,
    )
